/** S3 errors: their wire codes, the exception that carries them, and the one place that renders them. */
package dev.granary.api.error;

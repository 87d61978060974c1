/** HTTP request to S3 operation: the shared operation vocabulary and a pure routing function. */
package dev.granary.api.route;

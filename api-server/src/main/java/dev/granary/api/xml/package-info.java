/** S3 XML in and out: a small escaping writer for responses and a hardened DOM reader for request bodies. */
package dev.granary.api.xml;

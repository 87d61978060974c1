/**
 * TLS for the S3 and admin listeners: the certificate chain and key from PEM files, and their reload without a
 * restart (on SIGHUP, or when either file changes).
 */
package dev.granary.api.tls;

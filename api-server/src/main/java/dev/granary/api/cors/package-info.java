/**
 * Cross-origin resource sharing as S3 does it: a bucket's CORS rules (parsed from and written to AWS's
 * CORSConfiguration document), matching an origin, method and headers against them, and the headers a matching
 * rule adds to preflight and actual responses.
 */
package dev.granary.api.cors;

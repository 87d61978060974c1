/**
 * Access control decisions for Granary, modelled on S3's: bucket policies ({@link dev.granary.auth.access.BucketPolicy}),
 * ACLs ({@link dev.granary.auth.access.Acl}), Block Public Access settings
 * ({@link dev.granary.auth.access.BlockPublicAccess}) and the S3 operation table
 * ({@link dev.granary.auth.access.S3Operations}), combined per request by
 * {@link dev.granary.auth.access.AccessEvaluator}.
 *
 * <p>Pure Java: no HTTP server types, no XML. The API server builds an
 * {@link dev.granary.auth.access.AccessEvaluator.Request} from its route and headers and gets back an
 * {@link dev.granary.auth.access.AccessEvaluator.Decision}.
 */
package dev.granary.auth.access;

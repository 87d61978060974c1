/**
 * Authentication for Granary: credentials, AWS Signature Version 4 (header, presigned query and streaming
 * {@code aws-chunked} bodies with chunk signatures and trailers), Signature Version 2 for old clients (header and
 * query), POST policies signed either way, and payload integrity (x-amz-content-sha256, Content-MD5 and the
 * flexible {@code x-amz-checksum-*} algorithms). Authorization (bucket policies, ACLs, Block Public Access) is in
 * {@link dev.granary.auth.access}.
 *
 * <p>The package knows no HTTP server types. The API server hands it a {@link dev.granary.auth.SignableRequest}
 * and gets back an {@link dev.granary.auth.AuthResult} from {@link dev.granary.auth.RequestVerifier} (which sends
 * SigV2 requests to {@link dev.granary.auth.SigV2Verifier} and the rest to {@link dev.granary.auth.SigV4Verifier}),
 * or an {@link dev.granary.auth.AuthException} carrying the S3 error code. Request bodies are then read through
 * {@link dev.granary.auth.PayloadDecoder}, whose stream fails with a {@link dev.granary.auth.PayloadException}
 * before end of stream when the body does not match what the client signed or declared, so a store that commits
 * only on end of stream never commits a corrupt or forged body.
 *
 * <p>Credentials: the root's from configuration ({@link dev.granary.auth.StaticCredentialStore}) and the users'
 * from the {@link dev.granary.auth.UserDirectory}, which keeps users and access keys in memory for the verifiers and
 * durably through a {@link dev.granary.auth.UserRecords} the server provides, every secret sealed with AES-256-GCM
 * ({@link dev.granary.auth.SecretCipher}) under the {@link dev.granary.auth.MasterKey}.
 *
 * <p>JSON (bucket and POST policies, stored ACLs and user records, and the admin API's bodies through the server)
 * is read by {@link dev.granary.auth.JsonReader}, Jackson with limits on length, depth and trailing text, and
 * written by {@link dev.granary.auth.JsonWriter}.
 */
package dev.granary.auth;

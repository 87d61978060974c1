package dev.granary.auth;

import java.time.Clock;
import java.util.Objects;

/**
 * The one entry point for authenticating a request: SigV2 requests ({@code Authorization: AWS ...} or an
 * {@code AWSAccessKeyId} query) go to {@link SigV2Verifier}, OSS version 1 ones ({@code Authorization: OSS ...} or an
 * {@code OSSAccessKeyId} query) to {@link OssV1Verifier}, OSS version 4 ones to {@link OssV4Verifier}, everything else, unsigned requests included, to
 * {@link SigV4Verifier}. Thread-safe.
 */
public final class RequestVerifier {

    private final SigV4Verifier sigV4;
    private final SigV2Verifier sigV2;
    private final OssV1Verifier ossV1;
    private final OssV4Verifier ossV4;

    /**
     * Creates a verifier with AWS's (and OSS's) 15 minute clock skew allowance.
     *
     * @param credentials where access keys are looked up
     * @param region the region this endpoint serves
     * @param clock the server's clock
     */
    public RequestVerifier(CredentialStore credentials, String region, Clock clock) {
        this(
                new SigV4Verifier(credentials, region, clock),
                new SigV2Verifier(credentials, clock, SigV4Verifier.DEFAULT_MAX_SKEW),
                new OssV1Verifier(credentials, clock, SigV4Verifier.DEFAULT_MAX_SKEW),
                new OssV4Verifier(credentials, clock, SigV4Verifier.DEFAULT_MAX_SKEW));
    }

    /**
     * Creates a verifier of the given ones.
     *
     * @param sigV4 verifies SigV4 and unsigned requests
     * @param sigV2 verifies SigV2 requests
     * @param ossV1 verifies OSS version 1 requests
     * @param ossV4 verifies OSS version 4 requests
     */
    public RequestVerifier(SigV4Verifier sigV4, SigV2Verifier sigV2, OssV1Verifier ossV1, OssV4Verifier ossV4) {
        this.sigV4 = Objects.requireNonNull(sigV4, "sigV4");
        this.sigV2 = Objects.requireNonNull(sigV2, "sigV2");
        this.ossV1 = Objects.requireNonNull(ossV1, "ossV1");
        this.ossV4 = Objects.requireNonNull(ossV4, "ossV4");
    }

    /**
     * Authenticates a request.
     *
     * @param request the request as received
     * @param virtualHostBucket the bucket named by the Host header for a virtual-hosted request, else null (SigV2 and
     *     OSS's signatures need it)
     * @return the principal and how the body must be verified; anonymous when the request carries no signature
     * @throws AuthException with the S3 error when authentication fails
     */
    public AuthResult verify(SignableRequest request, String virtualHostBucket) {
        if (SigV2Verifier.isSigV2(request)) {
            return sigV2.verify(request, virtualHostBucket);
        }
        if (OssV1Verifier.isOssV1(request)) {
            return ossV1.verify(request, virtualHostBucket);
        }
        if (OssV4Verifier.isOssV4(request)) {
            return ossV4.verify(request, virtualHostBucket);
        }
        return sigV4.verify(request);
    }
}

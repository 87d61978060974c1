package dev.granary.bench.load;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The cross-checking client: the AWS SDK for Java v2 with its Apache HTTP client, one pooled connection per
 * worker. Tuned not to do work the lean client does not: checksums only where S3 requires them and no retries
 * (a retry would hide an error). It still signs the payload over plain HTTP (it hashes every PUT body), which
 * is part of why it costs more client CPU per operation.
 */
final class SdkS3Client implements S3Ops {
    private static final int READ_BUFFER = 256 << 10;

    private final S3Client s3;
    private final byte[] buffer = new byte[READ_BUFFER];

    private SdkS3Client(S3Client s3) {
        this.s3 = s3;
    }

    /** A client shared by all workers; the caller closes it after the run. */
    static S3Client shared(URI endpoint, String accessKey, String secretKey, String region, int connections) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClientBuilder(Apache5HttpClient.builder().maxConnections(connections))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(DefaultRetryStrategy.doNotRetry()))
                .build();
    }

    /** One worker's view of a shared client. */
    static SdkS3Client over(S3Client shared) {
        return new SdkS3Client(shared);
    }

    @Override
    public void createBucket(String bucket) throws IOException {
        try {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException e) {
            // already there: fine
        } catch (SdkException e) {
            throw failure("CreateBucket " + bucket, e);
        }
    }

    @Override
    public void put(String bucket, String key, ObjectBody body) throws IOException {
        try {
            s3.putObject(
                    b -> b.bucket(bucket).key(key).contentLength((long) body.length()),
                    RequestBody.fromContentProvider(() -> stream(body), body.length(), "application/octet-stream"));
        } catch (SdkException e) {
            throw failure("PUT " + key, e);
        }
    }

    private static InputStream stream(ObjectBody body) {
        return new SequenceInputStream(
                new ByteArrayInputStream(body.stamp()),
                new ByteArrayInputStream(
                        body.shared(), ObjectBody.STAMP_LENGTH, body.length() - ObjectBody.STAMP_LENGTH));
    }

    @Override
    public void get(String bucket, String key, ObjectBody expected) throws IOException {
        ObjectBody.Verifier verifier = expected.verifier();
        try (ResponseInputStream<GetObjectResponse> in =
                s3.getObject(b -> b.bucket(bucket).key(key))) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                verifier.accept(buffer, 0, n);
            }
        } catch (SdkException e) {
            throw failure("GET " + key, e);
        }
        if (!verifier.verified()) {
            throw new OpException("GET " + key + ": content differs from what was stored");
        }
    }

    @Override
    public void stat(String bucket, String key, long expectedSize) throws IOException {
        try {
            long size = s3.headObject(b -> b.bucket(bucket).key(key)).contentLength();
            if (size != expectedSize) {
                throw new OpException("HEAD " + key + ": Content-Length " + size + ", expected " + expectedSize);
            }
        } catch (SdkException e) {
            throw failure("HEAD " + key, e);
        }
    }

    @Override
    public void delete(String bucket, String key) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw failure("DELETE " + key, e);
        }
    }

    @Override
    public int list(String bucket, String prefix, int maxKeys) throws IOException {
        try {
            return s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).maxKeys(maxKeys))
                    .contents()
                    .size();
        } catch (SdkException e) {
            throw failure("LIST " + prefix, e);
        }
    }

    private static OpException failure(String what, SdkException e) {
        OpException failure = new OpException(what + ": " + e.getMessage());
        failure.initCause(e);
        return failure;
    }

    @Override
    public void close() {
        // the S3Client is shared by all workers and closed by whoever built it
    }
}

package dev.granary.bench.load;

import java.io.Closeable;
import java.io.IOException;

/**
 * The S3 operations the workloads issue, as one worker thread sees them. Every method fails with an
 * {@link IOException} (an {@link OpException} for an unexpected answer) rather than returning an error, so a
 * worker counts one error per failed operation whatever the cause.
 */
interface S3Ops extends Closeable {

    /** Creates the bucket; one that exists already (owned by us) is fine. */
    void createBucket(String bucket) throws IOException;

    /** PutObject of {@code body}. */
    void put(String bucket, String key, ObjectBody body) throws IOException;

    /** GetObject, failing unless exactly {@code expected} comes back. */
    void get(String bucket, String key, ObjectBody expected) throws IOException;

    /** HeadObject, failing unless the object has {@code expectedSize} bytes. */
    void stat(String bucket, String key, long expectedSize) throws IOException;

    /** DeleteObject. */
    void delete(String bucket, String key) throws IOException;

    /**
     * ListObjectsV2, one page.
     *
     * @return the number of keys on the page
     */
    int list(String bucket, String prefix, int maxKeys) throws IOException;

    /** Closes what this worker owns (its connection); shared clients stay open. */
    @Override
    void close();

    /** An operation the server answered, but not as expected. */
    final class OpException extends IOException {
        private static final long serialVersionUID = 1L;

        OpException(String message) {
            super(message);
        }
    }
}

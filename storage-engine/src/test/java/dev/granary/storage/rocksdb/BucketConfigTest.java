package dev.granary.storage.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.StorageException;
import dev.granary.storage.StorageException.Reason;
import org.junit.jupiter.api.Test;

/** Per-bucket configuration documents: stored durably, replaced, deleted, and gone with their bucket. */
class BucketConfigTest extends StoreTestSupport {

    @Test
    void documentRoundTripsAndSurvivesReopen() {
        assertThat(store.getBucketConfig(BUCKET, "cors")).isEmpty();

        store.putBucketConfig(BUCKET, "cors", "one".getBytes(UTF_8));
        store.putBucketConfig(BUCKET, "cors", "two".getBytes(UTF_8));
        store.putBucketConfig(BUCKET, "policy", "p".getBytes(UTF_8));
        reopen();

        assertThat(store.getBucketConfig(BUCKET, "cors"))
                .hasValueSatisfying(v -> assertThat(v).isEqualTo("two".getBytes(UTF_8)));
        assertThat(store.getBucketConfig(BUCKET, "policy"))
                .hasValueSatisfying(v -> assertThat(v).isEqualTo("p".getBytes(UTF_8)));
    }

    @Test
    void deleteRemovesOnlyThatDocumentAndMissingIsFine() {
        store.putBucketConfig(BUCKET, "cors", new byte[] {1});
        store.putBucketConfig(BUCKET, "policy", new byte[] {2});

        store.deleteBucketConfig(BUCKET, "cors");
        store.deleteBucketConfig(BUCKET, "cors");

        assertThat(store.getBucketConfig(BUCKET, "cors")).isEmpty();
        assertThat(store.getBucketConfig(BUCKET, "policy")).isPresent();
    }

    @Test
    void documentsGoWithTheirBucketAndDoNotLeakIntoANamesake() {
        store.createBucket("bucket2", OWNER, "us-east-1");
        store.putBucketConfig(BUCKET, "cors", new byte[] {1});
        store.putBucketConfig("bucket2", "cors", new byte[] {2});
        // Read (and cached) before the delete: the cache must not hand it to the namesake.
        assertThat(store.getBucketConfig(BUCKET, "cors")).contains(new byte[] {1});
        assertThat(store.getBucketConfig(BUCKET, "website")).isEmpty();
        store.getBucketConfig(BUCKET, "cors").orElseThrow()[0] = 9; // a copy: the caller cannot change the cache
        assertThat(store.getBucketConfig(BUCKET, "cors")).contains(new byte[] {1});

        store.deleteBucket(BUCKET);
        assertThatThrownBy(() -> store.getBucketConfig(BUCKET, "cors"))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_SUCH_BUCKET));
        store.createBucket(BUCKET, OWNER, "us-east-1");

        assertThat(store.getBucketConfig(BUCKET, "cors")).isEmpty();
        assertThat(store.getBucketConfig("bucket2", "cors")).isPresent();
        assertThat(store.countKeys(Cf.BUCKET_CONFIG)).isEqualTo(1);
    }

    @Test
    void missingBucketFailsWithNoSuchBucket() {
        assertThatThrownBy(() -> store.putBucketConfig("nope", "cors", new byte[] {1}))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_SUCH_BUCKET));
    }
}

package dev.granary.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.BucketInfo;
import dev.granary.storage.ListQuery;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.StorageException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The {@link dev.granary.storage.ObjectStore} contract for objects and buckets, through the SPI only: every
 * implementation (the standalone engine, a cluster's node) runs it through its {@link StoreFixture}.
 */
public abstract class ObjectsContract extends StoreContract {
    @Test
    void emptyObjectRoundTrips() throws IOException {
        ObjectMeta meta = put("empty", new byte[0]);

        assertThat(meta.size()).isZero();
        assertThat(meta.etag()).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        assertThat(store.headObject(key("empty")).etag()).isEqualTo(meta.etag());
        assertThat(get("empty")).isEmpty();
    }

    @Test
    void rangesAcrossChunkBoundariesReturnExactlyThoseBytes() throws IOException {
        byte[] data = random(5 * chunk + 100, 4);
        put("k", data);
        long[][] ranges = {
            {0, 1},
            {0, chunk},
            {chunk - 1, 2},
            {chunk - 3, 2L * chunk + 6},
            {chunk, chunk},
            {5L * chunk, 100},
            {5L * chunk + 99, 1},
            {3L * chunk + 5, -1},
            {data.length, -1},
            {7, 0}
        };
        for (long[] r : ranges) {
            int from = (int) r[0];
            int to = r[1] < 0 ? data.length : from + (int) r[1];
            assertThat(get("k", r[0], r[1]))
                    .as("range %s+%s", r[0], r[1])
                    .isEqualTo(Arrays.copyOfRange(data, from, to));
        }
    }

    @Test
    void attributesAndChecksumsFilledAtEndOfBodyAreStored() throws Exception {
        Map<String, String> checksums = new TreeMap<>();
        TreeMap<String, String> metadata = new TreeMap<>(Map.of("colour", "blue", "note", "h\u00e9"));
        ObjectAttributes attributes = new ObjectAttributes(
                "text/plain", "gzip", "inline", "en", "no-cache", "tomorrow", metadata, checksums, "FULL_OBJECT");
        byte[] data = random(2 * chunk, 6);
        InputStream body = withTrailer(data, checksums, "CRC32C", "AAAAAA==");

        store.putObject(key("k"), attributes, body, -1, null);
        reopen();

        ObjectAttributes stored = store.headObject(key("k")).attributes();
        assertThat(stored.contentType()).isEqualTo("text/plain");
        assertThat(stored.contentEncoding()).isEqualTo("gzip");
        assertThat(stored.contentDisposition()).isEqualTo("inline");
        assertThat(stored.contentLanguage()).isEqualTo("en");
        assertThat(stored.cacheControl()).isEqualTo("no-cache");
        assertThat(stored.expires()).isEqualTo("tomorrow");
        assertThat(stored.userMetadata()).isEqualTo(metadata);
        assertThat(stored.checksums()).containsExactly(Map.entry("CRC32C", "AAAAAA=="));
        assertThat(stored.checksumType()).isEqualTo("FULL_OBJECT");
    }

    @Test
    void everythingIsReadableAfterRestart() throws Exception {
        byte[] small = random(10, 18);
        byte[] large = random(3 * chunk + 5, 19);
        put("a/small", small);
        put("b/large", large);

        reopen();

        assertThat(store.getBucket(BUCKET).owner()).isEqualTo(OWNER);
        assertThat(get("a/small")).isEqualTo(small);
        assertThat(get("b/large")).isEqualTo(large);
        assertThat(store.listObjects(BUCKET, new ListQuery("", null, "", 10)).objects())
                .extracting(m -> m.key().key())
                .containsExactly("a/small", "b/large");
    }

    @Test
    void replaceAttributesKeepsDataAndChecksTheEtag() throws IOException {
        byte[] data = random(2 * chunk, 20);
        ObjectMeta meta = put("k", data);
        ObjectAttributes attributes = ObjectAttributes.empty();
        attributes.userMetadata().put("x", "y");

        ObjectMeta replaced = store.replaceAttributes(key("k"), meta.etag(), attributes);

        assertThat(replaced.etag()).isEqualTo(meta.etag());
        assertThat(store.headObject(key("k")).attributes().userMetadata()).containsEntry("x", "y");
        assertThat(get("k")).isEqualTo(data);
        assertThatThrownBy(() -> store.replaceAttributes(key("k"), "0123", attributes))
                .is(reason(Reason.NO_SUCH_KEY));
    }

    // ---- buckets ----

    @Test
    void createBucketTwiceFailsByOwner() {
        assertThatThrownBy(() -> store.createBucket(BUCKET, OWNER, "")).is(reason(Reason.BUCKET_ALREADY_OWNED_BY_YOU));
        assertThatThrownBy(() -> store.createBucket(BUCKET, "bob", "")).is(reason(Reason.BUCKET_ALREADY_EXISTS));
    }

    @Test
    void listBucketsMergesPartitionsByNameAndFiltersByOwner() {
        for (String name : new String[] {"zeta", "alpha", "mid", "beta-1", "beta"}) {
            store.createBucket(name, name.startsWith("b") ? "bob" : OWNER, "eu-west-1");
        }

        assertThat(store.listBuckets(null))
                .extracting(BucketInfo::name)
                .containsExactly("alpha", "beta", "beta-1", BUCKET, "mid", "zeta");
        assertThat(store.listBuckets("bob")).extracting(BucketInfo::name).containsExactly("beta", "beta-1");
        assertThat(store.getBucket("mid").region()).isEqualTo("eu-west-1");
    }
}

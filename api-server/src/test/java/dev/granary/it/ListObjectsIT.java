package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

class ListObjectsIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private static final String BUCKET = "listing";
    /** Every key in the bucket, in UTF-8 binary order (what S3 lists in). */
    private static final TreeSet<String> KEYS = new TreeSet<>(ListObjectsIT::compareUtf8);

    private final S3Client s3 = server.client();

    static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void fill() throws Exception {
        S3Client s3 = server.client();
        s3.createBucket(b -> b.bucket(BUCKET));
        for (int d = 0; d < 25; d++) {
            for (int f = 0; f < 100; f++) {
                KEYS.add(String.format("dir%02d/file%03d", d, f));
            }
        }
        for (int i = 0; i < 50; i++) {
            KEYS.add("top" + i);
        }
        KEYS.addAll(List.of(
                "uni/ä",
                "uni/z",
                "uni/日本",
                "uni/😀",
                "uni/\uFFFD",
                "uni/space key",
                "uni/a+b",
                "multi--x--y",
                "multi--z",
                "multi-",
                "sep/a//b"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (String key : KEYS) {
            done.add(pool.submit(() -> s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(key))));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }

    @Test
    void v2PaginationOverThousandsOfKeysReturnsEveryKeyOnceInUtf8Order() {
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String t = token;
            ListObjectsV2Response page =
                    s3.listObjectsV2(b -> b.bucket(BUCKET).maxKeys(333).continuationToken(t));
            page.contents().forEach(o -> seen.add(o.key()));
            assertThat(page.keyCount()).isEqualTo(page.contents().size());
            token = page.isTruncated() ? page.nextContinuationToken() : null;
            pages++;
        } while (token != null && pages < 100);
        assertThat(seen).containsExactlyElementsOf(KEYS);
        assertThat(pages).isEqualTo((KEYS.size() + 332) / 333);
    }

    @Test
    void sdkPaginatorV1WithMarkersSeesEveryKey() {
        List<String> seen = new ArrayList<>();
        String marker = null;
        int pages = 0;
        while (pages++ < 100) {
            String m = marker;
            ListObjectsResponse page =
                    s3.listObjects(b -> b.bucket(BUCKET).maxKeys(500).marker(m));
            page.contents().forEach(o -> seen.add(o.key()));
            if (!page.isTruncated()) {
                break;
            }
            assertThat(page.nextMarker()).isNull(); // AWS sends NextMarker only with a delimiter
            marker = page.contents().get(page.contents().size() - 1).key();
        }
        assertThat(seen).containsExactlyElementsOf(KEYS);
    }

    @Test
    void delimiterRollsKeysUpIntoCommonPrefixes() {
        ListObjectsV2Response top = s3.listObjectsV2(b -> b.bucket(BUCKET).delimiter("/"));
        assertThat(top.commonPrefixes()).extracting(CommonPrefix::prefix).contains("dir00/", "dir24/", "uni/", "sep/");
        assertThat(top.commonPrefixes()).hasSize(27);
        assertThat(top.contents())
                .extracting(S3Object::key)
                .contains("top0", "multi--x--y")
                .doesNotContain("dir00/file000");
        assertThat(top.keyCount())
                .isEqualTo(top.contents().size() + top.commonPrefixes().size());

        ListObjectsV2Response inDir =
                s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("dir03/").delimiter("/"));
        assertThat(inDir.contents()).hasSize(100);
        assertThat(inDir.commonPrefixes()).isEmpty();

        ListObjectsV2Response nested =
                s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("sep/").delimiter("/"));
        assertThat(nested.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("sep/a/");

        // An empty delimiter is none, and is not echoed.
        ListObjectsV2Response empty =
                s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("sep/").delimiter(""));
        assertThat(empty.delimiter()).isNull();
        assertThat(empty.commonPrefixes()).isEmpty();
    }

    @Test
    void multiCharacterDelimiter() {
        ListObjectsV2Response page =
                s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("multi").delimiter("--"));
        assertThat(page.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("multi--");
        assertThat(page.contents()).extracting(S3Object::key).containsExactly("multi-");
    }

    @Test
    void paginationWithDelimiterCountsCommonPrefixesAndNeverRepeatsThem() {
        List<String> entries = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String t = token;
            ListObjectsV2Response page = s3.listObjectsV2(
                    b -> b.bucket(BUCKET).delimiter("/").maxKeys(7).continuationToken(t));
            assertThat(page.contents().size() + page.commonPrefixes().size()).isLessThanOrEqualTo(7);
            page.commonPrefixes().forEach(p -> entries.add(p.prefix()));
            page.contents().forEach(o -> entries.add(o.key()));
            token = page.isTruncated() ? page.nextContinuationToken() : null;
            pages++;
        } while (token != null && pages < 100);
        assertThat(entries).doesNotHaveDuplicates().hasSize(27 + 50 + 3);

        // v1 with a delimiter: NextMarker may be a common prefix.
        ListObjectsResponse first =
                s3.listObjects(b -> b.bucket(BUCKET).delimiter("/").maxKeys(2));
        assertThat(first.isTruncated()).isTrue();
        assertThat(first.nextMarker()).isEqualTo("dir01/");
        ListObjectsResponse second =
                s3.listObjects(b -> b.bucket(BUCKET).delimiter("/").maxKeys(2).marker(first.nextMarker()));
        assertThat(second.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("dir02/", "dir03/");
    }

    @Test
    void startAfterAndPrefix() {
        ListObjectsV2Response page =
                s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("dir05/").startAfter("dir05/file097"));
        assertThat(page.contents()).extracting(S3Object::key).containsExactly("dir05/file098", "dir05/file099");
        assertThat(page.startAfter()).isEqualTo("dir05/file097");
    }

    @Test
    void unicodeKeysAreListedInUtf8BinaryOrder() {
        ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("uni/"));
        assertThat(page.contents())
                .extracting(S3Object::key)
                .containsExactly("uni/a+b", "uni/space key", "uni/z", "uni/ä", "uni/日本", "uni/\uFFFD", "uni/😀");
    }

    @Test
    void encodingTypeUrlEncodesKeysAndTheSdkDecodesThem() {
        ListObjectsV2Response page =
                s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("uni/").encodingType(EncodingType.URL));
        assertThat(page.contents()).extracting(S3Object::key).contains("uni/space key", "uni/a+b", "uni/日本");
    }

    @Test
    void maxKeysZeroReturnsNothing() {
        ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(BUCKET).maxKeys(0));
        assertThat(page.contents()).isEmpty();
        assertThat(page.maxKeys()).isZero();
    }

    @Test
    void fetchOwnerAddsOwnerToV2Entries() {
        ListObjectsV2Response without =
                s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("top1").maxKeys(1));
        assertThat(without.contents().get(0).owner()).isNull();
        ListObjectsV2Response with =
                s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("top1").maxKeys(1).fetchOwner(true));
        assertThat(with.contents().get(0).owner().id()).isNotBlank();
    }
}

package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.storage.ListPage;
import dev.granary.storage.ListQuery;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** ListObjects over 8 partitions, compared with a sorted model in UTF-8 binary order. */
class ListingTest extends StoreTestSupport {
    /** UTF-8 binary order, which differs from {@link String#compareTo} for supplementary characters. */
    static final Comparator<String> UTF8_ORDER = (a, b) -> Arrays.compareUnsigned(Keys.utf8(a), Keys.utf8(b));

    private final TreeMap<String, Integer> model = new TreeMap<>(UTF8_ORDER);

    @Override
    EngineOptions options() {
        return new EngineOptions(8, false, INLINE, CHUNK);
    }

    private void putAll(List<String> keys) throws IOException {
        for (String k : keys) {
            put(k, new byte[] {(byte) k.length()});
            model.put(k, k.length());
        }
    }

    /** The expected entries (keys, and common prefixes marked by a trailing "|P") of the whole listing. */
    private List<String> expected(String prefix, String delimiter, String startAfter) {
        List<String> entries = new ArrayList<>();
        String lastPrefix = null;
        for (String k : model.keySet()) {
            if (!k.startsWith(prefix)) {
                continue;
            }
            int at = delimiter == null ? -1 : k.indexOf(delimiter, prefix.length());
            if (at >= 0) {
                String cp = k.substring(0, at + delimiter.length());
                if (UTF8_ORDER.compare(cp, startAfter) > 0 && !cp.equals(lastPrefix)) {
                    entries.add(cp + "|P");
                }
                lastPrefix = cp;
            } else if (UTF8_ORDER.compare(k, startAfter) > 0) {
                entries.add(k);
            }
        }
        return entries;
    }

    /** The whole listing through pages of {@code maxKeys}, following nextStartAfter. */
    private List<String> listAll(String prefix, String delimiter, String startAfter, int maxKeys) {
        List<String> entries = new ArrayList<>();
        String after = startAfter;
        for (int pages = 0; pages < 10_000; pages++) {
            ListPage page = store.listObjects(BUCKET, new ListQuery(prefix, delimiter, after, maxKeys));
            List<String> pageEntries = merge(page);
            assertThat(pageEntries.size()).isLessThanOrEqualTo(maxKeys);
            entries.addAll(pageEntries);
            if (!page.truncated()) {
                assertThat(page.nextStartAfter()).isNull();
                return entries;
            }
            assertThat(pageEntries).hasSize(maxKeys);
            String last = pageEntries.get(pageEntries.size() - 1);
            assertThat(page.nextStartAfter()).isEqualTo(last.replace("|P", ""));
            after = page.nextStartAfter();
        }
        throw new AssertionError("listing does not end");
    }

    /** A page's keys and prefixes merged in UTF-8 order, prefixes marked. */
    private static List<String> merge(ListPage page) {
        List<String> entries = new ArrayList<>();
        page.objects().forEach(m -> entries.add(m.key().key()));
        page.commonPrefixes().forEach(p -> entries.add(p + "|P"));
        entries.sort(Comparator.comparing(e -> e.replace("|P", ""), UTF8_ORDER));
        return entries;
    }

    @Test
    void paginationOverThousandsOfKeysMatchesTheModel() throws IOException {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            keys.add("dir" + (i % 7) + "/sub" + (i % 13) + "/file-" + i);
        }
        keys.addAll(List.of("dir1", "dir1/", "dir10/x", "top", "t\u00e9", "t\uD83D\uDE00", "t\uFFFD"));
        putAll(keys);

        String[][] queries = {
            {"", null, ""},
            {"", "/", ""},
            {"dir3/", "/", ""},
            {"dir3/sub1", "/", ""},
            {"dir", "/", "dir2/"},
            {"", "/", "dir3/sub4/file-1000"},
            {"dir5/", null, "dir5/sub2/"},
            {"dir1", "-", ""},
            {"nothing", "/", ""}
        };
        for (String[] q : queries) {
            List<String> expected = expected(q[0], q[1], q[2]);
            for (int maxKeys : new int[] {1000, 97, 3}) {
                if (maxKeys == 3 && expected.size() > 400) {
                    continue; // pages of 3 over thousands of keys prove nothing more and cost time
                }
                assertThat(listAll(q[0], q[1], q[2], maxKeys))
                        .as("prefix=%s delimiter=%s startAfter=%s maxKeys=%s", q[0], q[1], q[2], maxKeys)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void keysSortInUtf8ByteOrderNotJavaStringOrder() throws IOException {
        // String.compareTo puts the emoji (a surrogate pair, U+D83D...) before U+E000 and U+FFFD; UTF-8 puts it
        // after them (F0 9F.. > EF BF BD > EE 80 80).
        putAll(List.of("a\uD83D\uDE00", "a\uFFFD", "a\uE000", "a\u00e9", "ab", "a~"));

        ListPage page = store.listObjects(BUCKET, new ListQuery("", null, "", 100));

        assertThat(page.objects())
                .extracting(m -> m.key().key())
                .containsExactly("ab", "a~", "a\u00e9", "a\uE000", "a\uFFFD", "a\uD83D\uDE00");
        assertThat(listAll("a", null, "a\uE000", 2)).containsExactly("a\uFFFD", "a\uD83D\uDE00");
    }

    @Test
    void multiCharacterDelimiterRollsUpAtItsFirstOccurrence() throws IOException {
        putAll(List.of("x--1--a", "x--1--b", "x--2", "y-z", "y--", "z"));

        ListPage page = store.listObjects(BUCKET, new ListQuery("", "--", "", 100));

        assertThat(page.commonPrefixes()).containsExactly("x--", "y--");
        assertThat(page.objects()).extracting(m -> m.key().key()).containsExactly("y-z", "z");
        ListPage nested = store.listObjects(BUCKET, new ListQuery("x--", "--", "", 100));
        assertThat(nested.commonPrefixes()).containsExactly("x--1--");
        assertThat(nested.objects()).extracting(m -> m.key().key()).containsExactly("x--2");
    }

    @Test
    void commonPrefixIsSkippedWholeAndWorksAsAPageBoundary() throws IOException {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            keys.add(String.format("big/%05d", i));
        }
        keys.addAll(List.of("a", "big", "big0", "c/1", "d"));
        putAll(keys);

        ListPage first = store.listObjects(BUCKET, new ListQuery("", "/", "", 3));
        assertThat(merge(first)).containsExactly("a", "big", "big/|P");
        assertThat(first.truncated()).isTrue();
        assertThat(first.nextStartAfter()).isEqualTo("big/");

        ListPage second = store.listObjects(BUCKET, new ListQuery("", "/", "big/", 3));
        assertThat(merge(second)).containsExactly("big0", "c/|P", "d");
        assertThat(second.truncated()).isFalse();
    }

    @Test
    void startAfterInsideACommonPrefixSkipsThatPrefix() throws IOException {
        putAll(List.of("a/1", "a/2", "a/3", "b/1", "c"));

        ListPage page = store.listObjects(BUCKET, new ListQuery("", "/", "a/2", 10));

        assertThat(merge(page)).containsExactly("b/|P", "c");
    }

    @Test
    void maxKeysZeroGivesAnEmptyUntruncatedPage() throws IOException {
        putAll(List.of("a"));

        ListPage page = store.listObjects(BUCKET, new ListQuery("", null, "", 0));

        assertThat(page.objects()).isEmpty();
        assertThat(page.truncated()).isFalse();
    }

    @Test
    void listedObjectsCarryTheirMetadata() throws IOException {
        byte[] data = random(3 * CHUNK, 1);
        ObjectMeta meta = put("k", data);

        ListPage page = store.listObjects(BUCKET, new ListQuery("", null, "", 10));

        assertThat(page.objects()).containsExactly(meta);
    }

    @Test
    void otherBucketsDoNotLeakIntoTheListing() throws IOException {
        store.createBucket("bucket-2", OWNER, "");
        store.createBucket("bucke", OWNER, "");
        for (String bucket : new String[] {"bucket-2", "bucke"}) {
            ObjectKey other = new ObjectKey(bucket, "x");
            store.putObject(other, ObjectAttributes.empty(), new ByteArrayInputStream(new byte[1]), 1, null);
        }
        putAll(List.of("k"));

        assertThat(merge(store.listObjects(BUCKET, new ListQuery("", null, "", 10))))
                .containsExactly("k");
        assertThat(store.isEmpty("bucket-2")).isFalse();
        store.deleteObject(key("k"));
        assertThat(store.isEmpty(BUCKET)).isTrue();
    }
}

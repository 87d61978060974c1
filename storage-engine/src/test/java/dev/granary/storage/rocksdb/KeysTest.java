package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.storage.command.IdSource;
import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void prefixSuccessorIncrementsTheLastByteBelow0xFfAndDropsTheRest() {
        assertThat(Keys.prefixSuccessor(new byte[] {'a', 'b'})).containsExactly('a', 'c');
        assertThat(Keys.prefixSuccessor(new byte[] {'a', (byte) 0xFF, (byte) 0xFF}))
                .containsExactly('b');
        assertThat(Keys.prefixSuccessor(new byte[] {'a', (byte) 0x7F})).containsExactly('a', (byte) 0x80);
        assertThat(Keys.prefixSuccessor(new byte[] {(byte) 0xFF})).isNull();
        assertThat(Keys.prefixSuccessor(new byte[0])).isNull();
    }

    @Test
    void successorsBoundExactlyTheKeysTheyShould() {
        byte[] prefix = Keys.utf8("a/");
        byte[] past = Keys.prefixSuccessor(prefix);
        assertThat(Keys.compare(Keys.utf8("a/\uD83D\uDE00\uD83D\uDE00"), past)).isNegative();
        assertThat(Keys.compare(Keys.utf8("a0"), past)).isZero();
        assertThat(Keys.compare(Keys.keySuccessor(prefix), Keys.utf8("a/\u0001")))
                .isNegative();
    }

    @Test
    void chunkKeysOfADataIdSortByIndexAndStayBelowItsRangeEnd() {
        byte[] id = new byte[Keys.DATA_ID_LENGTH];
        java.util.Arrays.fill(id, (byte) 0xFF);
        byte[] end = Keys.chunkRangeEnd(id);

        assertThat(Keys.compare(Keys.chunkKey(id, 1), Keys.chunkKey(id, 256))).isNegative();
        assertThat(Keys.compare(Keys.chunkKey(id, Integer.MAX_VALUE), end)).isNegative();
        assertThat(Keys.compare(Keys.chunkKey(id, -1), end)).isNegative();
        byte[] before = id.clone();
        before[15] = (byte) 0xFE;
        assertThat(Keys.compare(Keys.chunkRangeEnd(before), Keys.chunkKey(id, 0)))
                .isNegative();
    }

    @Test
    void partKeysSortByPartNumber() {
        byte[] upload = Keys.uploadKey("b", "k", "id");
        assertThat(Keys.compare(Keys.partKey(upload, 2), Keys.partKey(upload, 10)))
                .isNegative();
        assertThat(Keys.partNumber(Keys.partKey(upload, 10_000))).isEqualTo(10_000);
        assertThat(Keys.startsWith(Keys.partKey(upload, 1), Keys.partPrefix(upload)))
                .isTrue();
    }

    @Test
    void escapedKeysHoldNoSeparatorRoundTripAndKeepUtf8BinaryOrder() {
        String[] alphabet = {"\u0000", "\u0001", "\u0002", "a", "\u00e9", "\uffff", "\uD83D\uDE00"};
        java.util.Random random = new java.util.Random(13);
        java.util.List<String> keys = new java.util.ArrayList<>();
        keys.add("");
        for (int i = 0; i < 2000; i++) {
            StringBuilder key = new StringBuilder();
            for (int n = random.nextInt(6); n > 0; n--) {
                key.append(alphabet[random.nextInt(alphabet.length)]);
            }
            keys.add(key.toString());
        }
        for (String key : keys) {
            byte[] stored = Keys.encodeKey(key);
            assertThat(stored).doesNotContain(Keys.SEPARATOR);
            assertThat(Keys.decodeKey(stored, 0, stored.length)).isEqualTo(key);
        }
        for (int i = 0; i + 1 < keys.size(); i++) {
            String a = keys.get(i);
            String b = keys.get(i + 1);
            int plain = Integer.signum(Keys.compare(Keys.utf8(a), Keys.utf8(b)));
            assertThat(Integer.signum(Keys.compare(Keys.encodeKey(a), Keys.encodeKey(b))))
                    .isEqualTo(plain);
            // A key's entries (key 0x00 ...) sort with the key: after smaller keys, before larger ones.
            byte[] entryOfA = Keys.concat(Keys.encodeKey(a), new byte[] {Keys.SEPARATOR, (byte) 0xFF});
            if (plain < 0) {
                assertThat(Keys.compare(entryOfA, Keys.encodeKey(b))).isNegative();
            } else if (plain > 0) {
                assertThat(Keys.compare(entryOfA, Keys.encodeKey(b))).isPositive();
            }
        }
        // Plain UTF-8 for keys without U+0000 and U+0001: data stored before the escaping reads as it is.
        String plain = "photos/2024/\u00e9t\u00e9.jpg";
        assertThat(Keys.encodeKey(plain)).isEqualTo(Keys.utf8(plain));
        assertThat(Keys.encodeKey("a\u0000b\u0001")).containsExactly('a', 1, 1, 'b', 1, 2);
    }

    @Test
    void theVersionPrefixOfAKeyMatchesNoVersionOfAnotherKey() {
        byte[] prefix = Keys.versionPrefix("b", "a");
        String id = VersionIds.next(
                null, IdSource.system().micros(), IdSource.system().versionSuffix());
        assertThat(Keys.startsWith(Keys.versionKey("b", "a", id), prefix)).isTrue();
        assertThat(Keys.startsWith(Keys.versionKey("b", "a\u0000" + id.substring(1), id), prefix))
                .isFalse();
        byte[] partOfOther = Keys.partKey(Keys.uploadKey("b", "a\u0000u", "v"), 1);
        assertThat(Keys.startsWith(partOfOther, Keys.partPrefix(Keys.uploadKey("b", "a", "u"))))
                .isFalse();
        // Placement is by the plain key, as before the escaping: objects stay in their partitions.
        assertThat(Keys.objectHash("b", "a\u0000")).isEqualTo(Keys.hash(new byte[] {'b', 0, 'a', 0}));
    }
}

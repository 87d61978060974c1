package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void prefixSuccessorIncrementsTheLastByteBelow0xFfAndDropsTheRest() {
        assertThat(Keys.prefixSuccessor(new byte[] {'a', 'b'})).containsExactly('a', 'c');
        assertThat(Keys.prefixSuccessor(new byte[] {'a', (byte) 0xFF, (byte) 0xFF})).containsExactly('b');
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
        assertThat(Keys.compare(Keys.keySuccessor(prefix), Keys.utf8("a/\u0001"))).isNegative();
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
        assertThat(Keys.compare(Keys.chunkRangeEnd(before), Keys.chunkKey(id, 0))).isNegative();
    }

    @Test
    void partKeysSortByPartNumber() {
        byte[] upload = Keys.uploadKey("b", "k", "id");
        assertThat(Keys.compare(Keys.partKey(upload, 2), Keys.partKey(upload, 10))).isNegative();
        assertThat(Keys.partNumber(Keys.partKey(upload, 10_000))).isEqualTo(10_000);
        assertThat(Keys.startsWith(Keys.partKey(upload, 1), Keys.partPrefix(upload))).isTrue();
    }
}

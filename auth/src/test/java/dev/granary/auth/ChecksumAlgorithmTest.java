package dev.granary.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChecksumAlgorithmTest {

    private static byte[] digest(ChecksumAlgorithm algorithm, byte[] data) {
        ChecksumAlgorithm.Hasher hasher = algorithm.newHasher();
        hasher.update(data, 0, data.length);
        return hasher.digest();
    }

    /** CRC-64/NVME check value from the CRC catalogue, and vectors from aws-checksums and crc64fast-nvme. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "123456789, ae8b14860a799888",
        "aaaaaaaaaa, 0c1a80036d65c555",
        "hello world!, d9160d1fa8e418e3",
    })
    void crc64NvmeMatchesKnownVectors(String input, String hex) {
        assertThat(digest(ChecksumAlgorithm.CRC64NVME, input.getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(HexFormat.of().parseHex(hex));
    }

    @Test
    void crc64NvmeOfZeroBlocks() {
        assertThat(digest(ChecksumAlgorithm.CRC64NVME, new byte[32]))
                .isEqualTo(HexFormat.of().parseHex("cf3473434d4ecf3b"));
        assertThat(digest(ChecksumAlgorithm.CRC64NVME, new byte[4096]))
                .isEqualTo(HexFormat.of().parseHex("6482d367eb22b64e"));
    }

    @Test
    void incrementalUpdatesEqualOneUpdate() {
        byte[] data = new byte[100_003];
        new Random(42).nextBytes(data);
        for (ChecksumAlgorithm algorithm : ChecksumAlgorithm.values()) {
            ChecksumAlgorithm.Hasher hasher = algorithm.newHasher();
            for (int off = 0, n = 1; off < data.length; off += n, n = n * 3 % 1013 + 1) {
                hasher.update(data, off, Math.min(n, data.length - off));
            }
            assertThat(hasher.digest()).as(algorithm.name()).isEqualTo(digest(algorithm, data));
        }
    }

    @Test
    void valuesAreBase64OfBigEndianBytes() {
        byte[] hello = "Hello".getBytes(StandardCharsets.US_ASCII);
        // CRC32("Hello") = 4157704578 = 0xf7d18982, CRC32C("Hello") = 2178485787 = 0x81d90e1b.
        assertThat(ChecksumAlgorithm.CRC32.base64Of(hello)).isEqualTo("99GJgg==");
        assertThat(ChecksumAlgorithm.CRC32C.base64Of(hello)).isEqualTo("gdkOGw==");
        assertThat(ChecksumAlgorithm.SHA256.base64Of(new byte[0]))
                .isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
        assertThat(ChecksumAlgorithm.CRC32.decode("99GJgg==")).isPresent();
        assertThat(ChecksumAlgorithm.CRC32.decode("99GJ")).isEmpty();
        assertThat(ChecksumAlgorithm.CRC32.decode("not base64!")).isEmpty();
        assertThat(ChecksumAlgorithm.fromName("crc64nvme")).contains(ChecksumAlgorithm.CRC64NVME);
        assertThat(ChecksumAlgorithm.fromHeaderName("X-Amz-Checksum-Sha1")).contains(ChecksumAlgorithm.SHA1);
        assertThat(ChecksumAlgorithm.fromName("MD5")).isEmpty();
    }
}

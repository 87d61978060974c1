package dev.granary.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Crc64Test {

    private static long crc(Crc64.Polynomial polynomial, byte[] data, int from, int to) {
        Crc64 crc = new Crc64(polynomial);
        crc.update(data, from, to - from);
        return crc.value();
    }

    /** CRC-64/XZ's check value from the CRC catalogue (the OSS SDK's agreement is OssSdkIT's, CRC checks on). */
    @Test
    void ecmaMatchesKnownValues() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(crc(Crc64.Polynomial.ECMA, check, 0, check.length)).isEqualTo(0x995dc9bbdf1939faL);
        assertThat(crc(Crc64.Polynomial.ECMA, new byte[0], 0, 0)).isZero();
    }

    @Test
    void combiningTwoRunsGivesTheCrcOfTheWhole() {
        Random random = new Random(16);
        for (Crc64.Polynomial polynomial : Crc64.Polynomial.values()) {
            for (int length : new int[] {1, 7, 8, 100, 4096, 100_003}) {
                byte[] data = new byte[length];
                random.nextBytes(data);
                int[] cuts = {0, 1, length / 3, length - 1, length};
                for (int cut : Arrays.stream(cuts).distinct().toArray()) {
                    long first = crc(polynomial, data, 0, cut);
                    long second = crc(polynomial, data, cut, length);
                    assertThat(Crc64.combine(polynomial, first, second, length - cut))
                            .as("%s, %d bytes cut at %d", polynomial, length, cut)
                            .isEqualTo(crc(polynomial, data, 0, length));
                }
            }
        }
    }

    @Test
    void combiningManyPartsInOrder() {
        byte[] data = new byte[1 << 20];
        new Random(17).nextBytes(data);
        long combined = 0;
        int part = 100 * 1024;
        for (int from = 0; from < data.length; from += part) {
            int to = Math.min(data.length, from + part);
            combined = Crc64.combine(
                    Crc64.Polynomial.ECMA, combined, crc(Crc64.Polynomial.ECMA, data, from, to), to - from);
        }
        assertThat(combined).isEqualTo(crc(Crc64.Polynomial.ECMA, data, 0, data.length));
    }
}

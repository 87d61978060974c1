package dev.granary.api.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CtrStreamTest {
    private static final Random RANDOM = new Random(42);
    private static final byte[] KEY = bytes(32);

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** The JDK's AES-CTR over the whole input from the IV, the reference every offset must agree with. */
    private static byte[] reference(byte[] plain, byte[] iv) throws Exception {
        Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new IvParameterSpec(iv));
        return c.doFinal(plain);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        // Odd read sizes, so reads end mid-block.
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[1000];
        int n;
        while ((n = in.read(buffer, 0, 1 + RANDOM.nextInt(buffer.length))) > 0) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    @Test
    void encryptsLikeTheJdkAndDecryptsBack() throws Exception {
        byte[] plain = bytes(100_003);
        byte[] iv = SseKeys.segmentIv(bytes(8), 0);
        byte[] cipher = readAll(CtrStream.of(new ByteArrayInputStream(plain), KEY, iv));
        assertThat(cipher).isEqualTo(reference(plain, iv)).isNotEqualTo(plain);
        assertThat(readAll(CtrStream.of(new ByteArrayInputStream(cipher), KEY, iv)))
                .isEqualTo(plain);
    }

    @Test
    void decryptsFromAnyOffset() throws Exception {
        byte[] plain = bytes(5000);
        byte[] iv = SseKeys.segmentIv(bytes(8), 7);
        byte[] cipher = reference(plain, iv);
        List<CtrStream.Segment> one = List.of(new CtrStream.Segment(plain.length, iv));
        for (int offset : new int[] {0, 1, 15, 16, 17, 31, 32, 1000, 4095, 4999, 5000}) {
            byte[] tail = Arrays.copyOfRange(cipher, offset, cipher.length);
            assertThat(readAll(CtrStream.of(new ByteArrayInputStream(tail), KEY, one, offset)))
                    .as("offset %d", offset)
                    .isEqualTo(Arrays.copyOfRange(plain, offset, plain.length));
        }
    }

    @Test
    void decryptsRangesAcrossIndependentlyEncryptedParts() throws Exception {
        byte[] nonce = bytes(8);
        int[] sizes = {1000, 17, 2048, 333};
        int[] numbers = {1, 3, 4, 9};
        byte[][] plains = new byte[sizes.length][];
        java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream stored = new java.io.ByteArrayOutputStream();
        List<CtrStream.Segment> segments = new java.util.ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            plains[i] = bytes(sizes[i]);
            byte[] iv = SseKeys.segmentIv(nonce, numbers[i]);
            plain.write(plains[i]);
            stored.write(reference(plains[i], iv));
            segments.add(new CtrStream.Segment(sizes[i], iv));
        }
        byte[] all = plain.toByteArray();
        byte[] cipher = stored.toByteArray();
        for (int first : new int[] {0, 999, 1000, 1005, 1016, 1017, 3000, 3064, 3397}) {
            for (int last : new int[] {first, first + 1, 1016, 1017, 3064, 3065, 3397}) {
                if (last < first || last >= all.length) {
                    continue;
                }
                byte[] slice = Arrays.copyOfRange(cipher, first, last + 1);
                assertThat(readAll(CtrStream.of(new ByteArrayInputStream(slice), KEY, segments, first)))
                        .as("bytes %d-%d", first, last)
                        .isEqualTo(Arrays.copyOfRange(all, first, last + 1));
            }
        }
    }

    @Test
    void skipRepositionsWithoutDecryptingTheSkippedBytes() throws Exception {
        byte[] plain = bytes(70_000);
        byte[] iv = SseKeys.segmentIv(bytes(8), 2);
        byte[] cipher = reference(plain, iv);
        CtrStream in = CtrStream.of(
                new ByteArrayInputStream(cipher), KEY, List.of(new CtrStream.Segment(plain.length, iv)), 0);
        assertThat(in.readNBytes(5)).isEqualTo(Arrays.copyOf(plain, 5));
        in.skipNBytes(65_531);
        assertThat(readAll(in)).isEqualTo(Arrays.copyOfRange(plain, 65_536, plain.length));
    }

    @Test
    void counterCarriesAcrossBytesLikeCtr() throws Exception {
        byte[] iv = new byte[16];
        Arrays.fill(iv, 8, 16, (byte) 0xff); // the low 64 bits about to wrap
        byte[] plain = bytes(100);
        byte[] cipher = reference(plain, iv);
        List<CtrStream.Segment> one = List.of(new CtrStream.Segment(plain.length, iv));
        byte[] tail = Arrays.copyOfRange(cipher, 40, cipher.length);
        assertThat(readAll(CtrStream.of(new ByteArrayInputStream(tail), KEY, one, 40)))
                .isEqualTo(Arrays.copyOfRange(plain, 40, plain.length));
        assertThat(CtrStream.counter(iv, 1)).startsWith(0, 0, 0, 0, 0, 0, 0, 1);
    }

    @Test
    void wrappedDataKeysOpenOnlyUnderTheSameMasterKey() {
        SecureRandom random = new SecureRandom();
        byte[] master = bytes(32);
        SseKeys keys = new SseKeys(master, random);
        byte[] dataKey = keys.random(32);
        String wrapped = keys.wrap(dataKey);
        assertThat(new SseKeys(master.clone(), random).unwrap(wrapped)).isEqualTo(dataKey);
        assertThat(wrapped).doesNotContain(java.util.Base64.getEncoder().encodeToString(dataKey));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SseKeys(bytes(32), random).unwrap(wrapped))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("master key");
    }
}

package dev.granary.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A GET counts as verified only when exactly the expected object's bytes arrive, in whatever pieces. */
class ObjectBodyTest {
    private static final byte[] SHARED = ObjectBody.sharedContent(4096, 7);

    private static byte[] bytesOf(ObjectBody body) {
        byte[] bytes = new byte[body.length()];
        body.copyTo(bytes, 0);
        return bytes;
    }

    /** Feeds {@code received} to a verifier of {@code expected} in pieces of {@code piece} bytes. */
    private static boolean verifies(ObjectBody expected, byte[] received, int piece) {
        ObjectBody.Verifier verifier = expected.verifier();
        for (int off = 0; off < received.length; off += piece) {
            verifier.accept(received, off, Math.min(piece, received.length - off));
        }
        return verifier.verified();
    }

    @Test
    void theExpectedBytesVerifyInAnyPieces() {
        ObjectBody body = ObjectBody.of(SHARED, 42, 3);
        byte[] bytes = bytesOf(body);

        // Pieces that end inside the stamp, on its end, and the whole body at once.
        for (int piece : new int[] {1, 5, ObjectBody.STAMP_LENGTH, 1000, bytes.length}) {
            assertThat(verifies(body, bytes, piece)).as("pieces of %d", piece).isTrue();
        }
    }

    @Test
    void anotherObjectAnOlderGenerationOrOneWrongByteDoNotVerify() {
        ObjectBody body = ObjectBody.of(SHARED, 42, 3);

        assertThat(verifies(body, bytesOf(ObjectBody.of(SHARED, 43, 3)), 100)).isFalse();
        assertThat(verifies(body, bytesOf(ObjectBody.of(SHARED, 42, 2)), 100)).isFalse();
        byte[] flipped = bytesOf(body);
        flipped[3000] ^= 1;
        assertThat(verifies(body, flipped, 100)).isFalse();
    }

    @Test
    void aBodyTooShortOrTooLongDoesNotVerify() {
        ObjectBody body = ObjectBody.of(SHARED, 42, 3);
        byte[] bytes = bytesOf(body);

        assertThat(verifies(body, Arrays.copyOf(bytes, bytes.length - 1), 100)).isFalse();
        assertThat(verifies(body, Arrays.copyOf(bytes, bytes.length + 1), 100)).isFalse();
    }
}

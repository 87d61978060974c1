package dev.granary.api.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EncryptionTest {
    @Test
    void partNumbersAreRecordedAsRuns() {
        assertThat(Encryption.formatParts(List.of(1, 2, 3))).isEqualTo("1-3");
        assertThat(Encryption.formatParts(List.of(1, 3, 4, 5, 9))).isEqualTo("1,3-5,9");
        assertThat(Encryption.formatParts(List.of(7))).isEqualTo("7");
        assertThat(Encryption.parseParts("1,3-5,9", 5)).containsExactly(1, 3, 4, 5, 9);
        assertThat(Encryption.parseParts(null, 3)).containsExactly(1, 2, 3);
    }
}

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

    @Test
    void partNoncesFallBackToTheUploadsNonceForPartsStoredBeforeThem() {
        byte[] upload = {1, 2, 3, 4, 5, 6, 7, 8};
        byte[] own = {9, 9, 9, 9, 9, 9, 9, 9};
        String ownText = java.util.Base64.getEncoder().encodeToString(own);
        assertThat(Encryption.parseNonces(null, 2, upload)).containsExactly(upload, upload);
        assertThat(Encryption.parseNonces("," + ownText, 2, upload)).containsExactly(upload, own);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Encryption.parseNonces(ownText, 2, upload))
                .isInstanceOf(IllegalStateException.class);
    }
}

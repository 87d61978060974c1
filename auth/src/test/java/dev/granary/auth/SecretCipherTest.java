package dev.granary.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AES-256-GCM sealing of secrets and the master key's forms. */
class SecretCipherTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final MasterKey KEY = MasterKey.generate(RANDOM);
    private static final SecretCipher CIPHER = new SecretCipher(KEY, RANDOM);

    @Test
    void sealedSecretOpensWithTheSameKeyAndContext() {
        byte[] sealed = CIPHER.seal("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "GKEXAMPLE");
        assertThat(CIPHER.open(sealed, "GKEXAMPLE")).isEqualTo("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("wJalrXUtnFEMI");
        // version byte + 12-byte nonce + 40 bytes + 16-byte tag
        assertThat(sealed).hasSize(1 + 12 + 40 + 16);
    }

    @Test
    void sealingTwiceGivesDifferentCiphertexts() {
        assertThat(CIPHER.seal("same", "ctx")).isNotEqualTo(CIPHER.seal("same", "ctx"));
    }

    @Test
    void anotherMasterKeyCannotOpen() {
        byte[] sealed = CIPHER.seal("secret", "ctx");
        SecretCipher other = new SecretCipher(MasterKey.generate(RANDOM), RANDOM);
        assertThatThrownBy(() -> other.open(sealed, "ctx"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different master key");
    }

    @Test
    void anotherContextCannotOpen() {
        byte[] sealed = CIPHER.seal("secret", "GKONE");
        assertThatThrownBy(() -> CIPHER.open(sealed, "GKTWO")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void alteredCiphertextCannotOpen() {
        byte[] sealed = CIPHER.seal("secret", "ctx");
        sealed[sealed.length - 20] ^= 1;
        assertThatThrownBy(() -> CIPHER.open(sealed, "ctx")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CIPHER.open(new byte[] {1, 2, 3}, "ctx")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void masterKeyParsesBase64Of32BytesOnlyAndNeverPrintsItself() {
        String base64 = KEY.toBase64();
        assertThat(MasterKey.fromBase64(" " + base64 + "\n")).isEqualTo(KEY);
        assertThat(KEY.toString()).doesNotContain(base64);
        assertThatThrownBy(() -> MasterKey.fromBase64("c2hvcnQ="))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the master key must be 32 bytes, got 5");
        assertThatThrownBy(() -> MasterKey.fromBase64("not base64 at all!"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the master key must be base64 of 32 bytes");
    }

    @Test
    void keyFileIsGeneratedOnceOwnerOnlyAndReadAfterwards(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("master.key");
        MasterKey.Loaded first = MasterKey.loadOrCreate(file, RANDOM);
        assertThat(first.generated()).isTrue();
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
        }
        MasterKey.Loaded second = MasterKey.loadOrCreate(file, RANDOM);
        assertThat(second.generated()).isFalse();
        assertThat(second.key()).isEqualTo(first.key());
    }

    @Test
    void damagedKeyFileFailsNamingTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("master.key");
        Files.writeString(file, "garbage");
        assertThatThrownBy(() -> MasterKey.loadOrCreate(file, RANDOM))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString());
    }
}

package dev.granary.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest with AES-256-GCM under the {@link MasterKey}. A sealed secret is a version byte, a
 * random 12-byte nonce and the ciphertext with its 16-byte tag. The context (such as the access key a secret
 * belongs to) is authenticated as associated data, so a sealed secret cannot be moved to another key's record.
 * Safe for concurrent use.
 */
public final class SecretCipher {
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String AAD_PREFIX = "granary-secret-v1:";

    private final SecretKeySpec key;
    private final SecureRandom random;

    /**
     * Creates a cipher under a master key.
     *
     * @param masterKey the key
     * @param random the nonce source
     */
    public SecretCipher(MasterKey masterKey, SecureRandom random) {
        this.key = new SecretKeySpec(masterKey.bytes(), "AES");
        this.random = random;
    }

    /**
     * Encrypts a secret.
     *
     * @param secret the plain secret
     * @param context what the secret belongs to; the same context must be given to {@link #open}
     * @return the sealed form: version, nonce, ciphertext and tag
     */
    public byte[] seal(String secret, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(context));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
                    .put(VERSION)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * Decrypts a sealed secret.
     *
     * @param sealed what {@link #seal} returned
     * @param context the context it was sealed with
     * @return the plain secret
     * @throws IllegalArgumentException when it does not decrypt: another master key, another context, or damage
     */
    public String open(byte[] sealed, String context) {
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
            throw new IllegalArgumentException("not a sealed secret of format version " + VERSION);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(aad(context));
            byte[] plain = cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalArgumentException(
                    "a sealed secret does not decrypt: a different master key, or the record was altered", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private static byte[] aad(String context) {
        return (AAD_PREFIX + context).getBytes(StandardCharsets.UTF_8);
    }
}

package dev.granary.api.sse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of server-side encryption. SSE-S3 data keys are random per object (or multipart upload) and stored
 * wrapped with AES-256-GCM under a key-encryption key derived from the master key by HKDF-Expand (the master key
 * is already uniformly random, so it serves as the pseudo-random key), never the master key itself. SSE-C keys
 * are never stored: per object, a random salt gives a data key and a verifier, both HMAC-SHA256 of the customer's
 * key, under distinct labels.
 */
public final class SseKeys {
    /** AES-256 key length. */
    public static final int KEY_BYTES = 32;

    private static final int GCM_NONCE = 12;
    private static final byte[] WRAP_AAD = "granary/sse-s3/data-key/v1".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec kek;
    private final SecureRandom random;

    /**
     * @param masterKey the server's 32-byte master key (not kept)
     */
    public SseKeys(byte[] masterKey, SecureRandom random) {
        if (masterKey.length != KEY_BYTES) {
            throw new IllegalArgumentException("the master key must be " + KEY_BYTES + " bytes");
        }
        this.kek = new SecretKeySpec(hkdfExpand(masterKey, "granary/sse-s3/key-encryption-key/v1"), "AES");
        this.random = random;
    }

    /** Fresh random bytes (data keys, salts, nonces). */
    public byte[] random(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    /** A data key sealed under the key-encryption key: base64 of nonce, ciphertext and tag. */
    public String wrap(byte[] dataKey) {
        byte[] nonce = random(GCM_NONCE);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(128, nonce));
            c.updateAAD(WRAP_AAD);
            byte[] sealed = c.doFinal(dataKey);
            return Base64.getEncoder()
                    .encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                            .put(nonce)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * The data key {@link #wrap} sealed.
     *
     * @throws IllegalStateException when it does not open (another master key, or a damaged record)
     */
    public byte[] unwrap(String wrapped) {
        byte[] all = Base64.getDecoder().decode(wrapped);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(128, all, 0, GCM_NONCE));
            c.updateAAD(WRAP_AAD);
            return c.doFinal(all, GCM_NONCE, all.length - GCM_NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "an SSE-S3 data key does not open under this master key (was the master key changed?)", e);
        }
    }

    /** The data key of an SSE-C object: HMAC-SHA256 of the customer's key over the object's salt. */
    public static byte[] customerDataKey(byte[] customerKey, byte[] salt) {
        return hmac(customerKey, "granary/sse-c/data-key/v1", salt);
    }

    /** What is stored to recognise the customer's key: HMAC-SHA256 of it over the object's salt, another label. */
    public static byte[] customerKeyVerifier(byte[] customerKey, byte[] salt) {
        return hmac(customerKey, "granary/sse-c/verifier/v1", salt);
    }

    /** Constant-time comparison of two verifiers. */
    public static boolean same(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    /**
     * The initial counter block of one segment: the object's 8-byte nonce, the part number (0 for an object
     * stored by one PUT) and a 32-bit block counter from zero, enough for 64 GiB (a part is at most 5 GiB).
     */
    public static byte[] segmentIv(byte[] nonce, int partNumber) {
        if (nonce.length != 8) {
            throw new IllegalArgumentException("the nonce must be 8 bytes");
        }
        return ByteBuffer.allocate(16).put(nonce).putInt(partNumber).putInt(0).array();
    }

    private static byte[] hmac(byte[] key, String label, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(label.getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** HKDF-Expand (RFC 5869) of one block: HMAC(prk, info || 0x01), which is 32 bytes. */
    static byte[] hkdfExpand(byte[] prk, String info) {
        byte[] in = Arrays.copyOf(info.getBytes(StandardCharsets.US_ASCII), info.length() + 1);
        in[in.length - 1] = 1;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            return mac.doFinal(in);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}

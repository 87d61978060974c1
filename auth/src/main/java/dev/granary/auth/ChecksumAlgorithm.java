package dev.granary.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * The S3 flexible checksum algorithms ({@code x-amz-checksum-*}). Values travel as base64 of the big-endian
 * checksum bytes. Shared with the API server, which also needs them for multipart composite checksums.
 */
public enum ChecksumAlgorithm {
    CRC32(4),
    CRC32C(4),
    SHA1(20),
    SHA256(32),
    CRC64NVME(8);

    private final int length;
    private final String headerName;

    ChecksumAlgorithm(int length) {
        this.length = length;
        this.headerName = "x-amz-checksum-" + name().toLowerCase(Locale.ROOT);
    }

    /** An incremental checksum computation; not thread-safe. */
    public interface Hasher {
        /** Adds {@code len} bytes of {@code b} from {@code off}. */
        void update(byte[] b, int off, int len);

        /** The checksum of everything added, big-endian. Call once. */
        byte[] digest();
    }

    /** The lower-case header (and trailer) name carrying this checksum, e.g. {@code x-amz-checksum-crc32}. */
    public String headerName() {
        return headerName;
    }

    /** The checksum's length in bytes. */
    public int length() {
        return length;
    }

    /** Starts a new computation. */
    public Hasher newHasher() {
        return switch (this) {
            case CRC32 -> new ChecksumHasher(new CRC32(), 4);
            case CRC32C -> new ChecksumHasher(new CRC32C(), 4);
            case SHA1 -> new DigestHasher("SHA-1");
            case SHA256 -> new DigestHasher("SHA-256");
            case CRC64NVME -> new Crc64(Crc64.Polynomial.NVME);
        };
    }

    /** The checksum of a whole array, base64-encoded as S3 sends it. */
    public String base64Of(byte[] data) {
        Hasher hasher = newHasher();
        hasher.update(data, 0, data.length);
        return Base64.getEncoder().encodeToString(hasher.digest());
    }

    /**
     * Decodes a base64 checksum value and checks its length.
     *
     * @param value the value as sent
     * @return the checksum bytes, or empty when the value is not valid base64 of this algorithm's length
     */
    public Optional<byte[]> decode(String value) {
        try {
            byte[] bytes = Base64.getDecoder().decode(value.strip());
            return bytes.length == length ? Optional.of(bytes) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Finds an algorithm by its S3 name, as in x-amz-sdk-checksum-algorithm ("CRC32", "crc32c"...).
     *
     * @param name the name, any case
     * @return the algorithm, or empty when S3 has no such algorithm
     */
    public static Optional<ChecksumAlgorithm> fromName(String name) {
        String upper = name.strip().toUpperCase(Locale.ROOT);
        for (ChecksumAlgorithm a : values()) {
            if (a.name().equals(upper)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * Finds an algorithm by its header name.
     *
     * @param headerName a header or trailer name such as {@code x-amz-checksum-crc32}, any case
     * @return the algorithm, or empty when the name is not a checksum header
     */
    public static Optional<ChecksumAlgorithm> fromHeaderName(String headerName) {
        String lower = headerName.strip().toLowerCase(Locale.ROOT);
        for (ChecksumAlgorithm a : values()) {
            if (a.headerName.equals(lower)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    private static final class ChecksumHasher implements Hasher {
        private final Checksum checksum;
        private final int length;

        ChecksumHasher(Checksum checksum, int length) {
            this.checksum = checksum;
            this.length = length;
        }

        @Override
        public void update(byte[] b, int off, int len) {
            checksum.update(b, off, len);
        }

        @Override
        public byte[] digest() {
            long value = checksum.getValue();
            byte[] out = new byte[length];
            for (int i = 0; i < length; i++) {
                out[i] = (byte) (value >>> (8 * (length - 1 - i)));
            }
            return out;
        }
    }

    private static final class DigestHasher implements Hasher {
        private final MessageDigest digest;

        DigestHasher(String algorithm) {
            try {
                this.digest = MessageDigest.getInstance(algorithm);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(algorithm + " is a required JDK algorithm", e);
            }
        }

        @Override
        public void update(byte[] b, int off, int len) {
            digest.update(b, off, len);
        }

        @Override
        public byte[] digest() {
            return digest.digest();
        }
    }
}

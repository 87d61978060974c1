package dev.granary.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;

/**
 * The 256-bit key that user secrets are encrypted under at rest. It comes from configuration (base64 of 32 bytes)
 * or from a key file that the first start generates. Never printed: {@link #toString()} hides it.
 */
public final class MasterKey {
    /** The key length in bytes: AES-256. */
    public static final int LENGTH = 32;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final byte[] key;

    private MasterKey(byte[] key) {
        if (key.length != LENGTH) {
            throw new IllegalArgumentException("the master key must be " + LENGTH + " bytes, got " + key.length);
        }
        this.key = key.clone();
    }

    /**
     * Decodes a key from its base64 form.
     *
     * @param base64 standard base64 of 32 bytes (surrounding white space ignored)
     * @return the key
     * @throws IllegalArgumentException when the text is not base64 of 32 bytes; the message never repeats it
     */
    public static MasterKey fromBase64(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the master key must be base64 of " + LENGTH + " bytes", e);
        }
        return new MasterKey(bytes);
    }

    /** A fresh random key. */
    public static MasterKey generate(SecureRandom random) {
        byte[] bytes = new byte[LENGTH];
        random.nextBytes(bytes);
        return new MasterKey(bytes);
    }

    /**
     * A key read from its file, or generated into a new file readable by the owner only (0600 where the file
     * system has POSIX permissions). The file is created exclusively, so two processes never write two keys.
     *
     * @param file the key file, holding the key in base64
     * @param random the source of a new key
     * @return the key and whether it was generated now
     * @throws IllegalArgumentException when the file exists but does not hold a key
     * @throws UncheckedIOException when the file cannot be read or written
     */
    public static Loaded loadOrCreate(Path file, SecureRandom random) {
        try {
            if (!Files.exists(file)) {
                MasterKey key = generate(random);
                try {
                    write(file, key);
                    return new Loaded(key, true);
                } catch (FileAlreadyExistsException raced) {
                    // Another process created it first: use theirs.
                }
            }
            try {
                return new Loaded(fromBase64(Files.readString(file, StandardCharsets.US_ASCII)), false);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the master key file " + file + " does not hold a master key", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the master key file " + file, e);
        }
    }

    /** Writes a new key file, created with its permissions (never readable by others, not even briefly). */
    private static void write(Path file, MasterKey key) throws IOException {
        byte[] text = (key.toBase64() + "\n").getBytes(StandardCharsets.US_ASCII);
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Set<StandardOpenOption> options =
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.DSYNC);
        try (SeekableByteChannel channel = Files.newByteChannel(file, options, attributes)) {
            channel.write(ByteBuffer.wrap(text));
        }
    }

    /** The key in standard base64, the form {@link #fromBase64} reads. Handle with care: this is the secret. */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(key);
    }

    byte[] bytes() {
        return key.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MasterKey other && MessageDigest.isEqual(key, other.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    /** Never the key itself. */
    @Override
    public String toString() {
        return "MasterKey[****]";
    }

    /**
     * The outcome of {@link #loadOrCreate}.
     *
     * @param key the key
     * @param generated true when the file did not exist and was written now
     */
    public record Loaded(MasterKey key, boolean generated) {}
}

package dev.granary.storage;

import java.io.IOException;
import java.io.InputStream;

/**
 * An open read of one object: its metadata and a stream over the requested bytes, both taken from one
 * consistent view, so a concurrent overwrite never mixes two versions. The caller closes it.
 *
 * @param meta the object's metadata
 * @param offset first byte of the object the stream starts at
 * @param length number of bytes the stream yields
 * @param stream the bytes; reading it fails with {@link StorageException} ({@code CORRUPT_DATA}) when a
 *     chunk's CRC32C does not match
 */
public record ObjectContent(ObjectMeta meta, long offset, long length, InputStream stream) implements AutoCloseable {
    @Override
    public void close() throws IOException {
        stream.close();
    }
}

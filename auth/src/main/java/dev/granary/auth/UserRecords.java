package dev.granary.auth;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Where the {@link UserDirectory} keeps its records durably: a small key-value space that the server provides
 * (over the engine's system records). Keys are short ASCII strings chosen by the directory; values are opaque.
 * Implementations must be safe for concurrent use.
 */
public interface UserRecords {
    /**
     * Applies every entry atomically and durably before returning: a non-null value puts, a null value deletes.
     *
     * @param writes the keys to put or delete
     */
    void apply(Map<String, byte[]> writes);

    /**
     * Visits every record, in key order.
     *
     * @param visitor called with each key and value
     */
    void forEach(BiConsumer<String, byte[]> visitor);
}

package dev.granary.storage;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A small durable key-value space for the server's own records, such as metering rows. Keys are strings
 * ordered by their UTF-8 bytes; values are opaque. Not for object data.
 */
public interface SystemStore {
    /**
     * Applies every entry atomically and durably: a non-null value puts, a null value deletes the key.
     *
     * @throws StorageException {@code IO}
     */
    void apply(Map<String, byte[]> writes);

    /** Visits the entries with keys in {@code [from, to)}, in key order. */
    void scan(String from, String to, BiConsumer<String, byte[]> visitor);
}

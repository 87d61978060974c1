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

    /**
     * {@link #apply(Map)} if every key of {@code expected} has exactly that value now (a null value: the key is
     * absent), checked and written in one step where the records live, whichever process writes them.
     *
     * @return false, writing nothing, when an expectation did not hold
     * @throws StorageException {@code IO}
     */
    boolean apply(Map<String, byte[]> expected, Map<String, byte[]> writes);

    /** Visits the entries with keys in {@code [from, to)}, in key order. */
    void scan(String from, String to, BiConsumer<String, byte[]> visitor);
}

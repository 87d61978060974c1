package dev.granary.metering;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Where metering keeps its rows durably: a small ordered key-value space (the storage engine's system records).
 * Keys are ASCII strings.
 */
public interface RowStore {
    /** Applies every entry atomically and durably: a non-null value puts, null deletes. May throw. */
    void apply(Map<String, byte[]> writes);

    /** Visits the entries with keys in {@code [from, to)} in key order. */
    void scan(String from, String to, BiConsumer<String, byte[]> visitor);
}

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

    /**
     * Applies {@code writes} only if every key of {@code expected} has exactly that value (null: absent), checked and
     * written atomically with respect to every other writer of the rows, other processes included.
     *
     * @return false, writing nothing, when an expectation did not hold
     */
    boolean apply(Map<String, byte[]> expected, Map<String, byte[]> writes);

    /** Visits the entries with keys in {@code [from, to)} in key order. */
    void scan(String from, String to, BiConsumer<String, byte[]> visitor);
}

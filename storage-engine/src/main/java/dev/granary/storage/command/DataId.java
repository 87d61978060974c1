package dev.granary.storage.command;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The id of a body's chunks ({@value IdSource#DATA_ID_LENGTH} bytes), compared by value.
 *
 * @param bytes the id; not copied, so callers must not change it
 */
@SuppressWarnings("ArrayRecordComponent") // equals and hashCode below compare the bytes
public record DataId(byte[] bytes) {
    /** Checks the length. */
    public DataId {
        if (bytes.length != IdSource.DATA_ID_LENGTH) {
            throw new IllegalArgumentException(
                    "a data id has " + IdSource.DATA_ID_LENGTH + " bytes, not " + bytes.length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}

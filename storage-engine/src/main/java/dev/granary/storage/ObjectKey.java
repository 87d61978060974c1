package dev.granary.storage;

import java.util.Objects;

/** The address of an object: a bucket name and a key (any UTF-8 string of 1 to 1024 bytes). */
public record ObjectKey(String bucket, String key) {
    public ObjectKey {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
        return bucket + "/" + key;
    }
}

package dev.granary.storage.rocksdb;

import dev.granary.storage.MultipartUpload;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import java.time.Instant;

/**
 * The stored form of a multipart upload in progress (CF {@code uploads}).
 *
 * @param owner canonical id of the account that created it
 * @param initiated creation time in epoch millis
 * @param attributes what the object will get
 */
record UploadRecord(String owner, long initiated, ObjectAttributes attributes) {

    MultipartUpload toUpload(ObjectKey key, String uploadId) {
        return new MultipartUpload(key, uploadId, Instant.ofEpochMilli(initiated), owner, attributes);
    }

    byte[] encode() {
        return Codec.encode(out -> {
            Codec.writeString(out, owner);
            out.writeLong(initiated);
            Codec.writeAttributes(out, attributes);
        });
    }

    static UploadRecord decode(byte[] value, String what) {
        return Codec.decode(
                value, what, in -> new UploadRecord(Codec.readString(in), in.readLong(), Codec.readAttributes(in)));
    }
}

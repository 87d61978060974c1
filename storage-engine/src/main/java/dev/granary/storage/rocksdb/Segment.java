package dev.granary.storage.rocksdb;

/**
 * A run of object bytes stored as chunks under one data id: chunk i holds bytes
 * {@code [i * chunkSize, min((i + 1) * chunkSize, length))}. The chunk size is recorded per segment so that
 * data stays readable after the store is reopened with another chunk size.
 *
 * @param dataId the 16-byte id of the chunks
 * @param length number of bytes
 * @param chunkSize bytes per chunk (the last one may be shorter)
 * @param file whether the chunks are in the data id's file ({@link DataFiles}) rather than in the {@code data}
 *     column family
 */
@SuppressWarnings("ArrayRecordComponent") // decoded from a record and passed on, never compared or hashed
record Segment(byte[] dataId, long length, int chunkSize, boolean file) {
    int chunkCount() {
        return (int) ((length + chunkSize - 1) / chunkSize);
    }
}

/**
 * The storage SPI: buckets, objects, multipart uploads and listing as plain records. Nothing here knows
 * about HTTP, XML or S3 error codes; failures are {@link dev.granary.storage.StorageException} with a
 * {@link dev.granary.storage.StorageException.Reason}. The RocksDB implementation lives in
 * {@code dev.granary.storage.rocksdb}.
 */
package dev.granary.storage;

/**
 * The RocksDB implementation of the storage SPI, and the only code that imports {@code org.rocksdb}.
 *
 * <p>{@link dev.granary.storage.rocksdb.RocksObjectStore} splits the store into partitions, each its own
 * RocksDB instance owning everything about the objects placed on it (metadata, chunks, uploads, parts, queued
 * garbage), so a partition can later move or be replicated on its own. A write streams its body into chunks
 * under a fresh data id, then commits the metadata that points to them with one synced WriteBatch; overwrites
 * and deletes queue the old data id for a background reclaimer; recovery turns the data of uploads that never
 * committed into garbage. {@code Keys} documents the on-disk layout. A {@code DiskGuard} keeps a reserve of free space
 * that writes may not use (deletes may); when the disk fills anyway, {@code SpaceRecovery} follows RocksDB until it
 * takes writes again by itself.
 */
package dev.granary.storage.rocksdb;

/**
 * Writes as data: every write to a partition is a {@link dev.granary.storage.command.Command} whose ids, version ids
 * and times were fixed by whoever proposed it ({@link dev.granary.storage.command.IdSource}), so that applying it
 * depends on nothing but the command and the partition's state. {@link dev.granary.storage.command.CommandCodec} is
 * its one binary form (what a Raft log entry will carry). No RocksDB types here.
 */
package dev.granary.storage.command;

package io.spillway.storage;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One append-only log shared by every partition of a node: entries are opaque byte payloads tagged
 * with the key of the partition they belong to, addressed by a {@link Locations location}.
 *
 * <p>The log knows nothing about offsets; the partition layer above keeps its own index from
 * offsets to locations and rebuilds it with {@link #recover}. Space is reclaimed per segment:
 * the partition layer {@link #retain retains} every segment it has entries in and
 * {@link #release releases} it once those entries are no longer needed; a sealed segment that
 * nobody retains is deleted.
 *
 * <p>Thread safe. {@link #append} may be called from many threads at once.
 */
public interface SharedLog extends Closeable {

    /**
     * Writes one entry. On return the entry is readable by {@link #read} and will be durable once
     * {@link #whenDurable} completes for its location. Callers that need per-partition order must
     * not append to the same partition from two threads at once.
     *
     * @param payload read from its position to its limit; not retained after the call returns
     * @param lastSegmentId the segment of the partition's previous entry, or -1; when the entry lands
     *     in another segment, that segment is {@link #retain retained} for the partition before the
     *     call returns (atomically, so a concurrent release cannot delete it first)
     * @return the location of the entry
     * @throws StorageException if the entry could not be written (for example the disk is full);
     *     nothing of it is then in the log
     */
    long append(long partitionKey, ByteBuffer payload, int lastSegmentId) throws StorageException;

    /** The largest payload {@link #append} takes (a segment's size less its headers). */
    long maxPayloadBytes();

    /**
     * Completes when the entry at {@code location} and everything appended before it survives a
     * crash (for a location inside the log that is not an entry's start: everything up to and including it) (after fsync, or at once when the log was opened without fsync). Completes
     * exceptionally with a {@link StorageException} if the sync failed.
     *
     * <p>Futures not yet complete are completed on a thread of the log's own that is neither the
     * appender's nor the one doing the sync; continuations attached to them must be short and must
     * not block (hand longer work to an executor of your own).
     */
    CompletableFuture<Void> whenDurable(long location);

    /**
     * Reads the payload of the entry at {@code location} into {@code dst}, filling it from its
     * position to its limit (the caller knows the payload size from its own index).
     */
    void read(long location, ByteBuffer dst) throws StorageException;

    /**
     * Where the payload of the entry at {@code location} ({@code size} bytes) lies on disk, for a zero-copy send.
     * The slice stays readable for at least the log's segment delete delay after the segment is deleted.
     *
     * @throws StorageException if the entry's segment was deleted
     */
    StoredSlice slice(long location, int size) throws StorageException;

    /**
     * Replays every entry in append order. Called once, before the first append. Torn or corrupt
     * tails are truncated before replay and reported in the returned summary.
     */
    RecoverySummary recover(EntryVisitor visitor) throws StorageException;

    /**
     * As {@link #recover(EntryVisitor)}, but replays only the entries at or after {@code fromLocation}: the caller
     * restored the partitions' state as of that point from a checkpoint of its own. Everything before
     * {@code fromLocation} must have been durable when the checkpoint was taken (it is then not checked again).
     * Entries of older segments are not visited, and the partition layer {@link #retain retains} their segments
     * itself.
     */
    RecoverySummary recover(EntryVisitor visitor, long fromLocation) throws StorageException;

    /**
     * The location the next entry will get: every entry appended before this call has a smaller location. For
     * checkpoints: entries at or after it must be replayed.
     */
    long endLocation();

    /** Notes that one more partition has live entries in {@code segmentId}. */
    void retain(int segmentId);

    /** Notes that one partition no longer needs its entries in {@code segmentId}. */
    void release(int segmentId);

    /**
     * Deletes sealed segments that no partition retains. Called after recovery, once the partition
     * layer has retained what it needs; later releases delete segments as their count drops to zero.
     */
    void deleteUnretainedSegments();

    /** The sealed segments (every one but the one appends go to), by id: their ids and sizes in bytes. */
    java.util.SortedMap<Integer, Long> sealedSegmentSizes();

    /** Bytes the log occupies on disk. */
    long sizeBytes();

    /** Segment files the log has now, the active one included (metrics). */
    default int segmentCount() {
        return sealedSegmentSizes().size() + 1;
    }

    /** Where the log lives, for operators (DescribeLogDirs). */
    String directory();

    /** Receives entries during {@link #recover}. */
    @FunctionalInterface
    interface EntryVisitor {
        /**
         * @param head the first bytes of the payload (up to {@link #HEAD_BYTES}), only valid during the call
         */
        void onEntry(long partitionKey, long location, int payloadSizeBytes, ByteBuffer head);

        /**
         * How many payload bytes recovery hands to the visitor: a record batch header (61 bytes) and, for a
         * control batch, its one record (a transaction marker's type and coordinator epoch).
         */
        int HEAD_BYTES = 96;
    }
}

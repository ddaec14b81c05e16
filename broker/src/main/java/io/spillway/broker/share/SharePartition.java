package io.spillway.broker.share;

import io.spillway.broker.share.InFlightRecords.AcquiredRange;
import io.spillway.broker.share.InFlightRecords.Lock;
import io.spillway.common.Time;
import io.spillway.coordinator.share.SharePartitionKey;
import io.spillway.coordinator.share.SharePartitionState;
import io.spillway.coordinator.share.ShareStateStore;
import io.spillway.log.AbortedTransaction;
import io.spillway.log.OffsetAndTimestamp;
import io.spillway.log.PartitionLog;
import io.spillway.log.PendingRead;
import io.spillway.log.ReadResult;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One share-partition on this broker: a share group's queue over one topic partition. It hands records out under
 * time-limited locks ({@link #acquire}), takes acknowledgements ({@link #acknowledge}), releases what a consumer
 * left or held too long, and stores its state through the {@link ShareStateStore} before an acknowledgement is
 * answered, so that a restart loses no acknowledgement and delivers again exactly what was not acknowledged.
 * Locks themselves are not stored: after a restart every acquired record is available again (its delivery count
 * is the one last stored).
 *
 * <p>Thread safe: one monitor guards the in-flight records; the log read of an acquisition happens under it so
 * that two consumers never acquire the same offsets. Writes to the store are issued under the monitor, so they
 * reach the store in the order the state changed; nothing waits for them under it.
 */
final class SharePartition {
    private static final Logger log = LoggerFactory.getLogger(SharePartition.class);
    /** Reads are sized from the records wanted and the bytes per record seen so far, within these bounds. */
    private static final int MIN_READ_BYTES = 64 * 1024;

    private final SharePartitionKey key;
    private final String topicName;
    private final PartitionLog partitionLog;
    private final ShareStateStore store;
    private final Time time;
    private final Runnable onAvailable;
    private InFlightRecords records;
    private int stateEpoch;
    private boolean fenced;
    private double bytesPerRecord = 1024;
    /**
     * What {@link #hasAvailable} reads without the monitor (it runs on the threads that complete appends, which
     * must not wait for an acquisition's read): published after every change of the in-flight records.
     */
    private volatile boolean availableInWindow;
    private volatile long publishedEnd;
    private volatile long publishedWindow;
    private volatile boolean publishedFenced;

    /** What one acquisition hands to a consumer: whole batches from the log and the offsets it now holds. */
    record Acquired(MemoryRecords records, List<AcquiredRange> ranges) {
        static final Acquired NONE = new Acquired(MemoryRecords.EMPTY, List.of());

        boolean isEmpty() {
            return ranges.isEmpty();
        }

        int recordCount() {
            long n = 0;
            for (AcquiredRange r : ranges) {
                n += r.lastOffset() - r.firstOffset() + 1;
            }
            return (int) Math.min(Integer.MAX_VALUE, n);
        }
    }

    /** One acknowledgement batch of a request. */
    record AckBatch(long firstOffset, long lastOffset, byte[] types) {
    }

    private SharePartition(SharePartitionKey key, String topicName, PartitionLog partitionLog, ShareStateStore store,
                           Time time, Runnable onAvailable) {
        this.key = key;
        this.topicName = topicName;
        this.partitionLog = partitionLog;
        this.store = store;
        this.time = time;
        this.onAvailable = onAvailable;
    }

    /**
     * Loads a share-partition from its stored state; one never read by its group starts where the group's
     * share.auto.offset.reset says, and that start is stored before anything is delivered (so "latest" stays the
     * offset of the first fetch, not of a later restart).
     *
     * @param onAvailable called (without the monitor) when records become available again, to wake waiting fetches
     */
    static CompletableFuture<SharePartition> load(SharePartitionKey key, String topicName, PartitionLog partitionLog,
                                                  ShareStateStore store, ShareGroupSettings settings, Time time,
                                                  Runnable onAvailable) {
        SharePartition partition = new SharePartition(key, topicName, partitionLog, store, time, onAvailable);
        return store.read(key).thenCompose(stored -> partition.initialise(stored, settings));
    }

    private CompletableFuture<SharePartition> initialise(SharePartitionState stored, ShareGroupSettings settings) {
        synchronized (this) {
            if (stored != null && stored.startOffset() != SharePartitionState.UNINITIALIZED) {
                stateEpoch = stored.stateEpoch();
                records = new InFlightRecords(stored);
                publish();
                return CompletableFuture.completedFuture(this);
            }
            stateEpoch = stored == null ? 0 : stored.stateEpoch();
            long start = settings.initialOffset(partitionLog.logStartOffset(), partitionLog.highWatermark(),
                    time.nowMs(), ts -> {
                        OffsetAndTimestamp found = partitionLog.offsetForTimestamp(ts);
                        return found == null || found == OffsetAndTimestamp.NONE ? -1 : found.offset();
                    });
            records = new InFlightRecords(new SharePartitionState(stateEpoch, start, List.of()));
            publish();
            log.info("Share group '{}' starts reading {}-{} at offset {} (share.auto.offset.reset={})", key.groupId(),
                    topicName, key.partition(), start, settings.autoOffsetReset());
            return store.write(key, records.toState(stateEpoch)).thenApply(v -> this);
        }
    }

    SharePartitionKey key() {
        return key;
    }

    PartitionLog log() {
        return partitionLog;
    }

    /** False once the store refused a write (an admin replaced the state): the owner drops and reloads it. */
    synchronized boolean isUsable() {
        return !fenced;
    }

    synchronized long startOffset() {
        return records.startOffset();
    }

    /**
     * Whether an acquisition now could hand out anything (long polls wait until it can). Takes no monitor of this
     * share-partition: it reads what {@link #publish} last published.
     */
    boolean hasAvailable(ShareGroupSettings settings) {
        if (publishedFenced || availableInWindow) {
            return true;
        }
        long bound = settings.readCommitted() ? partitionLog.lastStableOffset() : partitionLog.highWatermark();
        return publishedEnd < bound && publishedWindow < settings.maxRecordLocks();
    }

    /** Publishes the in-flight summary {@link #hasAvailable} reads. Caller holds the monitor. */
    private void publish() {
        availableInWindow = records.firstAvailable() >= 0;
        publishedEnd = records.endOffset();
        publishedWindow = records.window();
        publishedFenced = fenced;
    }

    /**
     * Acquires up to about {@code maxRecords} records for {@code memberId}: offsets released earlier first, then
     * new ones from the log. With {@code strictLimit} (record-limit acquire mode) no more than {@code maxRecords};
     * otherwise whole batches, as Kafka's batch-optimised mode does.
     */
    synchronized Acquired acquire(String memberId, int maxRecords, boolean strictLimit, int maxBytes,
                                  ShareGroupSettings settings) {
        if (fenced || maxRecords <= 0 || maxBytes <= 0) {
            return Acquired.NONE;
        }
        boolean changed = false;
        long logStart = partitionLog.logStartOffset();
        if (records.startOffset() < logStart) {
            records.skipTo(logStart);
            changed = true;
        }
        long from = records.firstAvailable();
        if (from < 0) {
            if (records.window() >= settings.maxRecordLocks()) {
                return Acquired.NONE;
            }
            from = records.endOffset();
        }
        long bound = settings.readCommitted() ? partitionLog.lastStableOffset() : partitionLog.highWatermark();
        if (from >= bound) {
            if (changed) {
                publish();
                persist();
            }
            return Acquired.NONE;
        }
        int readBytes = (int) Math.min(maxBytes, Math.max(MIN_READ_BYTES, bytesPerRecord * maxRecords * 1.25));
        ReadResult read;
        try {
            PendingRead pending = partitionLog.planRead(from, readBytes, true, settings.readCommitted());
            PendingRead.readAll(List.of(pending));
            read = pending.result();
        } catch (OffsetOutOfRangeException e) {
            // Retention moved the log start between our check and the read: the next fetch skips ahead.
            return Acquired.NONE;
        }
        MemoryRecords fetched = MemoryRecords.readableRecords(read.records());
        Lock lock = records.newLock(memberId, time.nowMs() + settings.lockDurationMs());
        List<AcquiredRange> ranges = new ArrayList<>();
        List<AbortedTransaction> aborted = read.abortedTransactions();
        int acquired = 0;
        int position = 0;
        int sliceStart = -1;
        int sliceEnd = -1;
        long bytesSeen = 0;
        long recordsSeen = 0;
        for (MutableRecordBatch batch : fetched.batches()) {
            int batchStart = position;
            position += batch.sizeInBytes();
            if (batch.lastOffset() < from) {
                continue;
            }
            if (acquired >= maxRecords || batch.baseOffset() >= bound) {
                break;
            }
            boolean beyondWindow = batch.lastOffset() >= records.endOffset()
                    && records.window() >= settings.maxRecordLocks();
            if (beyondWindow) {
                break;
            }
            bytesSeen += batch.sizeInBytes();
            recordsSeen += batch.lastOffset() - batch.baseOffset() + 1;
            long first = Math.max(batch.baseOffset(), from);
            if (batch.isControlBatch() || isAborted(batch, aborted)) {
                for (long o = first; o <= batch.lastOffset(); o++) {
                    records.archiveUndeliverable(o);
                }
                changed = true;
                continue;
            }
            boolean any = false;
            for (long o = first; o <= batch.lastOffset(); o++) {
                if (strictLimit && acquired >= maxRecords) {
                    break;
                }
                short count = records.acquire(o, lock);
                if (count < 0) {
                    continue;
                }
                any = true;
                acquired++;
                AcquiredRange last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
                if (last != null && last.lastOffset() == o - 1 && last.deliveryCount() == count) {
                    ranges.set(ranges.size() - 1, new AcquiredRange(last.firstOffset(), o, count));
                } else {
                    ranges.add(new AcquiredRange(o, o, count));
                }
            }
            if (any) {
                sliceStart = sliceStart < 0 ? batchStart : sliceStart;
                sliceEnd = position;
            }
        }
        if (recordsSeen > 0) {
            bytesPerRecord = 0.7 * bytesPerRecord + 0.3 * ((double) bytesSeen / recordsSeen);
        }
        records.dropIfUnused(lock);
        publish();
        if (changed) {
            persist();
        }
        if (ranges.isEmpty()) {
            return Acquired.NONE;
        }
        if (log.isDebugEnabled()) {
            log.debug("Share group '{}' member {} acquired {} of {}-{}", key.groupId(), memberId, ranges, topicName,
                    key.partition());
        }
        ByteBuffer slice = read.records().duplicate();
        slice.position(slice.position() + sliceStart).limit(slice.position() + (sliceEnd - sliceStart));
        return new Acquired(MemoryRecords.readableRecords(slice.slice()), ranges);
    }

    /** Whether a transactional batch belongs to a transaction that was aborted (read_committed reads only). */
    private static boolean isAborted(MutableRecordBatch batch, List<AbortedTransaction> aborted) {
        if (aborted == null || aborted.isEmpty() || !batch.isTransactional()) {
            return false;
        }
        for (AbortedTransaction a : aborted) {
            if (a.producerId() == batch.producerId() && batch.baseOffset() >= a.firstOffset()
                    && batch.baseOffset() <= a.lastOffset()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Applies a member's acknowledgements of this partition, all or none, and completes once the new state is
     * stored: NONE, INVALID_REQUEST (malformed batches, unknown types, RENEW where it is not allowed) or
     * INVALID_RECORD_STATE (an offset this member does not hold).
     */
    CompletableFuture<Errors> acknowledge(String memberId, List<AckBatch> batches, ShareGroupSettings settings,
                                          boolean renewAllowed) {
        CompletableFuture<Void> stored;
        boolean released = false;
        synchronized (this) {
            if (fenced) {
                return CompletableFuture.completedFuture(Errors.FENCED_STATE_EPOCH);
            }
            boolean mayRenew = renewAllowed && settings.renewEnabled();
            for (AckBatch b : batches) {
                if (InFlightRecords.isMalformed(b.firstOffset(), b.lastOffset(), b.types(), mayRenew)) {
                    return CompletableFuture.completedFuture(Errors.INVALID_REQUEST);
                }
                String problem = records.checkAcknowledgement(memberId, b.firstOffset(), b.lastOffset(), b.types(),
                        mayRenew);
                if (problem != null) {
                    log.debug("Share group '{}' member {}: acknowledgement of {}-{} refused: {}", key.groupId(),
                            memberId, topicName, key.partition(), problem);
                    return CompletableFuture.completedFuture(Errors.INVALID_RECORD_STATE);
                }
            }
            if (log.isDebugEnabled()) {
                for (AckBatch b : batches) {
                    log.debug("Share group '{}' member {} acknowledges {}..{} {} of {}-{}", key.groupId(), memberId,
                            b.firstOffset(), b.lastOffset(), java.util.Arrays.toString(b.types()), topicName,
                            key.partition());
                }
            }
            Lock renewLock = null;
            int[] releasedCount = {0};
            for (AckBatch b : batches) {
                if (renewLock == null && hasRenew(b.types())) {
                    renewLock = records.newLock(memberId, time.nowMs() + settings.lockDurationMs());
                }
                records.acknowledge(b.firstOffset(), b.lastOffset(), b.types(), settings.deliveryLimit(), renewLock,
                        offset -> releasedCount[0]++);
            }
            if (renewLock != null) {
                records.dropIfUnused(renewLock);
            }
            released = releasedCount[0] > 0;
            publish();
            stored = persist();
        }
        if (released) {
            onAvailable.run();
        }
        return stored.handle((v, error) -> error == null ? Errors.NONE : errorOf(error));
    }

    private static boolean hasRenew(byte[] types) {
        for (byte t : types) {
            if (t == InFlightRecords.AckType.RENEW.ordinal()) {
                return true;
            }
        }
        return false;
    }

    /** Releases every record {@code memberId} holds here (its share session closed or it left the group). */
    CompletableFuture<Void> releaseMember(String memberId, ShareGroupSettings settings) {
        CompletableFuture<Void> stored;
        int released;
        synchronized (this) {
            if (fenced || !records.hasLocks()) {
                return CompletableFuture.completedFuture(null);
            }
            released = records.releaseMember(memberId, settings.deliveryLimit());
            log.debug("Share group '{}': released {} records of {}-{} that member {} held", key.groupId(), released,
                    topicName, key.partition(), memberId);
            publish();
            stored = persist();
        }
        if (released > 0) {
            onAvailable.run();
        }
        return stored;
    }

    /** Releases the records whose locks ran out (the sweeper calls this); stores the state if anything changed. */
    void expireLocks(long nowMs, ShareGroupSettings settings) {
        int released;
        synchronized (this) {
            if (fenced || records.earliestDeadline() > nowMs) {
                return;
            }
            released = records.expire(nowMs, settings.deliveryLimit());
            publish();
            log.debug("Share group '{}': acquisition locks on {}-{} timed out; {} records available again",
                    key.groupId(), topicName, key.partition(), released);
            persist();
        }
        if (released > 0) {
            onAvailable.run();
        }
    }

    synchronized boolean hasLocks() {
        return records.hasLocks();
    }

    /** The state to store now; a refusal marks this copy fenced (the owner then drops it). */
    private CompletableFuture<Void> persist() {
        CompletableFuture<Void> write = store.write(key, records.toState(stateEpoch));
        return write.whenComplete((v, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                synchronized (this) {
                    fenced = true;
                    publishedFenced = true;
                }
                log.warn("Share group '{}': storing the state of {}-{} failed ({}); it will be reloaded from"
                        + " __share_group_state", key.groupId(), topicName, key.partition(), cause.toString());
            }
        });
    }

    private static Errors errorOf(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        Errors e = Errors.forException(cause);
        return e == Errors.UNKNOWN_SERVER_ERROR ? Errors.COORDINATOR_NOT_AVAILABLE : e;
    }

    /**
     * Retires this copy if nothing is locked (it is being dropped from memory after a long idle time): its state
     * is all stored, and from now on it refuses use, as a fenced copy does. Returns whether it retired.
     */
    synchronized boolean retireIfIdle() {
        if (records.hasLocks()) {
            return false;
        }
        fenced = true;
        publishedFenced = true;
        return true;
    }

    /** Marks this copy unusable (its stored state was replaced or deleted by an admin operation). */
    synchronized void fence() {
        fenced = true;
        publishedFenced = true;
    }

    /** For tests and describe: the in-flight view. */
    synchronized SharePartitionState currentState() {
        return records.toState(stateEpoch);
    }
}

package io.spillway.log;

import io.spillway.common.Time;
import io.spillway.storage.Locations;
import io.spillway.storage.SharedLog;
import io.spillway.storage.StorageException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.internals.ByteUtils;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The log of one partition: assigns offsets, keeps the offset index, idempotent and transactional
 * producer state and the {@link TransactionIndex} (last stable offset, aborted transactions), and reads
 * batches back from the {@link SharedLog} all partitions share. Costs about a hundred bytes while empty:
 * index, producer table and transaction index are created on first use.
 *
 * <p>Thread safe: appends, trims and index lookups hold this object's monitor; storage reads and
 * writes of payloads happen outside it except the append itself, which must stay inside so that
 * entries of one partition reach the shared log in offset order.
 */
public final class PartitionLog {
    /** Kafka's leader epoch; a single-node broker never changes leader. */
    public static final int LEADER_EPOCH = 0;

    private final long key;
    /** The topic's name (one string shared by all its partitions) and this partition's index; see {@link #name()}. */
    private final String topic;
    private final int partition;
    private final SharedLog storage;
    private final Time time;
    private final HighWatermarkListener listener;
    private volatile LogConfig config;

    private BatchIndex index;
    private ProducerStateTable producers;
    private TransactionIndex transactions;
    /**
     * Transactional batches waiting for the transaction coordinator's verification, by producer id; null when
     * none (most partitions). Not state of the log: requests in flight, gone with them at a restart.
     */
    private Map<Long, Integer> verifying;
    private long logEndOffset;
    private long sizeBytes;
    private int lastSegment = -1;
    private boolean deleted;
    private volatile long highWatermark;
    private volatile long logStartOffset;

    PartitionLog(long key, String topic, int partition, LogConfig config, long logStartOffset, SharedLog storage,
                 Time time, HighWatermarkListener listener) {
        this.key = key;
        this.topic = topic;
        this.partition = partition;
        this.config = config;
        this.storage = storage;
        this.time = time;
        this.listener = listener;
        this.logStartOffset = logStartOffset;
        this.logEndOffset = logStartOffset;
        this.highWatermark = logStartOffset;
    }

    public long key() {
        return key;
    }

    /**
     * "topic-partition", for messages to operators. Built on each call rather than kept: with a million partitions
     * a kept string per partition would cost about 50 MB.
     */
    public String name() {
        return topic + "-" + partition;
    }

    public LogConfig config() {
        return config;
    }

    public void config(LogConfig newConfig) {
        this.config = newConfig;
    }

    public long highWatermark() {
        return highWatermark;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public synchronized long logEndOffset() {
        return logEndOffset;
    }

    public synchronized long sizeBytes() {
        return sizeBytes;
    }

    /**
     * Validates and appends one produced batch (its bytes are modified in place: offsets, leader
     * epoch, log append time).
     *
     * @throws org.apache.kafka.common.errors.ApiException with the error Kafka would return
     */
    public AppendResult append(ByteBuffer records) {
        return append(records, false);
    }

    /**
     * As {@link #append(ByteBuffer)}.
     *
     * @param mayOpenTransaction whether a transactional batch may start its producer's transaction here (the
     *     transaction coordinator verified that the partition is in the transaction); when false such a batch
     *     is only appended to a transaction already open here
     * @throws TransactionNotVerifiedException for a transactional batch that would open a transaction here
     *     while {@code mayOpenTransaction} is false
     */
    public AppendResult append(ByteBuffer records, boolean mayOpenTransaction) {
        LogConfig cfg = config;
        long nowMs = time.nowMs();
        MutableRecordBatch batch = BatchValidator.validate(name(), records, cfg, nowMs);
        ByteBuffer entry = records.duplicate();
        entry.limit(entry.position() + batch.sizeInBytes());
        ByteBuffer converted = BatchRecompressor.maybeRecompress(name(), batch, cfg.compressionType(), cfg.maxMessageBytes());
        if (converted != null) {
            entry = converted;
            batch = MemoryRecords.readableRecords(converted.duplicate()).batches().iterator().next();
        }
        return appendBatch(batch, entry, true, mayOpenTransaction, nowMs);
    }

    /**
     * Appends one batch that a coordinator of this broker built (its records, possibly transactional, are
     * trusted: no client validation). Offsets are assigned as for {@link #append}.
     */
    public AppendResult appendFromCoordinator(ByteBuffer batchBytes) {
        MutableRecordBatch batch = MemoryRecords.readableRecords(batchBytes.duplicate()).batches().iterator().next();
        ByteBuffer entry = batchBytes.duplicate();
        entry.limit(entry.position() + batch.sizeInBytes());
        return appendBatch(batch, entry, false, true, time.nowMs());
    }

    /**
     * Writes a transaction marker (a control batch) that commits or aborts the producer's open transaction
     * in this partition. A marker for a producer without an open transaction here is written too (Kafka
     * does the same): it only moves the producer's epoch.
     *
     * @throws org.apache.kafka.common.errors.InvalidProducerEpochException if a newer epoch of the producer
     *     has already written here
     */
    public AppendResult appendEndTxnMarker(long producerId, short producerEpoch, int coordinatorEpoch, boolean commit) {
        long nowMs = time.nowMs();
        MemoryRecords marker = MemoryRecords.withEndTransactionMarker(0L, nowMs, LEADER_EPOCH, producerId, producerEpoch,
                new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, coordinatorEpoch));
        MutableRecordBatch batch = marker.batches().iterator().next();
        return appendBatch(batch, marker.buffer(), false, true, nowMs);
    }

    /**
     * Assigns offsets to one batch, writes it and updates index, producer state and transactions.
     *
     * @param fromClient a produced batch: deduplicated and sequence-checked; otherwise written by this broker
     */
    private AppendResult appendBatch(MutableRecordBatch batch, ByteBuffer entry, boolean fromClient,
                                     boolean mayOpenTransaction, long nowMs) {
        LogConfig cfg = config;
        long baseOffset;
        long lastOffset;
        long location;
        long appendTimeMs = -1;
        synchronized (this) {
            if (deleted) {
                throw new UnknownTopicOrPartitionException("Partition " + name() + " was deleted");
            }
            boolean idempotent = batch.hasProducerId();
            if (fromClient && idempotent && producers != null) {
                long[] original = producers.findDuplicate(batch.producerId(), batch.producerEpoch(),
                        batch.baseSequence(), batch.lastSequence());
                if (original != null) {
                    return new AppendResult(original[0], original[1], -1, logStartOffset, awaitVisible(original[1]));
                }
                producers.check(name(), batch.producerId(), batch.producerEpoch(), batch.baseSequence(),
                        batch.isTransactional());
            }
            if (fromClient && batch.isTransactional() && !mayOpenTransaction
                    && (producers == null || !producers.hasOpenTransaction(batch.producerId(), batch.producerEpoch()))) {
                throw new TransactionNotVerifiedException(name(), batch.producerId(), batch.producerEpoch());
            }
            if (batch.isControlBatch() && producers != null) {
                producers.checkMarker(name(), batch.producerId(), batch.producerEpoch());
            }
            baseOffset = logEndOffset;
            int lastOffsetDelta = BatchValidator.lastOffsetDelta(batch);
            lastOffset = baseOffset + lastOffsetDelta;
            batch.setLastOffset(lastOffset);
            batch.setPartitionLeaderEpoch(LEADER_EPOCH);
            if (fromClient && cfg.timestampType() == TimestampType.LOG_APPEND_TIME) {
                appendTimeMs = nowMs;
                batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, nowMs);
            }
            if (entry.remaining() > storage.maxPayloadBytes()) {
                // Kafka answers a batch larger than a log segment the same way; retrying cannot help
                throw new org.apache.kafka.common.errors.RecordBatchTooLargeException("A batch of " + entry.remaining()
                        + " bytes for " + name() + " is larger than a shared-log segment holds ("
                        + storage.maxPayloadBytes() + " bytes); raise " + "spillway.wal.segment.bytes or send smaller batches");
            }
            try {
                location = storage.append(key, entry, lastSegment);
            } catch (StorageException e) {
                throw new KafkaStorageException("Could not append to " + name() + ": " + e.getMessage(), e);
            }
            addToIndex(baseOffset, lastOffsetDelta, batch.maxTimestamp(), location, entry.remaining());
            if (idempotent) {
                track(batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.lastSequence(), baseOffset,
                        batch.maxTimestamp(), batch.isTransactional(), batch.isControlBatch() ? markerOf(batch) : null);
            }
            logEndOffset = lastOffset + 1;
        }
        long visibleEnd = lastOffset + 1;
        CompletableFuture<Void> durable = storage.whenDurable(location).handle((ignored, error) -> {
            if (error != null) {
                throw new KafkaStorageException("Could not make " + name() + " durable: " + error.getMessage(), error);
            }
            advanceHighWatermark(visibleEnd);
            return null;
        });
        return new AppendResult(baseOffset, lastOffset, appendTimeMs, logStartOffset, durable);
    }

    /** What a control batch's single record says: commit or abort, and the coordinator epoch. */
    private record Marker(boolean commit, int coordinatorEpoch) {
    }

    private static Marker markerOf(RecordBatch batch) {
        for (Record record : batch) {
            EndTransactionMarker marker = EndTransactionMarker.deserialize(record);
            return new Marker(marker.controlType() == ControlRecordType.COMMIT, marker.coordinatorEpoch());
        }
        throw new IllegalStateException("control batch without a record");
    }

    /**
     * Producer and transaction bookkeeping for one batch at {@code baseOffset}; the same code for appends and
     * for recovery. Caller holds the monitor.
     */
    private void track(long producerId, short epoch, int baseSequence, int lastSequence, long baseOffset,
                       long timestampMs, boolean transactional, Marker marker) {
        ProducerStateTable table = producers();
        if (marker != null) {
            long first = table.endTransaction(producerId, epoch, marker.coordinatorEpoch(), timestampMs);
            transactions().end(producerId, first >= 0 ? first : baseOffset, baseOffset, !marker.commit());
            return;
        }
        table.record(producerId, epoch, baseSequence, lastSequence, baseOffset, timestampMs);
        if (transactional && table.beginTransactionIfNone(producerId, baseOffset)) {
            transactions().begin(producerId, baseOffset);
        }
    }

    private TransactionIndex transactions() {
        if (transactions == null) {
            transactions = new TransactionIndex();
        }
        return transactions;
    }

    private void addToIndex(long baseOffset, int lastOffsetDelta, long maxTimestamp, long location, int size) {
        if (index == null) {
            index = new BatchIndex();
        }
        index.add(baseOffset, lastOffsetDelta, maxTimestamp, location, size);
        lastSegment = Locations.segment(location);
        sizeBytes += size;
    }

    private ProducerStateTable producers() {
        if (producers == null) {
            producers = new ProducerStateTable();
        }
        return producers;
    }

    /** Completes once the batch holding {@code offset} is durable. Caller holds the monitor. */
    private CompletableFuture<Void> awaitVisible(long offset) {
        if (offset < highWatermark || index == null) {
            return CompletableFuture.completedFuture(null);
        }
        int slot = index.slotContaining(offset);
        if (slot >= index.endSlot()) {
            return CompletableFuture.completedFuture(null);
        }
        return storage.whenDurable(index.location(slot));
    }

    private void advanceHighWatermark(long offset) {
        synchronized (this) {
            if (offset <= highWatermark) {
                return;
            }
            highWatermark = offset;
            if (transactions != null) {
                transactions.highWatermarkAdvanced(offset);
            }
        }
        listener.onAdvance(this);
    }

    /**
     * The last stable offset: read_committed consumers read up to here. Below the high watermark while a
     * transaction with records here is open, or decided by a marker that is not yet durable.
     */
    public synchronized long lastStableOffset() {
        return lastStableOffsetLocked();
    }

    private long lastStableOffsetLocked() {
        if (transactions == null) {
            return highWatermark;
        }
        return Math.max(logStartOffset, Math.min(highWatermark, transactions.firstUnstableOffset()));
    }

    /** Whether the producer, at exactly this epoch, has a transaction with records here (no verification needed). */
    public synchronized boolean hasOpenTransaction(long producerId, short producerEpoch) {
        return producers != null && producers.hasOpenTransaction(producerId, producerEpoch);
    }

    /**
     * Whether a transactional batch of the producer must be verified by the transaction coordinator before it is
     * appended: its transaction is not open here at this epoch, or an earlier batch of the producer is still
     * being verified (a batch may not overtake it, or the producer's sequence would break). When it must, the
     * batch counts as queued until {@link #verificationDone}, so that the producer's batches behind it queue too.
     */
    public synchronized boolean queueForVerification(long producerId, short producerEpoch) {
        if (hasOpenTransaction(producerId, producerEpoch)
                && (verifying == null || !verifying.containsKey(producerId))) {
            return false;
        }
        queuedForVerification(producerId);
        return true;
    }

    /** A batch of the producer that the append refused as unverified is queued for verification after all. */
    public synchronized void queuedForVerification(long producerId) {
        if (verifying == null) {
            verifying = new HashMap<>(4);
        }
        verifying.merge(producerId, 1, Integer::sum);
    }

    /** A batch queued by {@link #queueForVerification} was appended, or refused. */
    public synchronized void verificationDone(long producerId) {
        if (verifying != null && verifying.computeIfPresent(producerId, (id, n) -> n > 1 ? n - 1 : null) == null
                && verifying.isEmpty()) {
            verifying = null;
        }
    }

    /** A producer with state in this partition, as DescribeProducers shows it. */
    public record ActiveProducer(long producerId, short producerEpoch, int lastSequence, long lastTimestampMs,
                                 int coordinatorEpoch, long currentTxnStartOffset) {
    }

    public synchronized List<ActiveProducer> activeProducers() {
        List<ActiveProducer> out = new ArrayList<>();
        if (producers != null) {
            for (ProducerStateTable.ProducerView p : producers.view()) {
                out.add(new ActiveProducer(p.producerId(), p.epoch(), p.lastSequence(), p.lastTimestampMs(),
                        p.coordinatorEpoch(), p.currentTxnFirstOffset()));
            }
        }
        return out;
    }

    /** Open transactions here: producer id by the offset of its first record (tests, tools). */
    public synchronized Map<Long, Long> openTransactions() {
        return transactions == null ? Map.of() : transactions.openTransactions();
    }

    /**
     * Reads whole batches from {@code fetchOffset} up to the high watermark, at most {@code maxBytes}
     * unless {@code minOneBatch} and the first batch alone is larger.
     *
     * @throws OffsetOutOfRangeException if the offset is before the log start or after its end
     */
    public ReadResult read(long fetchOffset, int maxBytes, boolean minOneBatch) {
        PendingRead pending = planRead(fetchOffset, maxBytes, minOneBatch, ReadBound.HIGH_WATERMARK);
        pending.readNow();
        return pending.result();
    }

    /**
     * Reads whole batches from {@code fetchOffset} up to the log end, including records appended but not yet
     * durable: for a coordinator rebuilding its state from its own partition after a failed write, which must
     * see every record it has applied before. Never for clients.
     */
    public ReadResult readIncludingUnflushed(long fetchOffset, int maxBytes) {
        PendingRead pending = planRead(fetchOffset, maxBytes, true, ReadBound.LOG_END);
        pending.readNow();
        return pending.result();
    }

    /** Where a read stops. */
    private enum ReadBound { HIGH_WATERMARK, LAST_STABLE_OFFSET, LOG_END }

    /**
     * Decides which batches a read returns (as {@link #read}) without reading them yet, so that a fetch over
     * many partitions can read all their batches in file order ({@link PendingRead#readAll}).
     *
     * @param readCommitted read only up to the last stable offset, and collect the aborted transactions in
     *     the range read (isolation level read_committed)
     * @throws OffsetOutOfRangeException if the offset is before the log start or after its end
     */
    public PendingRead planRead(long fetchOffset, int maxBytes, boolean minOneBatch, boolean readCommitted) {
        return planRead(fetchOffset, maxBytes, minOneBatch,
                readCommitted ? ReadBound.LAST_STABLE_OFFSET : ReadBound.HIGH_WATERMARK);
    }

    private PendingRead planRead(long fetchOffset, int maxBytes, boolean minOneBatch, ReadBound bound) {
        boolean readCommitted = bound == ReadBound.LAST_STABLE_OFFSET;
        long[] locations;
        int[] sizes;
        int total = 0;
        long hw;
        long lso;
        long start;
        long end;
        List<AbortedTransaction> aborted = null;
        long offsetsRead;
        synchronized (this) {
            hw = highWatermark;
            lso = lastStableOffsetLocked();
            start = logStartOffset;
            end = logEndOffset;
            if (fetchOffset < start || fetchOffset > end) {
                throw new OffsetOutOfRangeException("Offset " + fetchOffset + " is out of range for " + name()
                        + ": the log holds offsets " + start + " to " + end);
            }
            long upper = switch (bound) {
                case HIGH_WATERMARK -> hw;
                case LAST_STABLE_OFFSET -> lso;
                case LOG_END -> end;
            };
            if (index == null || fetchOffset >= upper) {
                return new PendingRead(this, fetchOffset, new long[0], new int[0], 0, hw, lso, start, end,
                        readCommitted ? List.of() : null, 0);
            }
            int from = index.slotContaining(fetchOffset);
            int to = from;
            while (to < index.endSlot() && index.baseOffset(to) < upper) {
                int size = index.size(to);
                if ((long) total + size > maxBytes && !(minOneBatch && to == from)) {
                    break;
                }
                total += size;
                to++;
            }
            int count = to - from;
            locations = new long[count];
            sizes = new int[count];
            for (int i = 0; i < count; i++) {
                locations[i] = index.location(from + i);
                sizes[i] = index.size(from + i);
            }
            long readEnd = count == 0 ? fetchOffset : index.lastOffset(to - 1) + 1;
            // offsets the client gets from its fetch offset on (it skips the records of a first batch before it)
            offsetsRead = count == 0 ? 0 : readEnd - Math.max(fetchOffset, index.baseOffset(from));
            if (readCommitted) {
                aborted = transactions == null ? List.of() : transactions.abortedIn(fetchOffset, readEnd);
            }
        }
        return new PendingRead(this, fetchOffset, locations, sizes, total, hw, lso, start, end, aborted,
                Math.max(0, offsetsRead));
    }

    SharedLog storage() {
        return storage;
    }

    /** The error a failed storage read of this partition turns into (retention may have removed the data). */
    RuntimeException readFailure(long fetchOffset, StorageException e) {
        if (logStartOffset > fetchOffset) {
            return new OffsetOutOfRangeException("Offset " + fetchOffset + " of " + name()
                    + " was removed by retention while being read");
        }
        return new KafkaStorageException("Could not read " + name() + ": " + e.getMessage(), e);
    }

    /**
     * Bytes of whole batches from {@code fetchOffset} up to the high watermark (the last stable offset when
     * {@code readCommitted}), counted only until {@code enoughBytes} is reached (a long-poll check needs no more).
     */
    public synchronized long bytesAvailable(long fetchOffset, long enoughBytes, boolean readCommitted) {
        long upper = readCommitted ? lastStableOffsetLocked() : highWatermark;
        if (index == null || fetchOffset >= upper) {
            return 0;
        }
        long total = 0;
        for (int slot = index.slotContaining(fetchOffset); slot < index.endSlot()
                && index.baseOffset(slot) < upper && total < enoughBytes; slot++) {
            total += index.size(slot);
        }
        return total;
    }

    /** ListOffsets by timestamp: the first record at or after {@code targetMs}, Kafka's semantics. */
    public OffsetAndTimestamp offsetForTimestamp(long targetMs) {
        long hw = highWatermark;
        int slot;
        synchronized (this) {
            if (index == null) {
                return OffsetAndTimestamp.NONE;
            }
            slot = index.firstSlot();
        }
        while (true) {
            long location;
            int size;
            synchronized (this) {
                slot = Math.max(slot, index.firstSlot());
                while (slot < index.endSlot() && index.baseOffset(slot) < hw && index.maxTimestamp(slot) < targetMs) {
                    slot++;
                }
                if (slot >= index.endSlot() || index.baseOffset(slot) >= hw) {
                    return OffsetAndTimestamp.NONE;
                }
                location = index.location(slot);
                size = index.size(slot);
            }
            OffsetAndTimestamp found = firstRecordAtOrAfter(location, size, targetMs, logStartOffset);
            if (found != null) {
                return found;
            }
            slot++;
        }
    }

    /** ListOffsets MAX_TIMESTAMP: the record with the largest timestamp (the first of equals). */
    public OffsetAndTimestamp offsetOfMaxTimestamp() {
        long location;
        int size;
        long maxTs = RecordBatch.NO_TIMESTAMP;
        synchronized (this) {
            if (index == null || index.isEmpty()) {
                return OffsetAndTimestamp.NONE;
            }
            int best = -1;
            for (int slot = index.firstSlot(); slot < index.endSlot() && index.baseOffset(slot) < highWatermark; slot++) {
                if (best < 0 || index.maxTimestamp(slot) > maxTs) {
                    best = slot;
                    maxTs = index.maxTimestamp(slot);
                }
            }
            if (best < 0) {
                return OffsetAndTimestamp.NONE;
            }
            location = index.location(best);
            size = index.size(best);
        }
        OffsetAndTimestamp found = firstRecordAtOrAfter(location, size, maxTs, logStartOffset);
        return found != null ? found : OffsetAndTimestamp.NONE;
    }

    private OffsetAndTimestamp firstRecordAtOrAfter(long location, int size, long targetMs, long minOffset) {
        ByteBuffer buffer = ByteBuffer.allocate(size);
        storage.read(location, buffer);
        buffer.flip();
        for (RecordBatch batch : MemoryRecords.readableRecords(buffer).batches()) {
            for (Record record : batch) {
                if (record.offset() >= minOffset && record.timestamp() >= targetMs) {
                    return new OffsetAndTimestamp(record.offset(), record.timestamp());
                }
            }
        }
        return null;
    }

    /**
     * The log start offset that retention (retention.ms, retention.bytes) would move to now; the
     * current one if nothing expired. Never past the high watermark.
     */
    public long retentionTarget(long nowMs) {
        return retention(nowMs).logStartOffset();
    }

    /**
     * Where retention would move the log start offset now, and why.
     *
     * @param logStartOffset the current one if nothing expired; never past the high watermark
     * @param reason the configs that expired data, e.g. "retention.ms=60000"; null if nothing expired
     */
    public record Retention(long logStartOffset, String reason) {
    }

    /** As {@link #retentionTarget}, with the reason for an operator's log line. */
    public synchronized Retention retention(long nowMs) {
        LogConfig cfg = config;
        if (!cfg.deleteRetention() || index == null || index.isEmpty()) {
            return new Retention(logStartOffset, null);
        }
        int slot = index.firstSlot();
        int end = index.endSlot();
        String reason = null;
        if (cfg.retentionMs() >= 0) {
            while (slot < end && index.lastOffset(slot) < highWatermark
                    && index.maxTimestamp(slot) < nowMs - cfg.retentionMs()) {
                slot++;
            }
            if (slot > index.firstSlot()) {
                reason = "retention.ms=" + cfg.retentionMs();
            }
        }
        if (cfg.retentionBytes() >= 0) {
            int timeExpired = slot;
            long size = sizeBytes;
            for (int s = index.firstSlot(); s < slot; s++) {
                size -= index.size(s);
            }
            while (slot < end && index.lastOffset(slot) < highWatermark && size - index.size(slot) >= cfg.retentionBytes()) {
                size -= index.size(slot);
                slot++;
            }
            if (slot > timeExpired) {
                String bySize = "retention.bytes=" + cfg.retentionBytes();
                reason = reason == null ? bySize : reason + " and " + bySize;
            }
        }
        if (slot == index.firstSlot()) {
            return new Retention(logStartOffset, null);
        }
        long target = Math.max(logStartOffset, index.lastOffset(slot - 1) + 1);
        return new Retention(target, target > logStartOffset ? reason : null);
    }

    /**
     * What a {@link #trimTo} removed.
     *
     * @param offsets how far the log start offset moved (records, and offsets compaction or aborted transactions
     *     had already emptied)
     * @param batches stored batches let go of
     * @param bytes their size
     */
    public record Trimmed(long offsets, int batches, long bytes) {
        public static final Trimmed NOTHING = new Trimmed(0, 0, 0);
    }

    /**
     * Moves the log start offset forward (retention, DeleteRecords) and lets go of storage no longer
     * needed. The caller persists the new log start first, so a crash cannot bring records back.
     */
    public Trimmed trimTo(long newLogStartOffset) {
        List<Integer> released = new ArrayList<>();
        Trimmed trimmed;
        synchronized (this) {
            if (newLogStartOffset <= logStartOffset) {
                return Trimmed.NOTHING;
            }
            long movedBy = newLogStartOffset - logStartOffset;
            int batches = 0;
            long bytes = 0;
            logStartOffset = newLogStartOffset;
            if (logEndOffset < newLogStartOffset) {
                logEndOffset = newLogStartOffset;
            }
            if (highWatermark < newLogStartOffset) {
                highWatermark = newLogStartOffset;
            }
            if (index != null) {
                int keepFrom = index.slotContaining(newLogStartOffset);
                for (int slot = index.firstSlot(); slot < keepFrom; slot++) {
                    int segment = Locations.segment(index.location(slot));
                    int next = slot + 1 < index.endSlot() ? Locations.segment(index.location(slot + 1)) : -1;
                    if (segment != next) {
                        released.add(segment);
                    }
                    sizeBytes -= index.size(slot);
                    bytes += index.size(slot);
                    batches++;
                }
                index.trimBefore(keepFrom);
                if (index.isEmpty()) {
                    lastSegment = -1;
                }
            }
            if (transactions != null) {
                transactions.trimBefore(newLogStartOffset);
            }
            if (producers != null) {
                producers.forgetBefore(newLogStartOffset);
            }
            trimmed = new Trimmed(movedBy, batches, bytes);
        }
        released.forEach(storage::release);
        return trimmed;
    }

    /** The stored batches of a range of this partition, as the {@link LogCleaner} and the reorganiser read them. */
    record StoredBatches(long[] baseOffsets, long[] lastOffsets, long[] locations, int[] sizes, long[] maxTimestamps) {
        int count() {
            return baseOffsets.length;
        }
    }

    /** The stored batches whose base offset lies in {@code [from, to)} (at most {@code limit} of them). */
    synchronized StoredBatches storedBatches(long from, long to, int limit) {
        if (index == null || deleted) {
            return new StoredBatches(new long[0], new long[0], new long[0], new int[0], new long[0]);
        }
        int start = index.slotContaining(Math.max(from, logStartOffset));
        int stop = start;
        while (stop < index.endSlot() && index.baseOffset(stop) < to && stop - start < limit) {
            stop++;
        }
        int n = stop - start;
        StoredBatches out = new StoredBatches(new long[n], new long[n], new long[n], new int[n], new long[n]);
        for (int i = 0; i < n; i++) {
            out.baseOffsets()[i] = index.baseOffset(start + i);
            out.lastOffsets()[i] = index.lastOffset(start + i);
            out.locations()[i] = index.location(start + i);
            out.sizes()[i] = index.size(start + i);
            out.maxTimestamps()[i] = index.maxTimestamp(start + i);
        }
        return out;
    }

    /**
     * Adds the bytes of this partition's batches to {@code bytesBySegment[segment - firstSegment]} for the segments in
     * that range (the reorganiser's survey).
     */
    synchronized void addLiveBytes(long[] bytesBySegment, int firstSegment) {
        if (index == null || deleted) {
            return;
        }
        for (int slot = index.firstSlot(); slot < index.endSlot(); slot++) {
            int i = Locations.segment(index.location(slot)) - firstSegment;
            if (i >= 0 && i < bytesBySegment.length) {
                bytesBySegment[i] += index.size(slot);
            }
        }
    }

    /** Whether any batch of this partition lies in one of {@code segments}. */
    synchronized boolean hasBatchesIn(java.util.Set<Integer> segments) {
        if (index == null || deleted) {
            return false;
        }
        for (int slot = index.firstSlot(); slot < index.endSlot(); slot++) {
            if (segments.contains(Locations.segment(index.location(slot)))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Points batches at rewritten copies (compacted, or moved by the reorganiser) or drops them (all their records
     * compacted away): see {@link BatchIndex#rewrite}. The copies must be durable already. Offsets never change.
     * Segments the copies start new runs in are retained here; the segments whose runs ended are returned, to be
     * released only once a checkpoint holds the new locations (until then a restart restores the old ones).
     *
     * @return the segments to release later; empty when nothing was applied
     */
    List<Integer> applyRewrites(long[] baseOffsets, long[] oldLocations, long[] newLocations, int[] newSizes,
                                long[] newMaxTimestamps) {
        List<Integer> releaseLater = new ArrayList<>();
        synchronized (this) {
            if (index == null || deleted) {
                return releaseLater;
            }
            Map<Integer, Integer> before = index.segmentRuns();
            boolean[] applied = index.rewrite(baseOffsets, oldLocations, newLocations, newSizes, newMaxTimestamps);
            Map<Integer, Integer> after = index.segmentRuns();
            boolean any = false;
            for (boolean a : applied) {
                any |= a;
            }
            if (!any) {
                return releaseLater;
            }
            long size = 0;
            for (int slot = index.firstSlot(); slot < index.endSlot(); slot++) {
                size += index.size(slot);
            }
            sizeBytes = size;
            lastSegment = index.isEmpty() ? -1 : Locations.segment(index.location(index.endSlot() - 1));
            after.forEach((segment, runs) -> {
                for (int i = before.getOrDefault(segment, 0); i < runs; i++) {
                    storage.retain(segment);
                }
            });
            before.forEach((segment, runs) -> {
                for (int i = after.getOrDefault(segment, 0); i < runs; i++) {
                    releaseLater.add(segment);
                }
            });
        }
        return releaseLater;
    }

    /** The offset up to which the cleaner has compacted this partition (the first dirty offset). */
    private long cleanedUpTo;
    /** The earliest delete horizon of a tombstone or marker the cleaner kept, or Long.MAX_VALUE. */
    private long deleteHorizonMs = Long.MAX_VALUE;

    synchronized long cleanedUpTo() {
        return Math.max(cleanedUpTo, logStartOffset);
    }

    /** The cleaner compacted up to {@code offset}; the earliest delete horizon it left is {@code horizonMs}. */
    synchronized void cleaned(long offset, long horizonMs) {
        cleanedUpTo = Math.max(cleanedUpTo, offset);
        deleteHorizonMs = horizonMs;
    }

    synchronized long deleteHorizonMs() {
        return deleteHorizonMs;
    }

    /**
     * Where compaction must stop now: before the first unstable transaction, before the high watermark, and before
     * the first batch younger than min.compaction.lag.ms. Only whole batches below it are compacted.
     */
    synchronized long cleanableEnd(long nowMs) {
        long end = Math.min(highWatermark, lastStableOffsetLocked());
        long minLag = config.compaction().minLagMs();
        if (index != null && minLag > 0) {
            for (int slot = index.firstSlot(); slot < index.endSlot() && index.baseOffset(slot) < end; slot++) {
                if (index.maxTimestamp(slot) > nowMs - minLag) {
                    end = index.baseOffset(slot);
                    break;
                }
            }
        }
        if (index != null) {
            // whole batches only: stop before a batch that the end cuts through
            int slot = index.slotContaining(end);
            if (slot < index.endSlot() && index.baseOffset(slot) < end) {
                end = index.baseOffset(slot);
            }
        }
        return Math.max(end, logStartOffset);
    }

    /**
     * The bytes of the batches in a range, and the largest timestamp of the first of them (-1 when none): the size
     * and age of a section, for the cleaner's choice.
     */
    record Section(long bytes, long firstMaxTimestamp) {
    }

    /** The batches whose base offset lies in {@code [from, to)}, as a {@link Section}. */
    synchronized Section section(long from, long to) {
        long bytes = 0;
        long firstTimestamp = -1;
        if (index != null) {
            for (int slot = index.slotContaining(Math.max(from, logStartOffset)); slot < index.endSlot()
                    && index.baseOffset(slot) < to; slot++) {
                if (firstTimestamp < 0) {
                    firstTimestamp = index.maxTimestamp(slot);
                }
                bytes += index.size(slot);
            }
        }
        return new Section(bytes, firstTimestamp);
    }

    /** See {@link ProducerStateTable#newestBatches}. */
    synchronized Map<Long, ProducerStateTable.NewestBatch> newestProducerBatches() {
        return producers == null ? Map.of() : producers.newestBatches();
    }

    /** Aborted transactions with records in {@code [from, to)}. */
    synchronized List<AbortedTransaction> abortedTransactions(long from, long to) {
        return transactions == null ? List.of() : transactions.abortedIn(from, to);
    }

    synchronized boolean isDeleted() {
        return deleted;
    }

    /** Marks the partition deleted and releases all its storage. */
    void delete() {
        List<Integer> released = new ArrayList<>();
        synchronized (this) {
            deleted = true;
            if (index != null) {
                for (int slot = index.firstSlot(); slot < index.endSlot(); slot++) {
                    int segment = Locations.segment(index.location(slot));
                    int next = slot + 1 < index.endSlot() ? Locations.segment(index.location(slot + 1)) : -1;
                    if (segment != next) {
                        released.add(segment);
                    }
                }
                index = null;
            }
            lastSegment = -1;
            sizeBytes = 0;
        }
        released.forEach(storage::release);
    }

    /** Size of a v2 record batch header: every entry of a partition log starts with one. */
    private static final int BATCH_HEADER_BYTES = 61;
    /** Batch attribute bits (record batch format v2). */
    private static final int TRANSACTIONAL_FLAG = 0x10;
    private static final int CONTROL_FLAG = 0x20;

    /** Replays one batch found in the shared log at startup; batches before the log start are skipped. */
    synchronized void recoverBatch(long location, int size, ByteBuffer head) {
        if (head.remaining() < BATCH_HEADER_BYTES) {
            return;
        }
        long baseOffset = head.getLong(0);
        int lastOffsetDelta = head.getInt(23);
        long lastOffset = baseOffset + lastOffsetDelta;
        long maxTimestamp = head.getLong(35);
        if (lastOffset < logStartOffset) {
            return;
        }
        if (baseOffset < logEndOffset && index != null) {
            // A copy the cleaner or the reorganiser wrote of a batch replayed before (skipped), or, when the
            // checkpoint was lost, of one whose original segment is gone: that one fills its gap in the index.
            if (index.insertIfGap(baseOffset, lastOffsetDelta, maxTimestamp, location, size)) {
                sizeBytes += size;
            }
            return;
        }
        short attributes = head.getShort(21);
        long producerId = head.getLong(43);
        short producerEpoch = head.getShort(51);
        int baseSequence = head.getInt(53);
        addToIndex(baseOffset, lastOffsetDelta, maxTimestamp, location, size);
        boolean transactional = (attributes & TRANSACTIONAL_FLAG) != 0;
        boolean control = (attributes & CONTROL_FLAG) != 0;
        if (producerId >= 0) {
            int lastSequence = baseSequence < 0 ? -1 : baseSequence > Integer.MAX_VALUE - lastOffsetDelta
                    ? lastOffsetDelta - (Integer.MAX_VALUE - baseSequence) - 1 : baseSequence + lastOffsetDelta;
            Marker marker = control ? markerOf(head) : null;
            if (!control || marker != null) {
                track(producerId, producerEpoch, baseSequence, lastSequence, baseOffset, maxTimestamp, transactional,
                        marker);
            }
        }
        logEndOffset = lastOffset + 1;
    }

    /**
     * The marker of a control batch from the first bytes of its entry: after the batch header come the one
     * record's length, attributes, timestamp delta, offset delta and key length (varints), then the key
     * (int16 version, int16 type) and the value (int16 version, int32 coordinator epoch). Null when the head
     * is too short or the control record is not a transaction marker.
     */
    private static Marker markerOf(ByteBuffer head) {
        try {
            ByteBuffer in = head.duplicate().position(BATCH_HEADER_BYTES);
            ByteUtils.readVarint(in); // record length
            in.get(); // attributes
            ByteUtils.readVarlong(in); // timestamp delta
            ByteUtils.readVarint(in); // offset delta
            int keyLength = ByteUtils.readVarint(in);
            if (keyLength < 4) {
                return null;
            }
            in.getShort(); // key version
            short type = in.getShort();
            in.position(in.position() + keyLength - 4);
            ByteUtils.readVarint(in); // value length
            in.getShort(); // value version
            int coordinatorEpoch = in.getInt();
            if (type == ControlRecordType.COMMIT.type() || type == ControlRecordType.ABORT.type()) {
                return new Marker(type == ControlRecordType.COMMIT.type(), coordinatorEpoch);
            }
            return null;
        } catch (RuntimeException truncated) {
            return null;
        }
    }

    /**
     * Writes this partition's state (offsets, index, producer and transaction state) for a checkpoint, as it is at
     * this moment; returns the location of its newest entry, or -1 if it has none. The caller must not publish the
     * checkpoint before that location is durable.
     */
    synchronized long writeCheckpoint(java.io.DataOutput out) throws java.io.IOException {
        out.writeLong(key);
        out.writeLong(logEndOffset);
        out.writeByte((index != null ? 1 : 0) | (producers != null ? 2 : 0) | (transactions != null ? 4 : 0)
                | (cleanedUpTo > 0 ? 8 : 0));
        if (index != null) {
            index.writeTo(out);
        }
        if (producers != null) {
            producers.writeTo(out);
        }
        if (transactions != null) {
            transactions.writeTo(out);
        }
        if (cleanedUpTo > 0) {
            out.writeLong(cleanedUpTo);
            out.writeLong(deleteHorizonMs);
        }
        return index == null || index.isEmpty() ? -1 : index.location(index.endSlot() - 1);
    }

    /** The state one partition wrote with {@link #writeCheckpoint}, read back. */
    record CheckpointedState(long key, long logEndOffset, BatchIndex index, ProducerStateTable producers,
                             TransactionIndex transactions, long cleanedUpTo, long deleteHorizonMs) {
        static CheckpointedState readFrom(CheckpointInput in) throws java.io.IOException {
            long key = in.readLong();
            long logEnd = in.readLong();
            int parts = in.readByte();
            BatchIndex index = (parts & 1) != 0 ? BatchIndex.readFrom(in) : null;
            ProducerStateTable producers = (parts & 2) != 0 ? ProducerStateTable.readFrom(in) : null;
            TransactionIndex transactions = (parts & 4) != 0 ? TransactionIndex.readFrom(in) : null;
            long cleanedUpTo = (parts & 8) != 0 ? in.readLong() : 0;
            long deleteHorizonMs = (parts & 8) != 0 ? in.readLong() : Long.MAX_VALUE;
            return new CheckpointedState(key, logEnd, index, producers, transactions, cleanedUpTo, deleteHorizonMs);
        }
    }

    /**
     * Takes the state of a checkpoint before recovery replays the entries after it (which {@link #recoverBatch}
     * then skips where the checkpoint already holds them). What retention removed since the checkpoint was taken
     * (the log start offset comes from the metadata store) is dropped here.
     */
    synchronized void restore(CheckpointedState state) {
        index = state.index();
        producers = state.producers();
        transactions = state.transactions();
        cleanedUpTo = state.cleanedUpTo();
        deleteHorizonMs = state.deleteHorizonMs(); // so that tombstones still go on time after a restart
        logEndOffset = Math.max(state.logEndOffset(), logStartOffset);
        sizeBytes = 0;
        lastSegment = -1;
        if (index != null) {
            index.trimBefore(index.slotContaining(logStartOffset));
            for (int slot = index.firstSlot(); slot < index.endSlot(); slot++) {
                sizeBytes += index.size(slot);
            }
            if (!index.isEmpty()) {
                lastSegment = Locations.segment(index.location(index.endSlot() - 1));
            }
        }
        if (transactions != null) {
            transactions.trimBefore(logStartOffset);
        }
        if (producers != null) {
            producers.forgetBefore(logStartOffset);
        }
    }

    /** Ends recovery: everything replayed is on disk, so it is all visible. */
    synchronized void finishRecovery() {
        if (index != null) {
            index.trimToSize();
            // Retained once per run of batches in a segment, as appends do; counted here rather than while replaying
            // because replay may insert a batch between others (a rewritten copy whose original segment is gone).
            index.segmentRuns().forEach((segment, runs) -> {
                for (int i = 0; i < runs; i++) {
                    storage.retain(segment);
                }
            });
            lastSegment = index.isEmpty() ? -1 : Locations.segment(index.location(index.endSlot() - 1));
        }
        if (index != null && !index.isEmpty() && index.baseOffset(index.firstSlot()) > logStartOffset) {
            logStartOffset = index.baseOffset(index.firstSlot());
        }
        logEndOffset = Math.max(logEndOffset, logStartOffset);
        highWatermark = logEndOffset;
        if (transactions != null) {
            // Markers replayed are on disk: their transactions are stable. Open ones still hold the LSO back.
            transactions.highWatermarkAdvanced(highWatermark);
            transactions.trimBefore(logStartOffset);
        }
    }

    @Override
    public String toString() {
        return name();
    }
}

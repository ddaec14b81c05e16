package io.spillway.log;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Idempotent and transactional producer state of one partition: per producer id, its epoch, the
 * sequence ranges of its last {@value #CACHED_BATCHES} batches (so a retried batch is recognised and
 * answered with its original offsets), the first offset of its open transaction here, and the
 * coordinator epoch of its last marker. Rebuilt at startup from the batch headers in the log, by the
 * same methods that maintain it live.
 *
 * <p>Not thread safe; guarded by the owning {@link PartitionLog}'s monitor.
 */
final class ProducerStateTable {
    /** As many batches as a producer may have in flight (max.in.flight.requests.per.connection = 5). */
    static final int CACHED_BATCHES = 5;

    /**
     * The first producer that wrote here, inline, and any others by id (null until a second one writes). Why not
     * one map: on a node with many topics most partitions see one producer, and a map with its boxed key and entry
     * would cost about three times the producer's own state.
     */
    private Producer first;
    private Map<Long, Producer> others;

    /** A producer as DescribeProducers reports it. */
    /** A producer's newest data batch here (its base offset, -1 when it has only markers here) and its epoch. */
    record NewestBatch(long baseOffset, short epoch) {
    }

    record ProducerView(long producerId, short epoch, int lastSequence, long lastTimestampMs, int coordinatorEpoch,
                        long currentTxnFirstOffset) {
    }

    /** The original first and last offsets of a retried batch, or null if it is new. */
    long[] findDuplicate(long producerId, short epoch, int firstSeq, int lastSeq) {
        Producer producer = get(producerId);
        if (producer == null || producer.epoch != epoch) {
            return null;
        }
        for (int i = 0; i < producer.count; i++) {
            if (producer.firstSeq(i) == firstSeq && producer.lastSeq(i) == lastSeq) {
                return new long[] {producer.firstOffset(i), producer.firstOffset(i) + (lastSeq - firstSeq)};
            }
        }
        return null;
    }

    /** Throws the error Kafka returns if a produced batch with this epoch and first sequence may not be appended now. */
    void check(String partition, long producerId, short epoch, int firstSeq, boolean transactional) {
        Producer producer = get(producerId);
        if (producer == null) {
            // No state for this producer here (new, or its batches were removed by retention): accept.
            return;
        }
        if (epoch < producer.epoch) {
            throw new InvalidProducerEpochException("Producer " + producerId + " on " + partition + " has epoch "
                    + epoch + " but the latest epoch is " + producer.epoch + "; an older producer instance was fenced");
        }
        if (!transactional && producer.currentTxnFirstOffset >= 0) {
            throw new InvalidTxnStateException("Producer " + producerId + " sent a non-transactional batch to "
                    + partition + " while its transaction that began at offset " + producer.currentTxnFirstOffset
                    + " is open");
        }
        if (epoch > producer.epoch || producer.count == 0) {
            // A new epoch (or the first batch after a marker bumped the epoch) must start over at sequence 0.
            if (firstSeq != 0 && (epoch > producer.epoch || producer.sequenceReset)) {
                throw new OutOfOrderSequenceException("Producer " + producerId + " on " + partition
                        + " started epoch " + epoch + " with sequence " + firstSeq + "; a new epoch must start at 0");
            }
            return;
        }
        int lastSeq = producer.lastSeq();
        if (!(firstSeq == lastSeq + 1 || (firstSeq == 0 && lastSeq == Integer.MAX_VALUE))) {
            int newest = (producer.next + CACHED_BATCHES - 1) % CACHED_BATCHES;
            throw new OutOfOrderSequenceException("Out of order sequence from producer " + producerId + " (epoch "
                    + epoch + ") on " + partition + ": expected " + (lastSeq + 1) + " but got " + firstSeq
                    + " (the last batch here had sequences " + producer.firstSeq(newest) + "-" + lastSeq
                    + " at offset " + producer.firstOffset(newest) + ")");
        }
    }

    /**
     * Notes a batch. Batches without sequence numbers (written by a coordinator) change only the epoch and
     * the last timestamp.
     */
    void record(long producerId, short epoch, int firstSeq, int lastSeq, long firstOffset, long timestampMs) {
        Producer producer = getOrCreate(producerId);
        if (epoch != producer.epoch) {
            producer.epoch = epoch;
            producer.count = 0;
            producer.next = 0;
        }
        producer.lastTimestampMs = Math.max(producer.lastTimestampMs, timestampMs);
        if (firstSeq < 0) {
            return;
        }
        producer.sequenceReset = false;
        producer.add(firstSeq, lastSeq, firstOffset);
    }

    /** The first offset of the producer's open transaction in this partition, or -1. */
    long openTransaction(long producerId) {
        Producer producer = get(producerId);
        return producer == null ? -1 : producer.currentTxnFirstOffset;
    }

    /** Whether the producer, at exactly this epoch, has a transaction open here. */
    boolean hasOpenTransaction(long producerId, short epoch) {
        Producer producer = get(producerId);
        return producer != null && producer.epoch == epoch && producer.currentTxnFirstOffset >= 0;
    }

    /** A transactional batch at {@code offset}: opens the producer's transaction here if none is open. */
    boolean beginTransactionIfNone(long producerId, long offset) {
        Producer producer = getOrCreate(producerId);
        if (producer.currentTxnFirstOffset >= 0) {
            return false;
        }
        producer.currentTxnFirstOffset = offset;
        return true;
    }

    /**
     * @throws InvalidProducerEpochException if the marker's epoch is older than the producer's: a newer
     *     producer instance has written since, and the old transaction cannot be completed any more
     */
    void checkMarker(String partition, long producerId, short epoch) {
        Producer producer = get(producerId);
        if (producer != null && epoch < producer.epoch) {
            throw new InvalidProducerEpochException("Transaction marker for producer " + producerId + " on " + partition
                    + " has epoch " + epoch + " but the producer's latest epoch here is " + producer.epoch);
        }
    }

    /**
     * A marker ends the producer's open transaction; returns its first offset, or -1 if none was open. A marker
     * with a newer epoch (transactions version 2 bumps the epoch on every commit or abort) fences batches of the
     * older epoch and makes the next batch start at sequence 0.
     */
    long endTransaction(long producerId, short epoch, int coordinatorEpoch, long timestampMs) {
        Producer producer = getOrCreate(producerId);
        if (epoch > producer.epoch) {
            producer.epoch = epoch;
            producer.count = 0;
            producer.next = 0;
            producer.sequenceReset = true;
        }
        producer.coordinatorEpoch = coordinatorEpoch;
        producer.lastTimestampMs = Math.max(producer.lastTimestampMs, timestampMs);
        long first = producer.currentTxnFirstOffset;
        producer.currentTxnFirstOffset = -1;
        return first;
    }

    /** Every producer with state here, for DescribeProducers. */
    List<ProducerView> view() {
        List<ProducerView> out = new ArrayList<>();
        if (first != null) {
            out.add(first.view());
        }
        if (others != null) {
            others.values().forEach(p -> out.add(p.view()));
        }
        return out;
    }

    /**
     * Forgets the producers whose newest batch here lies wholly before {@code logStartOffset}, as Kafka does when its
     * log start moves: their batches are gone, so their next batch is taken as from a producer new here (a retry of
     * a batch that old is no longer recognised). Producers with a transaction open here, or whose state has no batch
     * (only markers: their epoch still fences older instances), are kept.
     */
    void forgetBefore(long logStartOffset) {
        if (first != null && first.goneBefore(logStartOffset)) {
            first = null; // the next new producer takes the inline slot (get looks in both)
        }
        if (others != null) {
            others.values().removeIf(p -> p.goneBefore(logStartOffset));
            if (others.isEmpty()) {
                others = null;
            }
        }
    }

    int size() {
        return (first == null ? 0 : 1) + (others == null ? 0 : others.size());
    }

    /**
     * Per producer, the base offset of its newest data batch here (-1 when it has only markers here) and its epoch:
     * the cleaner keeps that batch (or the producer's markers of that epoch), if only as an empty batch, so that the
     * producer's sequence and epoch can be rebuilt from the log.
     */
    Map<Long, NewestBatch> newestBatches() {
        Map<Long, NewestBatch> out = new HashMap<>();
        if (first != null) {
            out.put(first.id, first.newestBatch());
        }
        if (others != null) {
            others.values().forEach(p -> out.put(p.id, p.newestBatch()));
        }
        return out;
    }

    /** Writes every producer's state for a checkpoint. */
    void writeTo(java.io.DataOutput out) throws java.io.IOException {
        out.writeInt(size());
        if (first != null) {
            first.writeTo(out);
        }
        if (others != null) {
            for (Producer p : others.values()) {
                p.writeTo(out);
            }
        }
    }

    /** Reads what {@link #writeTo} wrote. */
    static ProducerStateTable readFrom(CheckpointInput in) throws java.io.IOException {
        ProducerStateTable table = new ProducerStateTable();
        int count = in.count(Producer.MIN_BYTES);
        for (int i = 0; i < count; i++) {
            Producer p = Producer.readFrom(in);
            if (table.first == null) {
                table.first = p;
            } else {
                if (table.others == null) {
                    table.others = new HashMap<>();
                }
                table.others.put(p.id, p);
            }
        }
        return table;
    }

    private Producer get(long producerId) {
        if (first != null && first.id == producerId) {
            return first;
        }
        return others == null ? null : others.get(producerId);
    }

    private Producer getOrCreate(long producerId) {
        Producer producer = get(producerId);
        if (producer != null) {
            return producer;
        }
        producer = new Producer(producerId);
        if (first == null) {
            first = producer;
        } else {
            if (others == null) {
                others = new HashMap<>();
            }
            others.put(producerId, producer);
        }
        return producer;
    }

    private static final class Producer {
        final long id;
        short epoch = -1;
        /**
         * The cached batches as pairs (first sequence in the high and last sequence in the low 32 bits, first
         * offset), a ring of {@value #CACHED_BATCHES} once full; allocated on the first batch and grown one pair at
         * a time before that, so a producer with one batch here holds one pair.
         */
        long[] batches;
        int count;
        int next;
        /** A marker bumped the epoch: the next batch must start at sequence 0. */
        boolean sequenceReset;
        long currentTxnFirstOffset = -1;
        int coordinatorEpoch = -1;
        long lastTimestampMs = -1;

        Producer(long id) {
            this.id = id;
        }

        static final int MIN_BYTES = 8 + 2 + 4 + 4 + 1 + 8 + 4 + 8 + 4;

        void writeTo(java.io.DataOutput out) throws java.io.IOException {
            out.writeLong(id);
            out.writeShort(epoch);
            out.writeInt(count);
            out.writeInt(next);
            out.writeBoolean(sequenceReset);
            out.writeLong(currentTxnFirstOffset);
            out.writeInt(coordinatorEpoch);
            out.writeLong(lastTimestampMs);
            int length = batches == null ? 0 : batches.length;
            out.writeInt(length);
            for (int i = 0; i < length; i++) {
                out.writeLong(batches[i]);
            }
        }

        static Producer readFrom(CheckpointInput in) throws java.io.IOException {
            Producer p = new Producer(in.readLong());
            p.epoch = in.readShort();
            p.count = in.readInt();
            p.next = in.readInt();
            p.sequenceReset = in.readByte() != 0;
            p.currentTxnFirstOffset = in.readLong();
            p.coordinatorEpoch = in.readInt();
            p.lastTimestampMs = in.readLong();
            int length = in.count(Long.BYTES);
            if (length > 2 * CACHED_BATCHES || length % 2 != 0 || p.count < 0 || p.count > length / 2
                    || p.next < 0 || (length > 0 && p.next >= CACHED_BATCHES)) {
                throw new IllegalStateException("corrupt producer state for producer " + p.id);
            }
            if (length > 0) {
                p.batches = new long[length];
                in.readLongs(p.batches, length);
            }
            return p;
        }

        void add(int firstSeq, int lastSeq, long firstOffset) {
            if (batches == null || (next * 2 == batches.length && batches.length < 2 * CACHED_BATCHES)) {
                // not yet a full ring, so next == count and the pairs in use are 0 .. count-1
                long[] grown = new long[2 * Math.min(CACHED_BATCHES, batches == null ? 1 : batches.length)];
                if (batches != null) {
                    System.arraycopy(batches, 0, grown, 0, batches.length);
                }
                batches = grown;
            }
            batches[2 * next] = ((long) firstSeq << 32) | (lastSeq & 0xFFFFFFFFL);
            batches[2 * next + 1] = firstOffset;
            next = (next + 1) % CACHED_BATCHES;
            count = Math.min(CACHED_BATCHES, count + 1);
        }

        int firstSeq(int i) {
            return (int) (batches[2 * i] >> 32);
        }

        int lastSeq(int i) {
            return (int) batches[2 * i];
        }

        long firstOffset(int i) {
            return batches[2 * i + 1];
        }

        int lastSeq() {
            return lastSeq((next + CACHED_BATCHES - 1) % CACHED_BATCHES);
        }

        /** Whether every batch of this producer here ends before {@code offset} (and none of its transactions is open). */
        boolean goneBefore(long offset) {
            if (count == 0 || currentTxnFirstOffset >= 0) {
                return false;
            }
            int newest = (next + CACHED_BATCHES - 1) % CACHED_BATCHES;
            int first = firstSeq(newest);
            int last = lastSeq(newest);
            long records = last >= first ? (long) last - first + 1 : (long) Integer.MAX_VALUE - first + last + 2;
            return firstOffset(newest) + records - 1 < offset;
        }

        NewestBatch newestBatch() {
            return new NewestBatch(count == 0 ? -1 : firstOffset((next + CACHED_BATCHES - 1) % CACHED_BATCHES), epoch);
        }

        ProducerView view() {
            return new ProducerView(id, epoch, count == 0 ? -1 : lastSeq(), lastTimestampMs, coordinatorEpoch,
                    currentTxnFirstOffset);
        }
    }
}

package io.spillway.bench;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the consumers of a share group got, counted by (partition, offset): a share group promises each record to one
 * consumer at a time, and with every delivery acknowledged none should come twice, so the consume workload stops at
 * the first moment every record arrived once and reports any record delivered more than once. One topic; offsets
 * below 2^31 (a bench topic holds far fewer records per partition).
 *
 * <p>Also keeps the two moments the throughput is measured between: the warm-up's end, when {@code warmupRecords}
 * distinct records had arrived and every consumer had received some (joining the group, which takes a consumer a
 * heartbeat or two, and the consumers' JIT are behind by then), and when all {@code expectedRecords} had arrived.
 *
 * <p>Thread safe: the consumers' threads add their batches, another thread reads the counts.
 */
final class DeliveryTally {

    /** The counts and moments at one point in time. */
    record Snapshot(long distinct, long bytes, long deliveries, long duplicates, long firstNanos, long warmedUpNanos,
                    long warmupRecords, long warmupBytes, long completeNanos, List<Long> perConsumer) {
        boolean complete() {
            return completeNanos >= 0;
        }

        /** Whether records arrived after the warm-up, so that there is a window to measure. */
        boolean measured() {
            return warmedUpNanos >= 0 && distinct > warmupRecords;
        }

        /** How many consumers received at least one record. */
        long consumersDelivering() {
            return perConsumer.stream().filter(n -> n > 0).count();
        }
    }

    private final long expectedRecords;
    private final long warmupRecords;
    private final Map<Integer, BitSet> seen = new HashMap<>();
    /** Distinct records each consumer received first. */
    private final long[] perConsumer;
    private int consumersDelivering;
    private long distinct;
    private long bytes;
    private long deliveries;
    private long duplicates;
    private long firstNanos = -1;
    private long warmedUpNanos = -1;
    private long warmupDistinct;
    private long warmupBytes;
    private long completeNanos = -1;

    /**
     * @param expectedRecords how many distinct records complete the run
     * @param warmupRecords   distinct records after which the measured window may start (0: after the first poll
     *                        that returned records)
     * @param consumers       consumers that each must have received a record before the measured window starts
     */
    DeliveryTally(long expectedRecords, long warmupRecords, int consumers) {
        if (expectedRecords < 1 || warmupRecords < 0 || warmupRecords >= expectedRecords || consumers < 1) {
            throw new IllegalArgumentException("expected " + expectedRecords + " records, warm-up " + warmupRecords
                    + ", " + consumers + " consumers");
        }
        this.expectedRecords = expectedRecords;
        this.warmupRecords = warmupRecords;
        this.perConsumer = new long[consumers];
    }

    /**
     * The records of one poll by {@code consumer} (0-based), received at {@code nowNanos}: one lock for the batch,
     * which belongs to the warm-up or the window as a whole.
     */
    synchronized void addAll(int consumer, Iterable<? extends ConsumerRecord<?, ?>> records, long nowNanos) {
        for (ConsumerRecord<?, ?> r : records) {
            record(consumer, r.partition(), r.offset(),
                    Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize()), nowNanos);
        }
        endWarmupIfDone(nowNanos);
    }

    /**
     * A poll that returned one record of {@code size} bytes (key + value) to {@code consumer} (0-based) at
     * {@code nowNanos}.
     *
     * @return whether it was the first delivery of that record
     */
    synchronized boolean add(int consumer, int partition, long offset, int size, long nowNanos) {
        boolean first = record(consumer, partition, offset, size, nowNanos);
        endWarmupIfDone(nowNanos);
        return first;
    }

    /** The window starts after the poll that completed the warm-up: the records of that poll are part of it. */
    private void endWarmupIfDone(long nowNanos) {
        if (warmedUpNanos < 0 && distinct >= warmupRecords && consumersDelivering == perConsumer.length) {
            warmedUpNanos = nowNanos;
            warmupDistinct = distinct;
            warmupBytes = bytes;
        }
    }

    private boolean record(int consumer, int partition, long offset, int size, long nowNanos) {
        if (offset < 0 || offset > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + offset + " of partition " + partition + " out of range");
        }
        deliveries++;
        if (firstNanos < 0) {
            firstNanos = nowNanos;
        }
        BitSet offsets = seen.computeIfAbsent(partition, p -> new BitSet());
        if (offsets.get((int) offset)) {
            duplicates++;
            return false;
        }
        offsets.set((int) offset);
        if (perConsumer[consumer]++ == 0) {
            consumersDelivering++;
        }
        distinct++;
        bytes += size;
        if (distinct == expectedRecords) {
            completeNanos = nowNanos;
        }
        return true;
    }

    synchronized boolean complete() {
        return completeNanos >= 0;
    }

    synchronized Snapshot snapshot() {
        List<Long> counts = new ArrayList<>();
        for (long n : perConsumer) {
            counts.add(n);
        }
        return new Snapshot(distinct, bytes, deliveries, duplicates, firstNanos, warmedUpNanos, warmupDistinct, warmupBytes,
                completeNanos, List.copyOf(counts));
    }
}

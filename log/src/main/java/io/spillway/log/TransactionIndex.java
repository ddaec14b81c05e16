package io.spillway.log;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The transactions of one partition that read_committed consumers must know about: those not yet
 * stable (still open, or decided by a marker that is not yet durable), which hold the last stable
 * offset back, and those aborted, which fetches report so that consumers drop their records.
 *
 * <p>Built the same way live and at recovery: from each transactional batch and each marker in offset
 * order, so after a restart every transaction without a durable marker still holds the LSO back.
 * Not thread safe; owned by its {@link PartitionLog} and guarded by its monitor. Created on the
 * first transactional batch, so partitions without transactions pay nothing.
 */
final class TransactionIndex {
    /** A transaction that holds the LSO: open ({@code markerOffset} -1) or with a marker not yet below the HW. */
    private static final class Unstable {
        final long producerId;
        long markerOffset = -1;

        Unstable(long producerId) {
            this.producerId = producerId;
        }
    }

    /** By first offset. */
    private final TreeMap<Long, Unstable> unstable = new TreeMap<>();
    /** In marker (last offset) order, which is append order. */
    private final List<AbortedTransaction> aborted = new ArrayList<>();

    /** A producer's first transactional batch of a transaction starts at {@code firstOffset}. */
    void begin(long producerId, long firstOffset) {
        unstable.put(firstOffset, new Unstable(producerId));
    }

    /**
     * The marker at {@code markerOffset} ends the producer's transaction that began at {@code firstOffset}
     * (or the marker's own offset when it had no records here).
     */
    void end(long producerId, long firstOffset, long markerOffset, boolean abort) {
        Unstable txn = unstable.get(firstOffset);
        if (txn != null && txn.producerId == producerId) {
            txn.markerOffset = markerOffset;
        }
        if (abort) {
            aborted.add(new AbortedTransaction(producerId, firstOffset, markerOffset));
        }
    }

    /** Transactions whose marker is now below the high watermark are stable. */
    void highWatermarkAdvanced(long highWatermark) {
        Iterator<Unstable> it = unstable.values().iterator();
        while (it.hasNext()) {
            Unstable txn = it.next();
            if (txn.markerOffset >= 0 && txn.markerOffset < highWatermark) {
                it.remove();
            }
        }
    }

    /** The first offset of the oldest transaction not yet stable, or {@link Long#MAX_VALUE} when none. */
    long firstUnstableOffset() {
        return unstable.isEmpty() ? Long.MAX_VALUE : unstable.firstKey();
    }

    /** Open transactions: producer id by first offset (DescribeProducers, tests). */
    Map<Long, Long> openTransactions() {
        Map<Long, Long> open = new TreeMap<>();
        unstable.forEach((first, txn) -> {
            if (txn.markerOffset < 0) {
                open.put(first, txn.producerId);
            }
        });
        return open;
    }

    /** Aborted transactions with records in {@code [fromOffset, upperBoundOffset)}, as Kafka selects them. */
    List<AbortedTransaction> abortedIn(long fromOffset, long upperBoundOffset) {
        List<AbortedTransaction> out = new ArrayList<>();
        // Markers come in offset order, so the ones ending before fromOffset form a prefix: skip it by search.
        int lo = 0;
        int hi = aborted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (aborted.get(mid).lastOffset() < fromOffset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (int i = lo; i < aborted.size(); i++) {
            AbortedTransaction txn = aborted.get(i);
            if (txn.firstOffset() < upperBoundOffset) {
                out.add(txn);
            }
        }
        return out;
    }

    /** Forgets aborted transactions that ended before the log start (their records are gone). */
    void trimBefore(long logStartOffset) {
        int drop = 0;
        while (drop < aborted.size() && aborted.get(drop).lastOffset() < logStartOffset) {
            drop++;
        }
        if (drop > 0) {
            aborted.subList(0, drop).clear();
        }
    }

    /** Writes the unstable and aborted transactions for a checkpoint. */
    void writeTo(java.io.DataOutput out) throws java.io.IOException {
        out.writeInt(unstable.size());
        for (Map.Entry<Long, Unstable> e : unstable.entrySet()) {
            out.writeLong(e.getKey());
            out.writeLong(e.getValue().producerId);
            out.writeLong(e.getValue().markerOffset);
        }
        out.writeInt(aborted.size());
        for (AbortedTransaction txn : aborted) {
            out.writeLong(txn.producerId());
            out.writeLong(txn.firstOffset());
            out.writeLong(txn.lastOffset());
        }
    }

    /** Reads what {@link #writeTo} wrote. */
    static TransactionIndex readFrom(CheckpointInput in) throws java.io.IOException {
        TransactionIndex index = new TransactionIndex();
        int unstableCount = in.count(3 * Long.BYTES);
        for (int i = 0; i < unstableCount; i++) {
            long firstOffset = in.readLong();
            Unstable txn = new Unstable(in.readLong());
            txn.markerOffset = in.readLong();
            index.unstable.put(firstOffset, txn);
        }
        int abortedCount = in.count(3 * Long.BYTES);
        for (int i = 0; i < abortedCount; i++) {
            index.aborted.add(new AbortedTransaction(in.readLong(), in.readLong(), in.readLong()));
        }
        return index;
    }

    boolean isEmpty() {
        return unstable.isEmpty() && aborted.isEmpty();
    }
}

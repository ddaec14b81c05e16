package io.spillway.broker.share;

import io.spillway.coordinator.share.DeliveryState;
import io.spillway.coordinator.share.SharePartitionState;
import io.spillway.coordinator.share.SharePartitionState.StateBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The in-flight records of one share-partition: from the start offset (everything before it is done) up to the
 * end offset (the first offset never fetched), the delivery state, delivery count and lock holder of each offset.
 * Pure state, no I/O: {@link SharePartition} feeds it the batches it reads from the log and stores what
 * {@link #toState} gives. Offsets are kept one by one (a byte, a short and an int each) because acknowledgements
 * arrive per record and out of order; the window is bounded by {@code share.partition.max.record.locks} (plus the
 * last batch fetched), so its arrays stay small.
 *
 * <p>Not thread safe: its {@link SharePartition} guards it.
 */
final class InFlightRecords {
    /** Lock holder of an offset that no consumer holds. */
    private static final int NO_LOCK = 0;

    private long start;
    private long end;
    /** Offset of index 0 of the arrays; at or before {@link #start}. */
    private long base;
    private byte[] states = new byte[64];
    private short[] counts = new short[64];
    private int[] locks = new int[64];
    private final Map<Integer, Lock> locksById = new HashMap<>();
    private int nextLockId = 1;

    /** An acquisition: the member holding some offsets, until when, and how many offsets it still holds. */
    static final class Lock {
        private final int id;
        private final String memberId;
        private final long deadlineMs;
        private int held;

        Lock(int id, String memberId, long deadlineMs) {
            this.id = id;
            this.memberId = memberId;
            this.deadlineMs = deadlineMs;
        }

        int id() {
            return id;
        }

        String memberId() {
            return memberId;
        }

        long deadlineMs() {
            return deadlineMs;
        }
    }

    /** One range of offsets handed out by an acquisition, with its (highest) delivery count. */
    record AcquiredRange(long firstOffset, long lastOffset, short deliveryCount) {
    }

    /** What one acknowledgement type does to an acquired offset. */
    enum AckType {
        GAP, ACCEPT, RELEASE, REJECT, RENEW;

        /** By wire id (the ordinal); values() would copy the array for every offset acknowledged. */
        private static final AckType[] BY_ID = values();

        static AckType fromId(byte id) {
            return id < 0 || id >= BY_ID.length ? null : BY_ID[id];
        }
    }

    InFlightRecords(SharePartitionState state) {
        this.start = state.startOffset();
        this.base = start;
        this.end = start;
        for (StateBatch b : state.batches()) {
            if (b.lastOffset() < start) {
                continue;
            }
            long first = Math.max(b.firstOffset(), start);
            grow(b.lastOffset() + 1);
            for (long o = first; o <= b.lastOffset(); o++) {
                DeliveryState s = b.state() == DeliveryState.ACQUIRED ? DeliveryState.AVAILABLE : b.state();
                states[index(o)] = s.id();
                counts[index(o)] = b.deliveryCount();
            }
        }
        advanceStart();
    }

    long startOffset() {
        return start;
    }

    long endOffset() {
        return end;
    }

    /** Records between the start and end offsets (what share.partition.max.record.locks bounds). */
    long window() {
        return end - start;
    }

    DeliveryState state(long offset) {
        if (offset < start) {
            return DeliveryState.ACKNOWLEDGED;
        }
        if (offset >= end) {
            return DeliveryState.AVAILABLE;
        }
        return DeliveryState.fromId(states[index(offset)]);
    }

    short deliveryCount(long offset) {
        return offset >= start && offset < end ? counts[index(offset)] : 0;
    }

    /** The member holding the offset's lock, or null. */
    String holder(long offset) {
        if (offset < start || offset >= end) {
            return null;
        }
        Lock lock = locksById.get(locks[index(offset)]);
        return lock == null ? null : lock.memberId();
    }

    /** The first AVAILABLE offset before the end offset, or -1. */
    long firstAvailable() {
        for (long o = start; o < end; o++) {
            if (states[index(o)] == DeliveryState.AVAILABLE.id()) {
                return o;
            }
        }
        return -1;
    }

    /** Whether any offset is held by a consumer. */
    boolean hasLocks() {
        return !locksById.isEmpty();
    }

    /** The earliest lock deadline, or Long.MAX_VALUE. */
    long earliestDeadline() {
        long earliest = Long.MAX_VALUE;
        for (Lock lock : locksById.values()) {
            earliest = Math.min(earliest, lock.deadlineMs());
        }
        return earliest;
    }

    /** Starts an acquisition by {@code memberId}; offsets are added to it with {@link #acquire}. */
    Lock newLock(String memberId, long deadlineMs) {
        Lock lock = new Lock(nextLockId++, memberId, deadlineMs);
        if (nextLockId == Integer.MAX_VALUE) {
            nextLockId = 1;
        }
        locksById.put(lock.id(), lock);
        return lock;
    }

    /** Drops a lock that got no offsets. */
    void dropIfUnused(Lock lock) {
        if (lock.held == 0) {
            locksById.remove(lock.id());
        }
    }

    /**
     * Acquires {@code offset} for the lock if it can be: an AVAILABLE offset in the window, or a new one at the end
     * offset (which then moves on). Returns its new delivery count, or -1 if it is not available.
     */
    short acquire(long offset, Lock lock) {
        if (offset < start) {
            return -1;
        }
        if (offset >= end) {
            // Offsets skipped in the log (removed by compaction): nothing to deliver there.
            archiveFrom(end, offset);
            grow(offset + 1);
        }
        int i = index(offset);
        if (states[i] != DeliveryState.AVAILABLE.id()) {
            return -1;
        }
        states[i] = DeliveryState.ACQUIRED.id();
        counts[i] = (short) Math.min(Short.MAX_VALUE, counts[i] + 1);
        locks[i] = lock.id();
        lock.held++;
        return counts[i];
    }

    /**
     * Marks an offset that holds nothing to deliver (a transaction marker, an aborted transaction's record) as
     * ARCHIVED if it is still AVAILABLE; a new offset moves the end offset on.
     */
    void archiveUndeliverable(long offset) {
        if (offset < start) {
            return;
        }
        if (offset >= end) {
            archiveFrom(end, offset);
            grow(offset + 1);
        }
        int i = index(offset);
        if (states[i] == DeliveryState.AVAILABLE.id()) {
            states[i] = DeliveryState.ARCHIVED.id();
        }
    }

    /** Moves the end offset from {@code from} to {@code to}, the offsets between ARCHIVED. */
    private void archiveFrom(long from, long to) {
        if (to > from) {
            grow(to);
            for (long o = from; o < to; o++) {
                states[index(o)] = DeliveryState.ARCHIVED.id();
            }
        }
    }

    /** The log lost offsets before {@code logStart} (retention, DeleteRecords): they can no longer be delivered. */
    void skipTo(long logStart) {
        if (logStart <= start) {
            return;
        }
        for (long o = start; o < Math.min(end, logStart); o++) {
            int i = index(o);
            releaseLockOf(i);
            states[i] = DeliveryState.ARCHIVED.id();
        }
        if (end < logStart) {
            grow(logStart);
            for (long o = start; o < logStart; o++) {
                states[index(o)] = DeliveryState.ARCHIVED.id();
            }
        }
        advanceStart();
    }

    /**
     * Checks acknowledgement batches of one member without applying them.
     *
     * @return null when they may be applied, else why not
     */
    String checkAcknowledgement(String memberId, long first, long last, byte[] types, boolean renewAllowed) {
        if (first > last || types.length == 0 || (types.length != 1 && types.length != last - first + 1)) {
            return "acknowledgement batch " + first + ".." + last + " with " + types.length + " types is malformed";
        }
        for (byte t : types) {
            AckType type = AckType.fromId(t);
            if (type == null) {
                return "unknown acknowledge type " + t;
            }
            if (type == AckType.RENEW && !renewAllowed) {
                return "RENEW acknowledgements need share.renew.acknowledge.enable and ShareFetch/ShareAcknowledge v2"
                        + " with IsRenewAck";
            }
        }
        for (long o = first; o <= last; o++) {
            if (o < start || o >= end || states[index(o)] != DeliveryState.ACQUIRED.id()) {
                return "offset " + o + " is not acquired (state " + state(o) + ")";
            }
            Lock lock = locksById.get(locks[index(o)]);
            if (lock == null || !lock.memberId().equals(memberId)) {
                return "offset " + o + " is acquired by another member";
            }
        }
        return null;
    }

    /** True when the type is malformed input rather than a state mismatch (INVALID_REQUEST, not INVALID_RECORD_STATE). */
    static boolean isMalformed(long first, long last, byte[] types, boolean renewAllowed) {
        if (first > last || types.length == 0 || (types.length != 1 && types.length != last - first + 1)) {
            return true;
        }
        for (byte t : types) {
            AckType type = AckType.fromId(t);
            if (type == null || (type == AckType.RENEW && !renewAllowed)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Applies a checked acknowledgement batch.
     *
     * @param renewLock the lock renewed offsets move to (a new deadline), created by the caller when needed
     * @param released called with each offset made AVAILABLE again
     */
    void acknowledge(long first, long last, byte[] types, int deliveryLimit, Lock renewLock, LongConsumer released) {
        for (long o = first; o <= last; o++) {
            AckType type = AckType.fromId(types.length == 1 ? types[0] : types[(int) (o - first)]);
            int i = index(o);
            switch (type) {
                case ACCEPT -> finish(i, DeliveryState.ACKNOWLEDGED);
                case GAP, REJECT -> finish(i, DeliveryState.ARCHIVED);
                case RELEASE -> {
                    if (release(i, deliveryLimit)) {
                        released.accept(o);
                    }
                }
                case RENEW -> {
                    releaseLockOf(i);
                    locks[i] = renewLock.id();
                    renewLock.held++;
                }
            }
        }
        advanceStart();
    }

    /** Releases the offsets of every lock whose deadline has passed; returns how many became AVAILABLE. */
    int expire(long nowMs, int deliveryLimit) {
        List<Integer> expired = new ArrayList<>();
        for (Lock lock : locksById.values()) {
            if (lock.deadlineMs() <= nowMs) {
                expired.add(lock.id());
            }
        }
        return expired.isEmpty() ? 0 : releaseWhere(id -> expired.contains(id), deliveryLimit);
    }

    /** Releases every offset {@code memberId} holds (its session closed, it left the group). */
    int releaseMember(String memberId, int deliveryLimit) {
        List<Integer> ids = new ArrayList<>();
        for (Lock lock : locksById.values()) {
            if (lock.memberId().equals(memberId)) {
                ids.add(lock.id());
            }
        }
        return ids.isEmpty() ? 0 : releaseWhere(ids::contains, deliveryLimit);
    }

    private interface LockFilter {
        boolean test(int lockId);
    }

    private int releaseWhere(LockFilter filter, int deliveryLimit) {
        int available = 0;
        for (long o = start; o < end; o++) {
            int i = index(o);
            if (states[i] == DeliveryState.ACQUIRED.id() && filter.test(locks[i])) {
                if (release(i, deliveryLimit)) {
                    available++;
                }
            }
        }
        advanceStart();
        return available;
    }

    /** An acquired offset goes back: AVAILABLE, or ARCHIVED once delivered {@code deliveryLimit} times. */
    private boolean release(int i, int deliveryLimit) {
        boolean again = counts[i] < deliveryLimit;
        finish(i, again ? DeliveryState.AVAILABLE : DeliveryState.ARCHIVED);
        return again;
    }

    private void finish(int i, DeliveryState state) {
        states[i] = state.id();
        releaseLockOf(i);
    }

    private void releaseLockOf(int i) {
        int old = locks[i];
        locks[i] = NO_LOCK;
        dropHold(old);
    }

    private void dropHold(int lockId) {
        Lock lock = lockId == NO_LOCK ? null : locksById.get(lockId);
        if (lock != null && --lock.held <= 0) {
            locksById.remove(lockId);
        }
    }

    /** Moves the start offset past the leading offsets that are done. */
    private void advanceStart() {
        while (start < end && DeliveryState.fromId(states[index(start)]).isTerminal()) {
            start++;
        }
        if (start == end) {
            // Nothing in flight: forget the arrays' contents.
            base = start;
            Arrays.fill(states, (byte) 0);
            Arrays.fill(counts, (short) 0);
            Arrays.fill(locks, NO_LOCK);
        } else if (start - base > states.length / 2) {
            compact();
        }
    }

    /** The state to store: ranges of equal state and count from the start offset; ACQUIRED is stored AVAILABLE. */
    SharePartitionState toState(int stateEpoch) {
        List<StateBatch> batches = new ArrayList<>();
        long runStart = -1;
        DeliveryState runState = null;
        short runCount = 0;
        for (long o = start; o <= end; o++) {
            DeliveryState s = null;
            short c = 0;
            if (o < end) {
                s = DeliveryState.fromId(states[index(o)]);
                s = s == DeliveryState.ACQUIRED ? DeliveryState.AVAILABLE : s;
                c = counts[index(o)];
            }
            if (runState != null && (s != runState || c != runCount)) {
                if (!(runState == DeliveryState.AVAILABLE && runCount == 0)) {
                    batches.add(new StateBatch(runStart, o - 1, runState, runCount));
                }
                runState = null;
            }
            if (s != null && runState == null) {
                runStart = o;
                runState = s;
                runCount = c;
            }
        }
        return new SharePartitionState(stateEpoch, start, batches);
    }

    private int index(long offset) {
        return (int) (offset - base);
    }

    /** Makes room up to {@code newEnd} (exclusive) and moves the end offset there; new offsets are AVAILABLE. */
    private void grow(long newEnd) {
        if (newEnd <= end) {
            return;
        }
        long needed = newEnd - base;
        if (needed > states.length) {
            if (start - base > 0) {
                compact();
                needed = newEnd - base;
            }
            if (needed > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("share-partition window too large: " + needed);
            }
            int capacity = states.length;
            while (capacity < needed) {
                capacity = Math.min(Integer.MAX_VALUE - 8, capacity * 2);
            }
            states = Arrays.copyOf(states, capacity);
            counts = Arrays.copyOf(counts, capacity);
            locks = Arrays.copyOf(locks, capacity);
        }
        end = newEnd;
    }

    /** Shifts the arrays so that index 0 is the start offset. */
    private void compact() {
        int shift = (int) (start - base);
        int live = (int) (end - start);
        System.arraycopy(states, shift, states, 0, live);
        System.arraycopy(counts, shift, counts, 0, live);
        System.arraycopy(locks, shift, locks, 0, live);
        Arrays.fill(states, live, states.length, (byte) 0);
        Arrays.fill(counts, live, counts.length, (short) 0);
        Arrays.fill(locks, live, locks.length, NO_LOCK);
        base = start;
    }
}

package io.spillway.log;

/**
 * Offset index of one partition: one slot per stored record batch, in offset order, packed four
 * longs to a slot in a single array (32 bytes a batch, no object per batch). Slots before {@code first}
 * were trimmed by retention and are reclaimed when the array is compacted.
 *
 * <p>Why one array sized from one slot up: most partitions of a node with many topics hold a handful
 * of batches, and each separate array costs a 16-byte header plus rounding. A partition with one batch
 * costs 48 bytes of index this way instead of about 200 with five parallel arrays of four slots.
 *
 * <p>Not thread safe; owned by its {@link PartitionLog}, which guards it with its monitor.
 */
final class BatchIndex {
    private static final int STRIDE = 4;
    private static final int BASE_OFFSET = 0;
    private static final int MAX_TIMESTAMP = 1;
    private static final int LOCATION = 2;
    /** High 32 bits: last offset delta; low 32 bits: size in bytes. */
    private static final int DELTA_AND_SIZE = 3;

    private long[] slots;
    private int first;
    private int end;

    BatchIndex() {
        this(1);
    }

    BatchIndex(int capacity) {
        slots = new long[capacity * STRIDE];
    }

    void add(long baseOffset, int lastOffsetDelta, long maxTimestamp, long location, int sizeBytes) {
        if (end * STRIDE == slots.length) {
            grow();
        }
        int at = end * STRIDE;
        slots[at + BASE_OFFSET] = baseOffset;
        slots[at + MAX_TIMESTAMP] = maxTimestamp;
        slots[at + LOCATION] = location;
        slots[at + DELTA_AND_SIZE] = ((long) lastOffsetDelta << 32) | (sizeBytes & 0xFFFFFFFFL);
        end++;
    }

    private void grow() {
        int live = end - first;
        int capacity = Math.max(1, live * 2);
        if (first > 0 && live <= capacity() / 2) {
            capacity = capacity(); // trimmed slots free enough room: compact in place of growing
        }
        long[] copy = new long[capacity * STRIDE];
        System.arraycopy(slots, first * STRIDE, copy, 0, live * STRIDE);
        slots = copy;
        end = live;
        first = 0;
    }

    /**
     * Shrinks the array to the live slots (after recovery, where doubling on the way up left up to half of it
     * unused: at a million partitions of ten batches each, about 190 MB).
     */
    void trimToSize() {
        int live = end - first;
        if (capacity() > Math.max(1, live)) {
            long[] exact = new long[Math.max(1, live) * STRIDE];
            System.arraycopy(slots, first * STRIDE, exact, 0, live * STRIDE);
            slots = exact;
            first = 0;
            end = live;
        }
    }

    private int capacity() {
        return slots.length / STRIDE;
    }

    /** Slot numbers run from {@link #firstSlot()} (inclusive) to {@link #endSlot()} (exclusive). */
    int firstSlot() {
        return first;
    }

    int endSlot() {
        return end;
    }

    boolean isEmpty() {
        return first == end;
    }

    long baseOffset(int slot) {
        return slots[slot * STRIDE + BASE_OFFSET];
    }

    long lastOffset(int slot) {
        return baseOffset(slot) + (int) (slots[slot * STRIDE + DELTA_AND_SIZE] >> 32);
    }

    long maxTimestamp(int slot) {
        return slots[slot * STRIDE + MAX_TIMESTAMP];
    }

    long location(int slot) {
        return slots[slot * STRIDE + LOCATION];
    }

    int size(int slot) {
        return (int) slots[slot * STRIDE + DELTA_AND_SIZE];
    }

    /** The first slot whose last offset is at least {@code offset}, or {@link #endSlot()} if none. */
    int slotContaining(long offset) {
        int lo = first;
        int hi = end;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (lastOffset(mid) < offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Writes the live slots for a checkpoint: their count, then four longs each. */
    void writeTo(java.io.DataOutput out) throws java.io.IOException {
        out.writeInt(end - first);
        for (int i = first * STRIDE; i < end * STRIDE; i++) {
            out.writeLong(slots[i]);
        }
    }

    /** Reads what {@link #writeTo} wrote, sized exactly. */
    static BatchIndex readFrom(CheckpointInput in) throws java.io.IOException {
        int count = in.count(STRIDE * Long.BYTES);
        BatchIndex index = new BatchIndex(Math.max(1, count));
        in.readLongs(index.slots, count * STRIDE);
        index.end = count;
        return index;
    }

    /** Drops the slots before {@code slot}. */
    void trimBefore(int slot) {
        first = Math.min(Math.max(first, slot), end);
        if (first == end) {
            first = 0;
            end = 0;
            if (capacity() > 64) {
                slots = new long[STRIDE];
            }
        }
    }
}

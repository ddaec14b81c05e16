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

    /**
     * Points slots at rewritten copies of their batches, or drops them: for each rewrite {@code i} (in offset order)
     * the slot whose base offset is {@code baseOffsets[i]} and whose location is still {@code oldLocations[i]} gets
     * {@code newLocations[i]}, {@code newSizes[i]} and {@code newMaxTimestamps[i]}, or is removed when the new
     * location is {@link io.spillway.storage.Locations#NONE}. Rewrites whose slot is gone (trimmed by retention) or
     * moved (rewritten by someone else) are skipped.
     *
     * @return per rewrite whether it was applied
     */
    boolean[] rewrite(long[] baseOffsets, long[] oldLocations, long[] newLocations, int[] newSizes,
                      long[] newMaxTimestamps) {
        boolean[] applied = new boolean[baseOffsets.length];
        long[] out = new long[Math.max(1, end - first) * STRIDE];
        int kept = 0;
        int r = 0;
        for (int slot = first; slot < end; slot++) {
            long base = baseOffset(slot);
            while (r < baseOffsets.length && baseOffsets[r] < base) {
                r++; // its slot was trimmed
            }
            int from = slot * STRIDE;
            int to = kept * STRIDE;
            System.arraycopy(slots, from, out, to, STRIDE);
            if (r < baseOffsets.length && baseOffsets[r] == base && oldLocations[r] == location(slot)) {
                applied[r] = true;
                if (newLocations[r] == io.spillway.storage.Locations.NONE) {
                    r++;
                    continue;
                }
                out[to + MAX_TIMESTAMP] = newMaxTimestamps[r];
                out[to + LOCATION] = newLocations[r];
                out[to + DELTA_AND_SIZE] = (slots[from + DELTA_AND_SIZE] & 0xFFFFFFFF00000000L) | (newSizes[r] & 0xFFFFFFFFL);
                r++;
            }
            kept++;
        }
        slots = out;
        first = 0;
        end = kept;
        return applied;
    }

    /**
     * Adds a slot for a batch that lies before the last one, if no slot holds any of its offsets; returns whether it
     * was added. For recovery only (it shifts the slots after it).
     */
    boolean insertIfGap(long baseOffset, int lastOffsetDelta, long maxTimestamp, long location, int sizeBytes) {
        int at = slotContaining(baseOffset);
        if (at < end && baseOffset(at) <= baseOffset + lastOffsetDelta) {
            return false;
        }
        if (end * STRIDE == slots.length) {
            grow();
            at = slotContaining(baseOffset);
        }
        System.arraycopy(slots, at * STRIDE, slots, (at + 1) * STRIDE, (end - at) * STRIDE);
        int i = at * STRIDE;
        slots[i + BASE_OFFSET] = baseOffset;
        slots[i + MAX_TIMESTAMP] = maxTimestamp;
        slots[i + LOCATION] = location;
        slots[i + DELTA_AND_SIZE] = ((long) lastOffsetDelta << 32) | (sizeBytes & 0xFFFFFFFFL);
        end++;
        return true;
    }

    /**
     * How many runs of consecutive slots each segment holds: a partition retains a segment of the shared log once per
     * run (appends retain when they start a run in a new segment, trims release when a run ends).
     */
    java.util.Map<Integer, Integer> segmentRuns() {
        java.util.Map<Integer, Integer> runs = new java.util.HashMap<>();
        int previous = -1;
        for (int slot = first; slot < end; slot++) {
            int segment = io.spillway.storage.Locations.segment(location(slot));
            if (segment != previous) {
                runs.merge(segment, 1, Integer::sum);
                previous = segment;
            }
        }
        return runs;
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

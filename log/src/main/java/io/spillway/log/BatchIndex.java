package io.spillway.log;

import java.util.Arrays;

/**
 * Offset index of one partition: one slot per stored record batch, in offset order, held in
 * parallel primitive arrays (32 bytes a batch, no object per batch). Slots before {@code first}
 * were trimmed by retention and are reclaimed when the arrays are compacted.
 *
 * <p>Not thread safe; owned by its {@link PartitionLog}, which guards it with its monitor.
 */
final class BatchIndex {
    private long[] baseOffsets;
    private int[] lastOffsetDeltas;
    private long[] maxTimestamps;
    private long[] locations;
    private int[] sizes;
    private int first;
    private int end;

    BatchIndex() {
        this(4);
    }

    BatchIndex(int capacity) {
        baseOffsets = new long[capacity];
        lastOffsetDeltas = new int[capacity];
        maxTimestamps = new long[capacity];
        locations = new long[capacity];
        sizes = new int[capacity];
    }

    void add(long baseOffset, int lastOffsetDelta, long maxTimestamp, long location, int sizeBytes) {
        if (end == baseOffsets.length) {
            grow();
        }
        baseOffsets[end] = baseOffset;
        lastOffsetDeltas[end] = lastOffsetDelta;
        maxTimestamps[end] = maxTimestamp;
        locations[end] = location;
        sizes[end] = sizeBytes;
        end++;
    }

    private void grow() {
        int live = end - first;
        int capacity = Math.max(4, live * 2);
        if (first > 0 && live < baseOffsets.length / 2) {
            capacity = baseOffsets.length;
        }
        baseOffsets = moved(baseOffsets, capacity);
        lastOffsetDeltas = moved(lastOffsetDeltas, capacity);
        maxTimestamps = moved(maxTimestamps, capacity);
        locations = moved(locations, capacity);
        sizes = moved(sizes, capacity);
        end = live;
        first = 0;
    }

    private long[] moved(long[] array, int capacity) {
        long[] copy = new long[capacity];
        System.arraycopy(array, first, copy, 0, end - first);
        return copy;
    }

    private int[] moved(int[] array, int capacity) {
        int[] copy = new int[capacity];
        System.arraycopy(array, first, copy, 0, end - first);
        return copy;
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
        return baseOffsets[slot];
    }

    long lastOffset(int slot) {
        return baseOffsets[slot] + lastOffsetDeltas[slot];
    }

    long maxTimestamp(int slot) {
        return maxTimestamps[slot];
    }

    long location(int slot) {
        return locations[slot];
    }

    int size(int slot) {
        return sizes[slot];
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

    /** Drops the slots before {@code slot}. */
    void trimBefore(int slot) {
        first = Math.min(Math.max(first, slot), end);
        if (first == end) {
            first = 0;
            end = 0;
            if (baseOffsets.length > 64) {
                Arrays.fill(baseOffsets, 0);
                baseOffsets = new long[4];
                lastOffsetDeltas = new int[4];
                maxTimestamps = new long[4];
                locations = new long[4];
                sizes = new int[4];
            }
        }
    }
}

package io.spillway.log;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The cleaner's map from a record key to the offset of its latest record, in a fixed amount of memory: each key is
 * kept as its 128-bit MD5 digest (as Kafka's cleaner does) next to its offset, 24 bytes a key in three parallel
 * arrays with open addressing. When the map is {@link #isFull full} the cleaner stops mapping and cleans up to
 * there; the rest of the partition waits for the next pass, so any number of keys is cleaned with bounded memory.
 *
 * <p>Why a digest and not the key: keys can be any size, and a digest of 128 bits makes a collision (which would
 * drop the older key's latest record) as unlikely as a disk corrupting the same bytes undetected.
 *
 * <p>Not thread safe: one cleaner uses it at a time.
 */
final class KeyOffsetMap {
    /** Kafka's cleaner fills its map to 90 % before it stops mapping; probing stays short up to there. */
    private static final double LOAD_FACTOR = 0.9;
    static final int BYTES_PER_KEY = 24;

    private final long[] digestHigh;
    private final long[] digestLow;
    /** Offset + 1, so that 0 marks a free slot. */
    private final long[] offsets;
    private final int limit;
    private final MessageDigest md5;
    private int size;

    /** A map using about {@code memoryBytes} of heap. */
    KeyOffsetMap(long memoryBytes) {
        int capacity = (int) Math.max(16, Math.min(Integer.MAX_VALUE - 8, memoryBytes / BYTES_PER_KEY));
        digestHigh = new long[capacity];
        digestLow = new long[capacity];
        offsets = new long[capacity];
        limit = (int) (capacity * LOAD_FACTOR);
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5, which every Java SE runtime must provide", e);
        }
    }

    /** Notes that the record at {@code offset} has {@code key} (later offsets of a key replace earlier ones). */
    void put(ByteBuffer key, long offset) {
        int slot = find(key);
        if (offsets[slot] == 0) {
            size++;
            digestHigh[slot] = high;
            digestLow[slot] = low;
        }
        offsets[slot] = offset + 1;
    }

    /** The latest offset mapped for {@code key}, or -1. */
    long get(ByteBuffer key) {
        return offsets[find(key)] - 1;
    }

    /** Whether no more keys may be put (the map is at its load limit). */
    boolean isFull() {
        return size >= limit;
    }

    /** How many more keys fit. */
    int room() {
        return limit - size;
    }

    int size() {
        return size;
    }

    void clear() {
        java.util.Arrays.fill(offsets, 0);
        size = 0;
    }

    /** The two halves of the last key's digest ({@link #find}); one cleaner thread uses the map. */
    private long high;
    private long low;

    /** The slot holding the key's digest, or the free slot where it belongs (linear probing). */
    private int find(ByteBuffer key) {
        md5.update(key.duplicate());
        ByteBuffer digest = ByteBuffer.wrap(md5.digest());
        high = digest.getLong(0);
        low = digest.getLong(8);
        int capacity = offsets.length;
        int slot = (int) Math.floorMod(high ^ (low >>> 17), (long) capacity);
        while (offsets[slot] != 0 && (digestHigh[slot] != high || digestLow[slot] != low)) {
            slot = slot + 1 == capacity ? 0 : slot + 1;
        }
        return slot;
    }
}

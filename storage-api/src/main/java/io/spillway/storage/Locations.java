package io.spillway.storage;

/**
 * A location packs a segment id and a byte position in that segment into one long, so that
 * locations order like the appends that produced them.
 *
 * <pre>
 *   63        40 39                                    0
 *  +------------+---------------------------------------+
 *  | segment id |       byte position in segment       |
 *  +------------+---------------------------------------+
 * </pre>
 */
public final class Locations {
    public static final int POSITION_BITS = 40;
    public static final long MAX_POSITION = (1L << POSITION_BITS) - 1;
    public static final long NONE = -1L;

    private Locations() {
    }

    public static long of(int segmentId, long position) {
        if (segmentId < 0 || position < 0 || position > MAX_POSITION) {
            throw new IllegalArgumentException("bad location segment=" + segmentId + " position=" + position);
        }
        return ((long) segmentId << POSITION_BITS) | position;
    }

    public static int segment(long location) {
        return (int) (location >>> POSITION_BITS);
    }

    public static long position(long location) {
        return location & MAX_POSITION;
    }

    public static String toString(long location) {
        return segment(location) + ":" + position(location);
    }
}

package io.spillway.log;

/** An offset found by timestamp (ListOffsets); offset -1 and timestamp -1 when there is none. */
public record OffsetAndTimestamp(long offset, long timestampMs) {
    public static final OffsetAndTimestamp NONE = new OffsetAndTimestamp(-1L, -1L);
}

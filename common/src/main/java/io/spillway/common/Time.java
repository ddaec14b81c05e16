package io.spillway.common;

/**
 * The only way Spillway logic reads the clock, so that tests can drive time by hand.
 * Implementations are thread safe.
 */
public interface Time {
    /** Wall-clock time in milliseconds since the epoch (record timestamps, retention). */
    long nowMs();

    /** Monotonic time in nanoseconds for measuring durations; not related to the wall clock. */
    long nowNs();

    Time SYSTEM = new Time() {
        @Override
        public long nowMs() {
            return System.currentTimeMillis();
        }

        @Override
        public long nowNs() {
            return System.nanoTime();
        }
    };
}

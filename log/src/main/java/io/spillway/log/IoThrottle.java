package io.spillway.log;

/**
 * Holds background I/O (compaction, reorganisation) to a rate in bytes per second, so that it takes a bounded share
 * of the disk from producers and consumers: the caller reports each chunk it read or wrote and is put to sleep while
 * it is ahead of the rate. Not thread safe; one background task uses it at a time.
 */
final class IoThrottle {
    private final double bytesPerSecond;
    private long periodStartNanos = System.nanoTime();
    private long periodBytes;

    /** @param bytesPerSecond {@code Double.MAX_VALUE} or more for no limit */
    IoThrottle(double bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    void charge(long bytes) throws InterruptedException {
        if (bytesPerSecond >= Double.MAX_VALUE / 2) {
            return;
        }
        periodBytes += bytes;
        long now = System.nanoTime();
        long elapsed = now - periodStartNanos;
        long dueNanos = (long) (periodBytes / bytesPerSecond * 1e9);
        if (dueNanos > elapsed) {
            long sleepNanos = dueNanos - elapsed;
            Thread.sleep(sleepNanos / 1_000_000, (int) (sleepNanos % 1_000_000));
        }
        if (elapsed > 1_000_000_000L) {
            // start a new period now and then, so that an idle spell does not bank a burst
            periodStartNanos = System.nanoTime();
            periodBytes = 0;
        }
    }
}

package io.spillway.storage.local;

import java.util.Locale;

/**
 * How long the shared log's fsyncs took since the log opened: a histogram with four buckets per power of two of
 * microseconds (so a percentile is off by at most 19%), summarised when the log closes. The tail of this
 * distribution is the tail of produce latency with fsync before ack (docs/storage.md). Recorded by the flusher
 * thread only; thread safe.
 */
final class SyncTimes {
    private static final int BUCKETS_PER_DOUBLING = 4;
    private final long[] counts = new long[64 * BUCKETS_PER_DOUBLING];
    private long total;
    private long maxMicros;

    synchronized void record(long nanos) {
        long micros = Math.max(0, nanos / 1000);
        counts[bucket(micros)]++;
        total++;
        maxMicros = Math.max(maxMicros, micros);
    }

    synchronized long count() {
        return total;
    }

    /** The upper bound in microseconds of the bucket holding the {@code quantile} (0..1), 0 when none. */
    synchronized long percentileMicros(double quantile) {
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank && seen > 0) {
                return Math.min(upperBound(i), maxMicros);
            }
        }
        return 0;
    }

    /** "12,345 fsyncs: p50 0.21 ms, p99 1.9 ms, p99.9 12 ms, max 130 ms". */
    synchronized String summary() {
        return String.format(Locale.ROOT, "%,d fsyncs: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms", total,
                percentileMicros(0.50) / 1000.0, percentileMicros(0.99) / 1000.0, percentileMicros(0.999) / 1000.0,
                maxMicros / 1000.0);
    }

    private static int bucket(long micros) {
        if (micros < 1) {
            return 0;
        }
        double index = Math.log(micros + 1) / Math.log(2) * BUCKETS_PER_DOUBLING;
        return (int) Math.min(63L * BUCKETS_PER_DOUBLING, (long) Math.ceil(index));
    }

    private static long upperBound(int bucket) {
        return (long) Math.floor(Math.pow(2, (double) bucket / BUCKETS_PER_DOUBLING)) - 1;
    }
}

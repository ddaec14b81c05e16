package io.spillway.bench;

import java.util.Arrays;

/**
 * A fixed-size log-linear histogram of latencies in microseconds (values below 256 µs are exact, larger
 * ones are kept with a relative error below 0.8%, up to about 12 days). Recording allocates nothing.
 *
 * <p>Not thread-safe: each producer's callbacks run on that producer's single I/O thread, so every
 * producer gets its own histogram, and they are {@link #merge merged} after the producers are closed.
 */
public final class LatencyHistogram {

    /** Sub-buckets per power of two above the exact range (relative precision 1/128). */
    private static final int SUB_BITS = 7;
    private static final int SUB = 1 << SUB_BITS;           // 128
    private static final int EXACT = SUB << 1;              // values 0..255 are exact
    private static final int MAX_SHIFT = 33;                // covers up to 2^41 µs
    private static final int BUCKETS = (MAX_SHIFT + 2) * SUB;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;
    private long sum;

    /** Records one latency in microseconds (negative values count as 0). */
    public void record(long micros) {
        long v = Math.max(0, micros);
        counts[index(v)]++;
        total++;
        sum += v;
        if (v > max) {
            max = v;
        }
    }

    /** Adds all of {@code other}'s values to this histogram. */
    public void merge(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        sum += other.sum;
        max = Math.max(max, other.max);
    }

    public long count() {
        return total;
    }

    /** Largest recorded value in microseconds (exact). */
    public long maxMicros() {
        return max;
    }

    /** Mean in microseconds, 0 when empty. */
    public double meanMicros() {
        return total == 0 ? 0 : (double) sum / total;
    }

    /**
     * The value at {@code quantile} (0..1) in microseconds: the smallest recorded value such that at
     * least {@code quantile} of all values are at or below it (within the bucket precision); 0 when empty.
     */
    public long percentileMicros(double quantile) {
        if (total == 0) {
            return 0;
        }
        if (quantile < 0 || quantile > 1 || Double.isNaN(quantile)) {
            throw new IllegalArgumentException("quantile must be within 0..1: " + quantile);
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(max, representative(i));
            }
        }
        return max;
    }

    /** Milliseconds at {@code quantile}, as a double for printing. */
    public double percentileMillis(double quantile) {
        return percentileMicros(quantile) / 1000.0;
    }

    static int index(long v) {
        if (v < EXACT) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);   // >= 8
        int shift = Math.min(exponent - SUB_BITS, MAX_SHIFT);
        long mantissa = Math.min(v >> shift, EXACT - 1);       // 128..255 (clamped for huge values)
        return shift * SUB + (int) mantissa;
    }

    /** The middle of bucket {@code i}'s value range. */
    static long representative(int i) {
        if (i < EXACT) {
            return i;
        }
        int shift = i / SUB - 1;
        long mantissa = i - (long) shift * SUB;
        long low = mantissa << shift;
        return low + ((1L << shift) >> 1);
    }

    @Override
    public String toString() {
        return "LatencyHistogram[count=" + total + ", p50=" + percentileMicros(0.5) + "us, p99="
                + percentileMicros(0.99) + "us, max=" + max + "us, nonEmptyBuckets="
                + Arrays.stream(counts).filter(c -> c > 0).count() + "]";
    }
}

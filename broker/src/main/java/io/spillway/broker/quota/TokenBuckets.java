package io.spillway.broker.quota;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Quota usage as token buckets, one per holder (clients sharing a quota, a stream): a holder earns its quota per
 * second, up to one quota window's worth ({@code quota.window.num} x {@code quota.window.size.seconds}, which is
 * also what a new holder starts with), and spends what it uses. Usage may run the bucket into debt; the debt at the
 * quota rate is how long the holder must pause. Unlike a rate over sampled windows, whose old samples expire a
 * whole sample at a time and let bursts through, a bucket holds a throttled holder to its quota exactly; Kafka
 * meters controller_mutation_rate the same way (KIP-599).
 *
 * <p>A holder idle for an hour is forgotten (its bucket would be full, as a new one is), so clients that come and
 * go do not grow memory. Thread safe.
 */
final class TokenBuckets<K> {
    private static final long IDLE_EXPIRY_MS = 3_600_000;
    private static final long SWEEP_INTERVAL_MS = 60_000;

    private static final class Bucket {
        double tokens;
        long lastMs;
    }

    private final double windowSeconds;
    /** The longest pause asked of a holder at once: a whole window (one still in debt after it is asked again). */
    private final long maxThrottleMs;
    private final Map<K, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile long nextSweepMs;

    TokenBuckets(int samples, int sampleMs) {
        this.windowSeconds = samples * sampleMs / 1000.0;
        this.maxThrottleMs = (long) samples * sampleMs;
    }

    /** How long the holder must pause before using more at {@code rate} per second; 0 when it may now. */
    long throttleMs(K holder, double rate, long nowMs) {
        Bucket bucket = buckets.get(holder);
        if (bucket == null) {
            return 0;
        }
        synchronized (bucket) {
            refill(bucket, rate, nowMs);
            return debtMs(bucket, rate);
        }
    }

    /** Spends {@code amount}; returns how long this leaves the holder to pause (0 when it is not in debt). */
    long record(K holder, double amount, double rate, long nowMs) {
        sweep(nowMs);
        Bucket bucket = buckets.computeIfAbsent(holder, h -> {
            Bucket fresh = new Bucket();
            fresh.tokens = rate * windowSeconds;
            fresh.lastMs = nowMs;
            return fresh;
        });
        synchronized (bucket) {
            refill(bucket, rate, nowMs);
            bucket.tokens -= amount;
            return debtMs(bucket, rate);
        }
    }

    private long debtMs(Bucket bucket, double rate) {
        return bucket.tokens >= 0 ? 0 : Math.min(maxThrottleMs, (long) Math.ceil(-bucket.tokens / rate * 1000));
    }

    private void refill(Bucket bucket, double rate, long nowMs) {
        double earned = rate * Math.max(0, nowMs - bucket.lastMs) / 1000.0;
        bucket.tokens = Math.min(rate * windowSeconds, bucket.tokens + earned);
        bucket.lastMs = Math.max(bucket.lastMs, nowMs);
    }

    private void sweep(long nowMs) {
        if (nowMs < nextSweepMs) {
            return;
        }
        nextSweepMs = nowMs + SWEEP_INTERVAL_MS;
        buckets.values().removeIf(bucket -> {
            synchronized (bucket) {
                return nowMs - bucket.lastMs > IDLE_EXPIRY_MS;
            }
        });
    }
}

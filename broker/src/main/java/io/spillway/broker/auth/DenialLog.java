package io.spillway.broker.auth;

import io.spillway.common.Time;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides which authorization denials are logged, so that a client retrying a forbidden request cannot flood the log:
 * at most one line per (principal, operation, resource) per {@link #INTERVAL_MS}, and at most {@link #MAX_TRACKED}
 * such keys at once (denials of further keys are counted, not logged, until older keys expire; expired keys are
 * looked for at most once a second, so that a flood of denials never scans the keys for each one). Thread safe.
 */
final class DenialLog {
    static final long INTERVAL_MS = 60_000;
    static final int MAX_TRACKED = 10_000;
    private static final long INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS);
    private static final long PURGE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    /** What was denied. */
    record Key(String principal, AclOperation operation, ResourceType resourceType, String resourceName) {
    }

    /** Since when a key was last logged, and how many of its denials were not logged since. */
    private record Window(long startNs, long unlogged) {
    }

    private final Time time;
    private final Map<Key, Window> windows = new ConcurrentHashMap<>();
    /** Denials not logged and not counted in a tracked key's window (too many keys, or their key expired). */
    private final AtomicLong untracked = new AtomicLong();
    private final AtomicLong lastPurgeNs;

    DenialLog(Time time) {
        this.time = time;
        this.lastPurgeNs = new AtomicLong(time.nowNs() - PURGE_INTERVAL_NS);
    }

    /**
     * Records a denial.
     *
     * @return -1 when it should not be logged; else how many denials (of this key, or of keys that could not be
     *     tracked) were not logged since the last line
     */
    long admit(Key key) {
        long nowNs = time.nowNs();
        if (windows.size() >= MAX_TRACKED && !windows.containsKey(key)) {
            long lastNs = lastPurgeNs.get();
            if (nowNs - lastNs >= PURGE_INTERVAL_NS && lastPurgeNs.compareAndSet(lastNs, nowNs)) {
                windows.forEach((k, w) -> {
                    if (nowNs - w.startNs() >= INTERVAL_NS && windows.remove(k, w)) {
                        untracked.addAndGet(w.unlogged()); // reported with the next line logged
                    }
                });
            }
            if (windows.size() >= MAX_TRACKED) {
                untracked.incrementAndGet();
                return -1;
            }
        }
        long[] unlogged = {-1};
        windows.compute(key, (k, window) -> {
            if (window == null || nowNs - window.startNs() >= INTERVAL_NS) {
                unlogged[0] = window == null ? 0 : window.unlogged();
                return new Window(nowNs, 0);
            }
            return new Window(window.startNs(), window.unlogged() + 1);
        });
        return unlogged[0] < 0 ? -1 : unlogged[0] + untracked.getAndSet(0);
    }
}

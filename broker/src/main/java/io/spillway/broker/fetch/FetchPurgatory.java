package io.spillway.broker.fetch;

import io.spillway.log.HighWatermarkListener;
import io.spillway.log.PartitionLog;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fetches waiting for data (long poll): each waits on the partitions it reads until enough bytes
 * arrive or its max wait passes. No thread is parked; a high-watermark advance re-checks the
 * waiters of that partition, a shared scheduler fires the timeouts. Thread safe.
 */
public final class FetchPurgatory implements HighWatermarkListener {
    private final ConcurrentHashMap<Long, Set<DelayedFetch>> waitersByPartition = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;

    public FetchPurgatory(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /** Parks a fetch; it completes (once) through its own callback. */
    public void watch(DelayedFetch fetch, long maxWaitMs) {
        for (long key : fetch.partitionKeys()) {
            waitersByPartition.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(fetch);
        }
        ScheduledFuture<?> timeout = scheduler.schedule(() -> complete(fetch), maxWaitMs, TimeUnit.MILLISECONDS);
        fetch.timeout(timeout);
        // Data may have arrived between the caller's read and our registration.
        if (fetch.satisfied()) {
            complete(fetch);
        }
    }

    @Override
    public void onAdvance(PartitionLog partition) {
        Set<DelayedFetch> waiters = waitersByPartition.get(partition.key());
        if (waiters == null) {
            return;
        }
        for (DelayedFetch fetch : waiters) {
            if (fetch.satisfied()) {
                complete(fetch);
            }
        }
    }

    private void complete(DelayedFetch fetch) {
        if (!fetch.markCompleted()) {
            return;
        }
        for (long key : fetch.partitionKeys()) {
            waitersByPartition.computeIfPresent(key, (k, set) -> {
                set.remove(fetch);
                return set.isEmpty() ? null : set;
            });
        }
        fetch.run();
    }
}

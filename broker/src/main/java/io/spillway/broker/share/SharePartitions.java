package io.spillway.broker.share;

import io.spillway.broker.fetch.FetchPurgatory;
import io.spillway.common.Time;
import io.spillway.coordinator.share.SharePartitionKey;
import io.spillway.coordinator.share.ShareStateStore;
import io.spillway.log.PartitionLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The share-partitions this broker serves, loaded on their first fetch from the share coordinator's state, with
 * the one sweeper that releases records whose acquisition locks ran out (no timer per lock or partition), and
 * the reactions to the group coordinator (a member left: release what it held) and to admin operations (state
 * replaced: drop the copy here). Idle share-partitions with nothing locked are dropped after a while, so memory
 * follows what is being consumed, not how many partitions share groups ever read.
 *
 * <p>Thread safe.
 */
public final class SharePartitions {
    private static final Logger log = LoggerFactory.getLogger(SharePartitions.class);
    /** How often lock deadlines are checked; a lock lasts at least share.record.lock.duration.ms (≥ 1 s). */
    static final long SWEEP_INTERVAL_MS = 100;
    /** A loaded share-partition with nothing locked and no use for this long is dropped from memory. */
    static final long IDLE_DROP_MS = 10 * 60_000L;

    private final ShareStateStore store;
    private final Function<String, ShareGroupSettings> settings;
    private final FetchPurgatory purgatory;
    private final Time time;
    private final Executor workers;
    private final Map<SharePartitionKey, Entry> partitions = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> sweeper;

    private static final class Entry {
        final CompletableFuture<SharePartition> loading;
        volatile long lastUsedMs;

        Entry(CompletableFuture<SharePartition> loading, long nowMs) {
            this.loading = loading;
            this.lastUsedMs = nowMs;
        }
    }

    public SharePartitions(ShareStateStore store, Function<String, ShareGroupSettings> settings,
                           FetchPurgatory purgatory, ScheduledExecutorService scheduler, Executor workers, Time time) {
        this.store = store;
        this.settings = settings;
        this.purgatory = purgatory;
        this.time = time;
        this.workers = workers;
        store.addResetListener(this::dropReplaced);
        AtomicBoolean sweeping = new AtomicBoolean();
        this.sweeper = scheduler.scheduleWithFixedDelay(() -> {
            if (sweeping.compareAndSet(false, true)) {
                workers.execute(() -> {
                    try {
                        sweep();
                    } finally {
                        sweeping.set(false);
                    }
                });
            }
        }, SWEEP_INTERVAL_MS, SWEEP_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    public ShareGroupSettings settings(String groupId) {
        return settings.apply(groupId);
    }

    /** The share-partition, loading it on first use; a copy fenced by an admin operation is loaded again. */
    CompletableFuture<SharePartition> get(SharePartitionKey key, String topicName, PartitionLog partitionLog) {
        long now = time.nowMs();
        while (true) {
            Entry entry = partitions.get(key);
            if (entry != null) {
                SharePartition loaded = entry.loading.getNow(null);
                boolean failed = entry.loading.isCompletedExceptionally();
                if ((loaded != null && (!loaded.isUsable() || loaded.log() != partitionLog)) || failed) {
                    partitions.remove(key, entry);
                    continue;
                }
                entry.lastUsedMs = now;
                return entry.loading;
            }
            CompletableFuture<SharePartition> loading = new CompletableFuture<>();
            Entry fresh = new Entry(loading, now);
            if (partitions.putIfAbsent(key, fresh) != null) {
                continue;
            }
            SharePartition.load(key, topicName, partitionLog, store, settings.apply(key.groupId()), time,
                    () -> purgatory.onAdvance(partitionLog)).whenComplete((p, error) -> {
                        if (error != null) {
                            partitions.remove(key, fresh);
                            log.warn("Share group '{}': could not load the state of {}-{}: {}", key.groupId(),
                                    topicName, key.partition(), error.toString());
                            loading.completeExceptionally(error);
                        } else {
                            loading.complete(p);
                        }
                    });
            return loading;
        }
    }

    /**
     * A member left its group: what it held is available again. Called on the group coordinator's thread, so the
     * work (which may wait for a share-partition busy reading the log) runs on the workers.
     */
    public void memberLeft(String groupId, String memberId) {
        workers.execute(() -> {
            for (SharePartition p : loadedOf(groupId)) {
                p.releaseMember(memberId, settings.apply(groupId));
            }
        });
    }

    /**
     * Releases what {@code memberId} holds in the given partitions of its group (its share session closed or
     * forgot them); completes once the state is stored.
     */
    CompletableFuture<Void> releaseHeld(String groupId, String memberId, Collection<ShareSessions.Partition> of) {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        ShareGroupSettings groupSettings = settings.apply(groupId);
        for (SharePartition p : loadedOf(groupId)) {
            if (of.contains(new ShareSessions.Partition(p.key().topicId(), p.key().partition()))) {
                writes.add(p.releaseMember(memberId, groupSettings));
            }
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    /** Loaded share-partitions of a group (for release on leave). */
    List<SharePartition> loadedOf(String groupId) {
        List<SharePartition> of = new ArrayList<>();
        partitions.forEach((key, entry) -> {
            SharePartition p = entry.loading.getNow(null);
            if (p != null && key.groupId().equals(groupId)) {
                of.add(p);
            }
        });
        return of;
    }

    /** Called on the share coordinator's thread once an admin operation's change is durable: hands off. */
    private void dropReplaced(SharePartitionKey key) {
        Entry entry = partitions.remove(key);
        if (entry != null) {
            workers.execute(() -> entry.loading.thenAccept(SharePartition::fence));
        }
    }

    private void sweep() {
        try {
            long now = time.nowMs();
            partitions.forEach((key, entry) -> {
                SharePartition p = entry.loading.getNow(null);
                if (p == null) {
                    return;
                }
                if (p.hasLocks()) {
                    p.expireLocks(now, settings.apply(key.groupId()));
                } else if (!p.isUsable() || (now - entry.lastUsedMs > IDLE_DROP_MS && p.retireIfIdle())) {
                    // A retired copy refuses further use, so a fetch that got it just before cannot hand out
                    // records beside the copy the next fetch loads.
                    partitions.remove(key, entry);
                }
            });
        } catch (RuntimeException e) {
            // The sweeper must keep running: a lost sweep only delays redelivery.
            log.error("Share-partition lock sweep failed; retrying in {} ms", SWEEP_INTERVAL_MS, e);
        }
    }

    /** Stops the sweeper (broker shutdown). */
    public void close() {
        sweeper.cancel(false);
    }

    int loadedCount() {
        return partitions.size();
    }
}

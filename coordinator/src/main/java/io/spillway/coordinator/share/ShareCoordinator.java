package io.spillway.coordinator.share;

import io.spillway.common.Time;
import io.spillway.coordinator.runtime.CoordinatorPartitions;
import io.spillway.coordinator.runtime.CoordinatorRuntime;
import io.spillway.log.LogStartStore;
import io.spillway.log.PartitionLog;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The share coordinator (KIP-932): the {@link ShareStateStore} over {@code __share_group_state}. Each call is one
 * operation of a {@link CoordinatorRuntime} against {@link ShareCoordinatorShard}; its future completes once
 * what it wrote, and everything before it, is durable. The state of a stream's topic is kept in that stream's
 * own {@code /path/stream:__share_group_state} (the place the resolver names when the share-partition is first
 * written), so it goes wherever the stream goes; the default stream's stays in {@code __share_group_state}.
 *
 * <p>Reset listeners run on the coordinator's event thread, after the admin change is durable: they must only
 * hand work off (queue it, complete a future), never wait or call back into this coordinator synchronously.
 *
 * <p>Thread safe: every method may be called from any thread and returns without waiting.
 */
public final class ShareCoordinator implements ShareStateStore {
    private static final Logger log = LoggerFactory.getLogger(ShareCoordinator.class);

    private final CoordinatorRuntime<ShareCoordinatorShard, ShareStateRecord> runtime;
    private final Function<Uuid, String> placeOfTopic;
    private final List<Consumer<SharePartitionKey>> resetListeners = new CopyOnWriteArrayList<>();

    /** A share coordinator whose records all stay in one partition (tests, tools). */
    public ShareCoordinator(PartitionLog statePartition, LogStartStore logStarts, Executor events,
                            ScheduledExecutorService scheduler, Time time) {
        this(CoordinatorPartitions.only(statePartition), logStarts, topicId -> null, events, scheduler, time);
    }

    /**
     * @param partitions home: {@code __share_group_state}; places: streams, whose partitions hold the state of
     *     their topics' share-partitions
     * @param placeOfTopic the stream path of a topic id, null for the default stream or a topic not known (then
     *     home). Called on the thread that calls {@link #write} or {@link #reset}, for share-partitions not
     *     stored yet (so an unknown topic's state goes home): it must be thread safe and quick
     * @param events the coordinator's event executor: runs one task at a time, in order
     */
    public ShareCoordinator(CoordinatorPartitions partitions, LogStartStore logStarts,
                            Function<Uuid, String> placeOfTopic, Executor events, ScheduledExecutorService scheduler,
                            Time time) {
        this.placeOfTopic = placeOfTopic;
        this.runtime = new CoordinatorRuntime<>("share coordinator", partitions, logStarts,
                new ShareStateRecordSerde(), context -> new ShareCoordinatorShard(this::resetHappened), events,
                scheduler, time);
    }

    /** Replays {@code __share_group_state} and the streams' share-state partitions; completes once it serves. */
    public CompletableFuture<Void> load() {
        return runtime.load();
    }

    /** Stops serving; later calls fail with COORDINATOR_NOT_AVAILABLE. */
    public CompletableFuture<Void> unload() {
        return runtime.unload();
    }

    @Override
    public CompletableFuture<SharePartitionState> read(SharePartitionKey key) {
        try {
            ShareStateChecks.checkKey(key);
        } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
        }
        return runtime.read("read-share-state", shard -> shard.read(key));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Fails with {@link org.apache.kafka.common.errors.InvalidRequestException} for a state that cannot be:
     * batches not sorted or overlapping, a negative epoch, offset or delivery count, batches without a start
     * offset. ACQUIRED batches are stored as AVAILABLE.
     */
    @Override
    public CompletableFuture<Void> write(SharePartitionKey key, SharePartitionState state) {
        SharePartitionState storable;
        try {
            storable = ShareStateChecks.storable(key, state);
        } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
        }
        String place = placeOfTopic.apply(key.topicId());
        return runtime.write("write-share-state", (shard, changes) -> {
            shard.write(changes, key, storable, place);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> reset(SharePartitionKey key, long startOffset) {
        try {
            ShareStateChecks.checkKey(key);
            ShareStateChecks.checkStartOffset(key, startOffset);
        } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
        }
        String place = placeOfTopic.apply(key.topicId());
        return runtime.write("reset-share-state", (shard, changes) -> {
            shard.reset(changes, key, startOffset, place);
            return null;
        });
    }

    @Override
    public CompletableFuture<Map<SharePartitionKey, SharePartitionState>> readGroup(String groupId) {
        if (groupId == null) {
            return CompletableFuture.failedFuture(new InvalidRequestException("No share group named"));
        }
        return runtime.read("read-share-group-state", shard -> shard.readGroup(groupId));
    }

    @Override
    public CompletableFuture<Void> delete(String groupId, Set<Uuid> topicIds) {
        if (groupId == null) {
            return CompletableFuture.failedFuture(new InvalidRequestException("No share group named"));
        }
        Set<Uuid> ids = topicIds == null ? null : Set.copyOf(topicIds);
        return runtime.write("delete-share-state", (shard, changes) -> {
            shard.delete(changes, groupId, ids);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> forgetTopics(Set<Uuid> topicIds) {
        if (topicIds.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Set<Uuid> ids = Set.copyOf(topicIds);
        return runtime.write("forget-deleted-topics-share-state", (shard, changes) -> {
            shard.forgetTopics(changes, ids);
            return null;
        });
    }

    /** {@inheritDoc} The runtime stops writing the stream's partition and the shard drops what it held from there. */
    @Override
    public CompletableFuture<Void> forgetStream(String streamPath) {
        return runtime.forgetPlace(streamPath);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Listeners run on the coordinator's event thread once the change is durable; one that throws is logged
     * and the others are still told.
     */
    @Override
    public void addResetListener(Consumer<SharePartitionKey> listener) {
        resetListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Rewrites every partition as the live state now (tests, tools). */
    public CompletableFuture<Void> rewriteNow() {
        return runtime.rewriteNow();
    }

    private void resetHappened(SharePartitionKey key) {
        for (Consumer<SharePartitionKey> listener : resetListeners) {
            try {
                listener.accept(key);
            } catch (RuntimeException e) {
                log.error("A share state reset listener failed for {}", key, e);
            }
        }
    }
}

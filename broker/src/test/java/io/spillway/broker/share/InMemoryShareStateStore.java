package io.spillway.broker.share;

import io.spillway.coordinator.share.SharePartitionKey;
import io.spillway.coordinator.share.SharePartitionState;
import io.spillway.coordinator.share.ShareStateStore;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedStateEpochException;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A share state store in memory for the broker's share tests (share-partitions and share-group handlers): every
 * call completes at once; writes under an older state epoch are fenced as the share coordinator fences them.
 * Thread safe.
 */
public final class InMemoryShareStateStore implements ShareStateStore {
    public final Map<SharePartitionKey, SharePartitionState> states = new ConcurrentHashMap<>();
    /** Every delete call, as "group:topics" (topics "all" for null). */
    public final List<String> deletes = new CopyOnWriteArrayList<>();
    private final List<Consumer<SharePartitionKey>> listeners = new CopyOnWriteArrayList<>();
    /** When set, the next delete fails with it (and deletes nothing). */
    public volatile RuntimeException failNextDelete;
    public volatile int writes;

    @Override
    public CompletableFuture<SharePartitionState> read(SharePartitionKey key) {
        return CompletableFuture.completedFuture(states.get(key));
    }

    @Override
    public synchronized CompletableFuture<Void> write(SharePartitionKey key, SharePartitionState state) {
        SharePartitionState stored = states.get(key);
        if (stored != null && stored.stateEpoch() > state.stateEpoch()) {
            return CompletableFuture.failedFuture(new FencedStateEpochException("stale epoch " + state.stateEpoch()));
        }
        states.put(key, state);
        writes++;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> reset(SharePartitionKey key, long startOffset) {
        SharePartitionState stored = states.get(key);
        states.put(key, new SharePartitionState(stored == null ? 1 : stored.stateEpoch() + 1, startOffset, List.of()));
        listeners.forEach(l -> l.accept(key));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Map<SharePartitionKey, SharePartitionState>> readGroup(String groupId) {
        return CompletableFuture.completedFuture(states.entrySet().stream()
                .filter(e -> e.getKey().groupId().equals(groupId))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    @Override
    public synchronized CompletableFuture<Void> delete(String groupId, Set<Uuid> topicIds) {
        RuntimeException failure = failNextDelete;
        if (failure != null) {
            failNextDelete = null;
            return CompletableFuture.failedFuture(failure);
        }
        deletes.add(groupId + ":" + (topicIds == null ? "all" : topicIds.size()));
        states.keySet().removeIf(k -> {
            boolean match = k.groupId().equals(groupId) && (topicIds == null || topicIds.contains(k.topicId()));
            if (match) {
                listeners.forEach(l -> l.accept(k));
            }
            return match;
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> forgetTopics(Set<Uuid> topicIds) {
        states.keySet().removeIf(k -> topicIds.contains(k.topicId()));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> forgetStream(String streamPath) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void addResetListener(Consumer<SharePartitionKey> listener) {
        listeners.add(listener);
    }
}

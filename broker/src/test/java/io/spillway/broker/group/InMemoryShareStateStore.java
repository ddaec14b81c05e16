package io.spillway.broker.group;

import io.spillway.coordinator.share.SharePartitionKey;
import io.spillway.coordinator.share.SharePartitionState;
import io.spillway.coordinator.share.ShareStateStore;
import org.apache.kafka.common.Uuid;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** A share state store in memory for handler tests: every call completes at once. Thread safe. */
final class InMemoryShareStateStore implements ShareStateStore {
    final Map<SharePartitionKey, SharePartitionState> states = new ConcurrentHashMap<>();
    /** Every delete call, as "group:topics" (topics "all" for null). */
    final List<String> deletes = new CopyOnWriteArrayList<>();
    private final List<Consumer<SharePartitionKey>> listeners = new CopyOnWriteArrayList<>();
    /** When set, the next delete fails with it (and deletes nothing). */
    volatile RuntimeException failNextDelete;

    @Override
    public CompletableFuture<SharePartitionState> read(SharePartitionKey key) {
        return CompletableFuture.completedFuture(states.get(key));
    }

    @Override
    public CompletableFuture<Void> write(SharePartitionKey key, SharePartitionState state) {
        states.put(key, state);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> reset(SharePartitionKey key, long startOffset) {
        SharePartitionState old = states.get(key);
        states.put(key, new SharePartitionState(old == null ? 0 : old.stateEpoch() + 1, startOffset, List.of()));
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
    public CompletableFuture<Void> delete(String groupId, Set<Uuid> topicIds) {
        RuntimeException failure = failNextDelete;
        if (failure != null) {
            failNextDelete = null;
            return CompletableFuture.failedFuture(failure);
        }
        deletes.add(groupId + ":" + (topicIds == null ? "all" : topicIds.size()));
        states.keySet().removeIf(k -> k.groupId().equals(groupId) && (topicIds == null || topicIds.contains(k.topicId())));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> forgetTopics(Set<Uuid> topicIds) {
        states.keySet().removeIf(k -> topicIds.contains(k.topicId()));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void addResetListener(Consumer<SharePartitionKey> listener) {
        listeners.add(listener);
    }
}

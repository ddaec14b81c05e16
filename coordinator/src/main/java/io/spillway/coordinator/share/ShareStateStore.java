package io.spillway.coordinator.share;

import org.apache.kafka.common.Uuid;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The durable state of share-partitions (KIP-932's persister): what the broker's share-partitions load when they
 * are first fetched and write before they answer an acknowledgement, and what the share-group admin operations
 * read and replace. Every future completes once what it wrote (and everything before it) is durable.
 *
 * <p>Thread safe: every method may be called from any thread and returns without waiting.
 */
public interface ShareStateStore {

    /** The stored state of a share-partition, or null when none is stored. */
    CompletableFuture<SharePartitionState> read(SharePartitionKey key);

    /**
     * Stores the whole state of a share-partition (the broker's in-flight view after an acknowledgement, a lock
     * timeout or the first fetch). Fails with {@link org.apache.kafka.common.errors.FencedStateEpochException}
     * when the stored state epoch is higher than {@code state.stateEpoch()} (an admin replaced the state).
     */
    CompletableFuture<Void> write(SharePartitionKey key, SharePartitionState state);

    /**
     * Admin: replaces the state with {@code startOffset} and no in-flight records, under the next state epoch
     * (AlterShareGroupOffsets). Reset listeners are told once it is durable.
     */
    CompletableFuture<Void> reset(SharePartitionKey key, long startOffset);

    /** The states of every share-partition of a group (DescribeShareGroupOffsets, lag). */
    CompletableFuture<Map<SharePartitionKey, SharePartitionState>> readGroup(String groupId);

    /**
     * Admin: deletes the state of a group's share-partitions of these topics, or of all its share-partitions
     * when {@code topicIds} is null (DeleteShareGroupOffsets, DeleteGroups). Reset listeners are told.
     */
    CompletableFuture<Void> delete(String groupId, Set<Uuid> topicIds);

    /** Topics were deleted: every group's state of them goes (no listener call: the partitions are gone). */
    CompletableFuture<Void> forgetTopics(Set<Uuid> topicIds);

    /**
     * A stream was deleted with its topics and its own share-state topic: the state kept there goes too (no
     * listener call). Completes once the store no longer holds it.
     */
    CompletableFuture<Void> forgetStream(String streamPath);

    /**
     * Registers a listener told (on the store's thread; it must hand work off) of every share-partition whose
     * state an admin operation replaced or deleted, so that a broker drops its in-memory copy.
     */
    void addResetListener(Consumer<SharePartitionKey> listener);
}

package io.spillway.coordinator.share;

import org.apache.kafka.common.Uuid;

import java.util.Objects;

/**
 * One share-partition: a share group's view of one topic partition, with its own start offset and in-flight
 * records. Kafka keys share state by topic id, so a topic deleted and created again under the same name
 * starts with no state.
 */
public record SharePartitionKey(String groupId, Uuid topicId, int partition) {
    public SharePartitionKey {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(topicId, "topicId");
    }

    @Override
    public String toString() {
        return groupId + ":" + topicId + ":" + partition;
    }
}

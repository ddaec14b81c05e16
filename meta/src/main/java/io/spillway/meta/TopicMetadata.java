package io.spillway.meta;

import io.spillway.common.StreamTopicName;
import org.apache.kafka.common.Uuid;

import java.util.Map;

/**
 * A topic as the metadata store knows it. Immutable; changes produce a new instance.
 *
 * @param sequence unique per topic ever created on this node (never reused, also not after
 *     deletion); the high bits of every partition key of the topic
 * @param configs topic-level overrides only; defaults come from the broker
 */
public record TopicMetadata(Uuid id, long sequence, StreamTopicName name, int partitionCount,
                            Map<String, String> configs) {
    /** Partitions per topic are limited by the key layout: 24 bits of partition index. */
    public static final int MAX_PARTITIONS = 1 << 24;

    public TopicMetadata {
        configs = Map.copyOf(configs);
    }

    /** The key under which partition {@code partition} of this topic is stored. */
    public long partitionKey(int partition) {
        return (sequence << 24) | partition;
    }

    public static long sequenceOf(long partitionKey) {
        return partitionKey >>> 24;
    }

    public static int partitionOf(long partitionKey) {
        return (int) (partitionKey & (MAX_PARTITIONS - 1));
    }

    public String kafkaName() {
        return name.kafkaName();
    }

    /** The same topic (partitions, data, configs) under a new name and a new id: clients of the old one are told it is gone. */
    TopicMetadata renamed(Uuid newId, StreamTopicName newName) {
        return new TopicMetadata(newId, sequence, newName, partitionCount, configs);
    }

    TopicMetadata withPartitionCount(int count) {
        return new TopicMetadata(id, sequence, name, count, configs);
    }

    TopicMetadata withConfigs(Map<String, String> newConfigs) {
        return new TopicMetadata(id, sequence, name, partitionCount, newConfigs);
    }
}

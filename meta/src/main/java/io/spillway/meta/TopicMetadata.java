package io.spillway.meta;

import io.spillway.common.StreamTopicName;
import org.apache.kafka.common.Uuid;

import java.util.Map;

/**
 * A topic as the metadata store knows it. Immutable; changes produce a new instance.
 *
 * @param sequence unique per topic ever created on this node (never reused, also not after
 *     deletion); the high bits of every partition key of the topic
 * @param kafkaName the name clients use: {@code /path/to/stream:topic}, or a plain name in the default stream
 * @param configs topic-level overrides only; defaults come from the broker
 */
public record TopicMetadata(Uuid id, long sequence, String kafkaName, int partitionCount,
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

    /**
     * The name split into stream and topic, made on each call: a node with a million topics keeps one string per
     * topic rather than the parts as well.
     */
    public StreamTopicName name() {
        return StreamTopicName.parse(kafkaName);
    }

    /** The path of the stream the topic lives in. */
    public String stream() {
        return name().stream();
    }

    /** The same topic (partitions, data, configs) under a new name and a new id: clients of the old one are told it is gone. */
    TopicMetadata renamed(Uuid newId, String newName) {
        return new TopicMetadata(newId, sequence, newName, partitionCount, configs);
    }

    TopicMetadata withPartitionCount(int count) {
        return new TopicMetadata(id, sequence, kafkaName, count, configs);
    }

    TopicMetadata withConfigs(Map<String, String> newConfigs) {
        return new TopicMetadata(id, sequence, kafkaName, partitionCount, newConfigs);
    }
}

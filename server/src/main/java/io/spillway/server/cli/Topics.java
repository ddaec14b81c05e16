package io.spillway.server.cli;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Topic look-ups several commands share: a topic's partitions, and the earliest and latest offsets of a set of
 * partitions (for describe, lag and offset resets).
 */
final class Topics {

    private Topics() {
    }

    /** A stream path names a stream, not a topic: it starts with '/' and holds no ':'. */
    static boolean isStreamPath(String name) {
        return name.startsWith("/") && name.indexOf(':') < 0;
    }

    static TopicDescription describe(BrokerConnection broker, String topic) {
        return broker.await(broker.admin().describeTopics(List.of(topic)).allTopicNames(),
                "describe topic '" + topic + "'", "topic '" + topic + "'").get(topic);
    }

    static List<TopicPartition> partitions(TopicDescription description) {
        return description.partitions().stream().map(TopicPartitionInfo::partition)
                .map(p -> new TopicPartition(description.name(), p)).toList();
    }

    /** Offsets of {@code spec} (earliest or latest) for each partition. */
    static Map<TopicPartition, Long> offsets(BrokerConnection broker, java.util.Collection<TopicPartition> partitions,
                                             OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        if (request.isEmpty()) {
            return Map.of();
        }
        Admin admin = broker.admin();
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result = broker.await(
                admin.listOffsets(request).all(), "list offsets", "a partition");
        Map<TopicPartition, Long> offsets = new HashMap<>();
        result.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }
}

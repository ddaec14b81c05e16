package io.spillway.http.rest;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Reading topics as the Admin client does: a topic's id and partitions from DescribeTopicPartitions (following its
 * cursor, so a topic of any size is read in pages), and partition offsets from ListOffsets. Stateless.
 */
final class TopicDescriptions {
    /** DescribeTopicPartitions' page size (Kafka's default, the broker's maximum). */
    static final int PAGE_PARTITIONS = 2000;
    static final long EARLIEST = -2L;
    static final long LATEST = -1L;
    static final byte READ_UNCOMMITTED = 0;
    static final byte READ_COMMITTED = 1;

    private TopicDescriptions() {
    }

    /** A topic: its id, whether internal, and its partitions with their leaders. */
    record TopicInfo(String name, Uuid id, boolean internal, Map<Integer, Integer> leaders) {
    }

    /** Fails with the topic's error (404 for an unknown topic, 400 for an invalid name, 403 when refused). */
    static CompletableFuture<TopicInfo> describe(KafkaGateway kafka, Caller caller, String name) {
        return page(kafka, caller, name, 0, new TopicInfo(name, Uuid.ZERO_UUID, false, new LinkedHashMap<>()));
    }

    private static CompletableFuture<TopicInfo> page(KafkaGateway kafka, Caller caller, String name, int fromPartition,
                                                     TopicInfo soFar) {
        DescribeTopicPartitionsRequestData request = new DescribeTopicPartitionsRequestData()
                .setTopics(List.of(new DescribeTopicPartitionsRequestData.TopicRequest().setName(name)))
                .setResponsePartitionLimit(PAGE_PARTITIONS);
        if (fromPartition > 0) {
            request.setCursor(new DescribeTopicPartitionsRequestData.Cursor().setTopicName(name)
                    .setPartitionIndex(fromPartition));
        }
        return kafka.<DescribeTopicPartitionsResponseData>call(caller, request).thenCompose(response -> {
            TopicInfo info = soFar;
            for (DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic t : response.topics()) {
                KafkaErrors.check(t.errorCode(), null, "topic " + name);
                info = new TopicInfo(t.name(), t.topicId(), t.isInternal(), info.leaders());
                for (var p : t.partitions()) {
                    info.leaders().put(p.partitionIndex(), p.leaderId());
                }
            }
            var next = response.nextCursor();
            if (next != null && next.topicName().equals(name)) {
                return page(kafka, caller, name, next.partitionIndex(), info);
            }
            if (Uuid.ZERO_UUID.equals(info.id())) {
                throw new RestException(404, "UNKNOWN_TOPIC_OR_PARTITION", "Topic " + name + " does not exist");
            }
            return CompletableFuture.completedFuture(info);
        });
    }

    /**
     * Offsets of partitions by ListOffsets: {@link #EARLIEST} (log start), {@link #LATEST} (the high watermark with
     * {@link #READ_UNCOMMITTED}, the last stable offset with {@link #READ_COMMITTED}) or a timestamp.
     *
     * @param strict whether a partition's error fails the whole call; otherwise such partitions are left out
     */
    static CompletableFuture<Map<TopicPartition, Long>> offsets(KafkaGateway kafka, Caller caller,
                                                               Map<String, ? extends Collection<Integer>> partitions,
                                                               long timestamp, byte isolation, boolean strict) {
        if (partitions.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        List<ListOffsetsRequestData.ListOffsetsTopic> topics = new ArrayList<>();
        partitions.forEach((topic, ps) -> {
            List<ListOffsetsRequestData.ListOffsetsPartition> list = new ArrayList<>();
            ps.forEach(p -> list.add(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(p)
                    .setTimestamp(timestamp).setCurrentLeaderEpoch(-1)));
            topics.add(new ListOffsetsRequestData.ListOffsetsTopic().setName(topic).setPartitions(list));
        });
        ListOffsetsRequestData request = new ListOffsetsRequestData().setReplicaId(-1).setIsolationLevel(isolation)
                .setTopics(topics).setTimeoutMs(TopicCalls.TIMEOUT_MS);
        return kafka.<ListOffsetsResponseData>call(caller, request).thenApply(response -> {
            Map<TopicPartition, Long> out = new HashMap<>();
            for (ListOffsetsResponseData.ListOffsetsTopicResponse t : response.topics()) {
                for (ListOffsetsResponseData.ListOffsetsPartitionResponse p : t.partitions()) {
                    if (p.errorCode() != 0) {
                        if (strict) {
                            KafkaErrors.check(p.errorCode(), null, "partition " + p.partitionIndex() + " of " + t.name());
                        }
                        continue;
                    }
                    out.put(new TopicPartition(t.name(), p.partitionIndex()), p.offset());
                }
            }
            return out;
        });
    }
}

package io.spillway.http.rest;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A group's committed offsets as the Admin client's listConsumerGroupOffsets reads them (OffsetFetch for all topics),
 * with topic ids turned into names by Metadata (OffsetFetch v10 answers by id). Stateless.
 */
final class GroupOffsets {
    private GroupOffsets() {
    }

    /** Committed offsets by partition, in topic and partition order. */
    static CompletableFuture<Map<TopicPartition, Long>> committed(KafkaGateway kafka, Caller caller, String group) {
        OffsetFetchRequestData request = new OffsetFetchRequestData().setRequireStable(false)
                .setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(group)
                        .setMemberId(null).setMemberEpoch(-1).setTopics(null)));
        return kafka.<OffsetFetchResponseData>call(caller, request).thenCompose(response -> {
            Map<Uuid, Map<Integer, Long>> byId = new HashMap<>();
            Map<TopicPartition, Long> byName = new TreeMap<>(GroupOffsets::compare);
            for (OffsetFetchResponseData.OffsetFetchResponseGroup g : response.groups()) {
                KafkaErrors.check(g.errorCode(), null, "group " + group);
                for (OffsetFetchResponseData.OffsetFetchResponseTopics t : g.topics()) {
                    for (OffsetFetchResponseData.OffsetFetchResponsePartitions p : t.partitions()) {
                        if (p.errorCode() != 0 || p.committedOffset() < 0) {
                            continue;
                        }
                        if (t.name() != null && !t.name().isEmpty()) {
                            byName.put(new TopicPartition(t.name(), p.partitionIndex()), p.committedOffset());
                        } else {
                            byId.computeIfAbsent(t.topicId(), id -> new TreeMap<>())
                                    .put(p.partitionIndex(), p.committedOffset());
                        }
                    }
                }
            }
            if (byId.isEmpty()) {
                return CompletableFuture.completedFuture(byName);
            }
            return names(kafka, caller, byId.keySet()).thenApply(names -> {
                byId.forEach((id, partitions) -> {
                    String name = names.get(id);
                    if (name != null) { // a topic deleted since: its offsets are gone with it
                        partitions.forEach((p, offset) -> byName.put(new TopicPartition(name, p), offset));
                    }
                });
                return byName;
            });
        });
    }

    /** Topic names by id, by a Metadata request for those ids (unknown ids are left out). */
    static CompletableFuture<Map<Uuid, String>> names(KafkaGateway kafka, Caller caller, Iterable<Uuid> ids) {
        List<MetadataRequestData.MetadataRequestTopic> topics = new ArrayList<>();
        ids.forEach(id -> topics.add(new MetadataRequestData.MetadataRequestTopic().setTopicId(id).setName(null)));
        MetadataRequestData request = new MetadataRequestData().setTopics(topics).setAllowAutoTopicCreation(false);
        return kafka.<MetadataResponseData>call(caller, request).thenApply(response -> {
            Map<Uuid, String> out = new HashMap<>();
            for (MetadataResponseData.MetadataResponseTopic t : response.topics()) {
                if (t.errorCode() == 0 && t.name() != null) {
                    out.put(t.topicId(), t.name());
                }
            }
            return out;
        });
    }

    static int compare(TopicPartition a, TopicPartition b) {
        int c = a.topic().compareTo(b.topic());
        return c != 0 ? c : Integer.compare(a.partition(), b.partition());
    }
}

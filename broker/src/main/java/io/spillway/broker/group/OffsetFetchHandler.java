package io.spillway.broker.group;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Topics;
import io.spillway.coordinator.group.CommittedOffset;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetFetchResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetFetch for one group (v1-7) or several (v8+, topics by id from v10). Partitions without a commit
 * answer offset -1, as Kafka does. With require_stable (v7+, read_committed consumers), a partition whose
 * offset is pending in an open transaction answers UNSTABLE_OFFSET_COMMIT, so the consumer waits for the
 * transaction to finish instead of starting from an offset that may be rolled back. From v9 a
 * consumer-protocol member names itself: an unknown member or stale epoch fails its group with
 * UNKNOWN_MEMBER_ID / STALE_MEMBER_EPOCH.
 */
public final class OffsetFetchHandler implements ApiHandler<OffsetFetchRequestData, OffsetFetchResponseData> {
    private final GroupCoordinator coordinator;
    private final Topics topics;

    public OffsetFetchHandler(GroupCoordinator coordinator, Topics topics) {
        this.coordinator = coordinator;
        this.topics = topics;
    }

    /** Requested partitions of one topic (by name or id); a null list means every committed one. */
    private record Wanted(String name, Uuid id, List<Integer> partitions) {
    }

    @Override
    public CompletableFuture<OffsetFetchResponseData> handle(RequestContext context, OffsetFetchRequestData request) {
        if (context.apiVersion() < 8) {
            if (!context.may(AclOperation.DESCRIBE, ResourceType.GROUP, request.groupId())) {
                throw new GroupAuthorizationException("Not authorized to fetch offsets of group " + request.groupId());
            }
            List<Wanted> wanted = request.topics() == null ? null : request.topics().stream()
                    .map(t -> new Wanted(t.name(), Uuid.ZERO_UUID, t.partitionIndexes())).toList();
            return fetch(context, request.groupId(), wanted, false, request.requireStable(), null, -1).thenApply(result -> {
                OffsetFetchResponseData response = new OffsetFetchResponseData();
                for (OffsetFetchResponseData.OffsetFetchResponseTopics t : result.topics) {
                    OffsetFetchResponseData.OffsetFetchResponseTopic old = new OffsetFetchResponseData.OffsetFetchResponseTopic()
                            .setName(t.name());
                    t.partitions().forEach(p -> old.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
                            .setPartitionIndex(p.partitionIndex()).setCommittedOffset(p.committedOffset())
                            .setCommittedLeaderEpoch(p.committedLeaderEpoch()).setMetadata(p.metadata())
                            .setErrorCode(p.errorCode())));
                    response.topics().add(old);
                }
                return response;
            });
        }
        boolean byId = context.apiVersion() >= 10;
        List<CompletableFuture<OffsetFetchResponseData.OffsetFetchResponseGroup>> groups = new ArrayList<>();
        for (OffsetFetchRequestData.OffsetFetchRequestGroup g : request.groups()) {
            List<Wanted> wanted = g.topics() == null ? null : g.topics().stream()
                    .map(t -> new Wanted(t.name(), t.topicId(), t.partitionIndexes())).toList();
            groups.add(fetch(context, g.groupId(), wanted, byId, request.requireStable(), g.memberId(), g.memberEpoch())
                    .thenApply(result -> result.groupError != Errors.NONE
                            ? OffsetFetchResponse.groupError(g, result.groupError, context.apiVersion())
                            : new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId(g.groupId())
                                    .setTopics(result.topics)));
        }
        return CompletableFuture.allOf(groups.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            OffsetFetchResponseData response = new OffsetFetchResponseData();
            groups.forEach(g -> response.groups().add(g.join()));
            return response;
        });
    }

    /** One group's answer: its error, or its topics. */
    private record GroupResult(Errors groupError, List<OffsetFetchResponseData.OffsetFetchResponseTopics> topics) {
    }

    private CompletableFuture<GroupResult> fetch(RequestContext context, String groupId, List<Wanted> wanted,
                                                 boolean byId, boolean requireStable, String memberId, int memberEpoch) {
        if (!context.may(AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
            return CompletableFuture.completedFuture(new GroupResult(Errors.GROUP_AUTHORIZATION_FAILED, List.of()));
        }
        Map<String, Wanted> byName = new LinkedHashMap<>();
        List<TopicPartition> partitions = null;
        if (wanted != null) {
            partitions = new ArrayList<>();
            for (Wanted w : wanted) {
                TopicMetadata topic = byId ? topics.byId(w.id()) : null;
                String name = byId ? (topic != null ? topic.kafkaName() : w.id().toString()) : w.name();
                byName.put(name, w);
                for (int p : w.partitions()) {
                    partitions.add(new TopicPartition(name, p));
                }
            }
        }
        List<TopicPartition> requested = partitions;
        return coordinator.fetchOffsets(groupId, partitions, requireStable, memberId, memberEpoch).thenApply(result -> {
            if (result.groupError() != Errors.NONE) {
                return new GroupResult(result.groupError(), List.of());
            }
            return new GroupResult(Errors.NONE, topics(context, result, requested, byName));
        });
    }

    private List<OffsetFetchResponseData.OffsetFetchResponseTopics> topics(RequestContext context,
                                                                           GroupCoordinator.OffsetFetchResult result,
                                                                           List<TopicPartition> partitions,
                                                                           Map<String, Wanted> byName) {
        Map<TopicPartition, CommittedOffset> committed = result.offsets();
        Map<String, Map<Integer, CommittedOffset>> grouped = new TreeMap<>();
        if (partitions == null) {
            committed.forEach((tp, o) -> grouped.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), o));
            result.unstable().forEach(tp -> grouped.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), null));
        } else {
            for (TopicPartition tp : partitions) {
                grouped.computeIfAbsent(tp.topic(), t -> new LinkedHashMap<>()).put(tp.partition(), committed.get(tp));
            }
        }
        List<OffsetFetchResponseData.OffsetFetchResponseTopics> out = new ArrayList<>();
        grouped.forEach((name, byPartition) -> {
            // As Kafka: a topic the principal may not DESCRIBE is left out of "all offsets", and answered
            // TOPIC_AUTHORIZATION_FAILED when named.
            boolean refused = !context.may(AclOperation.DESCRIBE, ResourceType.TOPIC, name);
            if (refused && partitions == null) {
                return;
            }
            Wanted w = byName.get(name);
            TopicMetadata topic = topics.byName(name);
            OffsetFetchResponseData.OffsetFetchResponseTopics t = new OffsetFetchResponseData.OffsetFetchResponseTopics()
                    .setName(name)
                    .setTopicId(w != null ? w.id() : (topic != null ? topic.id() : Uuid.ZERO_UUID));
            byPartition.forEach((partition, committedOffset) -> {
                CommittedOffset o = refused ? null : committedOffset;
                t.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartitions()
                    .setPartitionIndex(partition)
                    .setCommittedOffset(o == null ? -1 : o.offset())
                    .setCommittedLeaderEpoch(o == null ? -1 : o.leaderEpoch())
                    .setMetadata(o == null ? "" : o.metadata())
                    .setErrorCode(refused ? Errors.TOPIC_AUTHORIZATION_FAILED.code()
                            : result.unstable().contains(new TopicPartition(name, partition))
                            ? Errors.UNSTABLE_OFFSET_COMMIT.code() : Errors.NONE.code()));
            });
            out.add(t);
        });
        return out;
    }
}

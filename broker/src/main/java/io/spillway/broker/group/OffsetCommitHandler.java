package io.spillway.broker.group;

import org.apache.kafka.common.errors.GroupAuthorizationException;
import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Topics;
import io.spillway.common.Time;
import io.spillway.coordinator.group.CommittedOffset;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetCommit (topics by name, or by id from v10; a retention time in v2-v4): stores offsets once the
 * coordinator validated the committer.
 */
public final class OffsetCommitHandler implements ApiHandler<OffsetCommitRequestData, OffsetCommitResponseData> {
    private final GroupCoordinator coordinator;
    private final Topics topics;
    private final Time time;

    public OffsetCommitHandler(GroupCoordinator coordinator, Topics topics, Time time) {
        this.coordinator = coordinator;
        this.topics = topics;
        this.time = time;
    }

    @Override
    public CompletableFuture<OffsetCommitResponseData> handle(RequestContext context, OffsetCommitRequestData request) {
        if (!context.may(AclOperation.READ, ResourceType.GROUP, request.groupId())) {
            throw new GroupAuthorizationException("Not authorized to commit offsets of group " + request.groupId());
        }
        boolean byId = context.apiVersion() >= 10;
        long nowMs = time.nowMs();
        Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
        // v2-v4 may give the offsets a retention time of their own (-1: offsets.retention.minutes)
        long retentionMs = context.apiVersion() >= 2 && context.apiVersion() <= 4 ? request.retentionTimeMs() : -1;
        long expireTimestampMs = retentionMs == -1 ? -1 : nowMs + retentionMs;
        Map<TopicPartition, Errors> unknown = new HashMap<>();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic t : request.topics()) {
            TopicMetadata topic = byId ? topics.byId(t.topicId()) : topics.byName(t.name());
            String name = topic != null ? topic.kafkaName() : (byId ? t.topicId().toString() : t.name());
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
                TopicPartition tp = new TopicPartition(name, p.partitionIndex());
                if (!context.may(AclOperation.READ, ResourceType.TOPIC, name)) {
                    unknown.put(tp, Errors.TOPIC_AUTHORIZATION_FAILED);
                } else if (topics.partition(topic, p.partitionIndex()) == null) {
                    unknown.put(tp, byId && topic == null ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION);
                } else {
                    offsets.put(tp, new CommittedOffset(p.committedOffset(), p.committedLeaderEpoch(),
                            p.committedMetadata() == null ? "" : p.committedMetadata(), nowMs, expireTimestampMs));
                }
            }
        }
        CompletableFuture<Map<TopicPartition, Errors>> committed = offsets.isEmpty()
                ? CompletableFuture.completedFuture(Map.of())
                : coordinator.commitOffsets(request.groupId(), request.generationIdOrMemberEpoch(), request.memberId(),
                        request.groupInstanceId(), context.apiVersion(), offsets);
        return committed.thenApply(errors -> {
            OffsetCommitResponseData response = new OffsetCommitResponseData();
            for (OffsetCommitRequestData.OffsetCommitRequestTopic t : request.topics()) {
                TopicMetadata topic = byId ? topics.byId(t.topicId()) : topics.byName(t.name());
                String name = topic != null ? topic.kafkaName() : (byId ? t.topicId().toString() : t.name());
                OffsetCommitResponseData.OffsetCommitResponseTopic out = new OffsetCommitResponseData.OffsetCommitResponseTopic()
                        .setName(t.name()).setTopicId(t.topicId());
                for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
                    TopicPartition tp = new TopicPartition(name, p.partitionIndex());
                    Errors error = unknown.containsKey(tp) ? unknown.get(tp) : errors.getOrDefault(tp, Errors.NONE);
                    out.partitions().add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
                            .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code()));
                }
                response.topics().add(out);
            }
            return response;
        });
    }
}

package io.spillway.broker.group;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Topics;
import io.spillway.coordinator.share.SharePartitionKey;
import io.spillway.coordinator.share.SharePartitionState;
import io.spillway.coordinator.share.ShareStateStore;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeShareGroupOffsets (v0-1): the share-partition start offsets of share groups, from the share state store,
 * and (v1) each partition's lag: high watermark minus start offset minus the records already done after it. As
 * Kafka: DESCRIBE on the group (else GROUP_AUTHORIZATION_FAILED for it) and on each topic (else its partitions
 * answer TOPIC_AUTHORIZATION_FAILED); topics null means every partition the group has state for (topics the caller
 * may not DESCRIBE are left out); a partition without state, of a missing topic too, answers start offset -1 without
 * an error. The group itself is not checked, as in Kafka. Stateless and thread safe.
 */
public final class DescribeShareGroupOffsetsHandler
        implements ApiHandler<DescribeShareGroupOffsetsRequestData, DescribeShareGroupOffsetsResponseData> {
    private final Topics topics;
    private final ShareStateStore states;

    /** @param states the share-partition state, or null while this broker has none (groups then fail) */
    public DescribeShareGroupOffsetsHandler(Topics topics, ShareStateStore states) {
        this.topics = topics;
        this.states = states;
    }

    @Override
    public CompletableFuture<DescribeShareGroupOffsetsResponseData> handle(
            RequestContext context, DescribeShareGroupOffsetsRequestData request) {
        List<CompletableFuture<DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseGroup>> groups =
                new ArrayList<>();
        for (var group : request.groups()) {
            groups.add(describe(context, group).exceptionally(error -> groupError(group.groupId(),
                    ApiError.fromThrowable(error))));
        }
        return CompletableFuture.allOf(groups.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            DescribeShareGroupOffsetsResponseData response = new DescribeShareGroupOffsetsResponseData();
            groups.forEach(g -> response.groups().add(g.join()));
            return response;
        });
    }

    private CompletableFuture<DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseGroup> describe(
            RequestContext context, DescribeShareGroupOffsetsRequestData.DescribeShareGroupOffsetsRequestGroup group) {
        String groupId = group.groupId();
        if (!context.may(AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
            return CompletableFuture.completedFuture(groupError(groupId, new ApiError(Errors.GROUP_AUTHORIZATION_FAILED,
                    context.principal() + " may not DESCRIBE group " + groupId)));
        }
        if (states == null) {
            return CompletableFuture.completedFuture(groupError(groupId, ShareStates.NOT_AVAILABLE));
        }
        boolean withLag = context.apiVersion() >= 1;
        if (group.topics() == null) {
            return states.readGroup(groupId).thenApply(all -> {
                Map<String, TreeMap<Integer, SharePartitionState>> byTopic = new TreeMap<>();
                Map<String, Uuid> ids = new TreeMap<>();
                all.forEach((key, state) -> {
                    TopicMetadata topic = topics.byId(key.topicId());
                    if (topic != null && context.may(AclOperation.DESCRIBE, ResourceType.TOPIC, topic.kafkaName())) {
                        byTopic.computeIfAbsent(topic.kafkaName(), n -> new TreeMap<>()).put(key.partition(), state);
                        ids.put(topic.kafkaName(), topic.id());
                    }
                });
                var out = new DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseGroup()
                        .setGroupId(groupId);
                byTopic.forEach((name, partitions) -> {
                    var t = new DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseTopic()
                            .setTopicName(name).setTopicId(ids.get(name));
                    partitions.forEach((p, state) -> t.partitions().add(partition(topics.byName(name), p, state,
                            withLag)));
                    out.topics().add(t);
                });
                return out;
            });
        }
        List<CompletableFuture<DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseTopic>> answers =
                new ArrayList<>();
        for (var requested : group.topics()) {
            answers.add(topic(context, groupId, requested, withLag));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            var out = new DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseGroup()
                    .setGroupId(groupId);
            answers.forEach(a -> out.topics().add(a.join()));
            return out;
        });
    }

    private CompletableFuture<DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseTopic> topic(
            RequestContext context, String groupId,
            DescribeShareGroupOffsetsRequestData.DescribeShareGroupOffsetsRequestTopic requested, boolean withLag) {
        String name = requested.topicName();
        var out = new DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseTopic().setTopicName(name)
                .setTopicId(Uuid.ZERO_UUID);
        if (!context.may(AclOperation.DESCRIBE, ResourceType.TOPIC, name)) {
            requested.partitions().forEach(p -> out.partitions().add(
                    new DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponsePartition()
                            .setPartitionIndex(p).setStartOffset(-1).setLag(-1)
                            .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                            .setErrorMessage(Errors.TOPIC_AUTHORIZATION_FAILED.message())));
            return CompletableFuture.completedFuture(out);
        }
        TopicMetadata topic = topics.byName(name);
        if (topic == null) {
            requested.partitions().forEach(p -> out.partitions().add(partition(null, p, null, withLag)));
            return CompletableFuture.completedFuture(out);
        }
        out.setTopicId(topic.id());
        List<CompletableFuture<SharePartitionState>> reads = new ArrayList<>();
        for (int p : requested.partitions()) {
            reads.add(states.read(new SharePartitionKey(groupId, topic.id(), p)));
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            for (int i = 0; i < reads.size(); i++) {
                out.partitions().add(partition(topic, requested.partitions().get(i), reads.get(i).join(), withLag));
            }
            return out;
        });
    }

    /** One partition's answer; start offset and lag -1 without state (or without a high watermark to count from). */
    private DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponsePartition partition(
            TopicMetadata topic, int partition, SharePartitionState state, boolean withLag) {
        var out = new DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponsePartition()
                .setPartitionIndex(partition).setLeaderEpoch(-1).setStartOffset(-1).setLag(-1);
        if (state == null || state.startOffset() == SharePartitionState.UNINITIALIZED) {
            return out;
        }
        out.setStartOffset(state.startOffset());
        if (withLag && topic != null && partition >= 0 && partition < topic.partitionCount()) {
            long highWatermark = topics.partition(topic, partition).highWatermark();
            out.setLag(Math.max(0, highWatermark - state.startOffset() - state.deliveryCompleteCount()));
        }
        return out;
    }

    private static DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseGroup groupError(
            String groupId, ApiError error) {
        return new DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseGroup().setGroupId(groupId)
                .setErrorCode(error.error().code()).setErrorMessage(error.message());
    }
}

package io.spillway.broker.group;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Topics;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.coordinator.share.SharePartitionKey;
import io.spillway.coordinator.share.ShareStateStore;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.AlterShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.AlterShareGroupOffsetsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * AlterShareGroupOffsets (v0): sets share-partition start offsets of a share group without members
 * ({@link ShareStateStore#reset}: the in-flight records go, the state epoch rises). As Kafka: READ on the group
 * (else GROUP_AUTHORIZATION_FAILED); the group must be a share group (GROUP_ID_NOT_FOUND; an unknown one is created
 * empty) without members (NON_EMPTY_GROUP); per partition TOPIC_AUTHORIZATION_FAILED without READ on its topic and
 * UNKNOWN_TOPIC_OR_PARTITION for a topic or partition that does not exist. Stateless and thread safe.
 */
public final class AlterShareGroupOffsetsHandler
        implements ApiHandler<AlterShareGroupOffsetsRequestData, AlterShareGroupOffsetsResponseData> {
    private final GroupCoordinator coordinator;
    private final Topics topics;
    private final ShareStateStore states;

    /** @param states the share-partition state, or null while this broker has none (requests then fail) */
    public AlterShareGroupOffsetsHandler(GroupCoordinator coordinator, Topics topics, ShareStateStore states) {
        this.coordinator = coordinator;
        this.topics = topics;
        this.states = states;
    }

    @Override
    public CompletableFuture<AlterShareGroupOffsetsResponseData> handle(RequestContext context,
                                                                       AlterShareGroupOffsetsRequestData request) {
        String groupId = request.groupId();
        if (!context.may(AclOperation.READ, ResourceType.GROUP, groupId)) {
            return CompletableFuture.completedFuture(failed(request, new ApiError(Errors.GROUP_AUTHORIZATION_FAILED,
                    context.principal() + " may not READ group " + groupId)));
        }
        // Without a store an unknown group is not created: the request cannot succeed anyway.
        return coordinator.prepareShareGroupOffsetsChange(groupId, states != null).thenCompose(check -> {
            if (check.error() != Errors.NONE) {
                return CompletableFuture.completedFuture(failed(request, check));
            }
            if (states == null) {
                return CompletableFuture.completedFuture(failed(request, ShareStates.NOT_AVAILABLE));
            }
            return alter(context, request);
        });
    }

    private CompletableFuture<AlterShareGroupOffsetsResponseData> alter(RequestContext context,
                                                                       AlterShareGroupOffsetsRequestData request) {
        AlterShareGroupOffsetsResponseData response = new AlterShareGroupOffsetsResponseData();
        List<CompletableFuture<Void>> resets = new ArrayList<>();
        for (var requested : request.topics()) {
            String name = requested.topicName();
            var answer = new AlterShareGroupOffsetsResponseData.AlterShareGroupOffsetsResponseTopic().setTopicName(name)
                    .setTopicId(Uuid.ZERO_UUID);
            response.responses().add(answer);
            boolean allowed = context.may(AclOperation.READ, ResourceType.TOPIC, name);
            TopicMetadata topic = allowed ? topics.byName(name) : null;
            if (topic != null) {
                answer.setTopicId(topic.id());
            }
            for (var p : requested.partitions()) {
                var partition = new AlterShareGroupOffsetsResponseData.AlterShareGroupOffsetsResponsePartition()
                        .setPartitionIndex(p.partitionIndex());
                answer.partitions().add(partition);
                if (!allowed) {
                    set(partition, new ApiError(Errors.TOPIC_AUTHORIZATION_FAILED, null));
                } else if (topic == null || p.partitionIndex() < 0 || p.partitionIndex() >= topic.partitionCount()) {
                    set(partition, new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, null));
                } else {
                    resets.add(states.reset(new SharePartitionKey(request.groupId(), topic.id(), p.partitionIndex()),
                                    p.startOffset())
                            .handle((ok, error) -> {
                                set(partition, error == null ? ApiError.NONE : ApiError.fromThrowable(error));
                                return null;
                            }));
                }
            }
        }
        return CompletableFuture.allOf(resets.toArray(CompletableFuture[]::new)).thenApply(ignored -> response);
    }

    private static void set(AlterShareGroupOffsetsResponseData.AlterShareGroupOffsetsResponsePartition partition,
                            ApiError error) {
        partition.setErrorCode(error.error().code()).setErrorMessage(error.error() == Errors.NONE ? null
                : error.message());
    }

    /** Every partition, and the response, with the same error. */
    private static AlterShareGroupOffsetsResponseData failed(AlterShareGroupOffsetsRequestData request, ApiError error) {
        AlterShareGroupOffsetsResponseData response = new AlterShareGroupOffsetsResponseData()
                .setErrorCode(error.error().code()).setErrorMessage(error.message());
        for (var requested : request.topics()) {
            var answer = new AlterShareGroupOffsetsResponseData.AlterShareGroupOffsetsResponseTopic()
                    .setTopicName(requested.topicName()).setTopicId(Uuid.ZERO_UUID);
            requested.partitions().forEach(p -> {
                var partition = new AlterShareGroupOffsetsResponseData.AlterShareGroupOffsetsResponsePartition()
                        .setPartitionIndex(p.partitionIndex());
                set(partition, error);
                answer.partitions().add(partition);
            });
            response.responses().add(answer);
        }
        return response;
    }
}

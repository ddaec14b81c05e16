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
import org.apache.kafka.common.message.DeleteShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * DeleteShareGroupOffsets (v0): deletes a share group's share-partition state of whole topics
 * ({@link ShareStateStore#delete}); the group must be a share group (GROUP_ID_NOT_FOUND) without members
 * (NON_EMPTY_GROUP). As Kafka: DELETE on the group (else GROUP_AUTHORIZATION_FAILED), per topic
 * TOPIC_AUTHORIZATION_FAILED without READ on it, UNKNOWN_TOPIC_OR_PARTITION for a topic that does not exist or
 * that the group has no state for. Stateless and thread safe.
 */
public final class DeleteShareGroupOffsetsHandler
        implements ApiHandler<DeleteShareGroupOffsetsRequestData, DeleteShareGroupOffsetsResponseData> {
    private final GroupCoordinator coordinator;
    private final Topics topics;
    private final ShareStateStore states;

    /** @param states the share-partition state, or null while this broker has none (requests then fail) */
    public DeleteShareGroupOffsetsHandler(GroupCoordinator coordinator, Topics topics, ShareStateStore states) {
        this.coordinator = coordinator;
        this.topics = topics;
        this.states = states;
    }

    @Override
    public CompletableFuture<DeleteShareGroupOffsetsResponseData> handle(RequestContext context,
                                                                        DeleteShareGroupOffsetsRequestData request) {
        String groupId = request.groupId();
        if (!context.may(AclOperation.DELETE, ResourceType.GROUP, groupId)) {
            return CompletableFuture.completedFuture(failed(new ApiError(Errors.GROUP_AUTHORIZATION_FAILED,
                    context.principal() + " may not DELETE group " + groupId)));
        }
        return coordinator.prepareShareGroupOffsetsChange(groupId, false).thenCompose(check -> {
            if (check.error() != Errors.NONE) {
                return CompletableFuture.completedFuture(failed(check));
            }
            if (states == null) {
                return CompletableFuture.completedFuture(failed(ShareStates.NOT_AVAILABLE));
            }
            return states.readGroup(groupId).thenCompose(stored -> {
                Set<Uuid> withState = new HashSet<>();
                stored.keySet().stream().map(SharePartitionKey::topicId).forEach(withState::add);
                return delete(context, request, withState);
            });
        });
    }

    private CompletableFuture<DeleteShareGroupOffsetsResponseData> delete(RequestContext context,
                                                                         DeleteShareGroupOffsetsRequestData request,
                                                                         Set<Uuid> withState) {
        DeleteShareGroupOffsetsResponseData response = new DeleteShareGroupOffsetsResponseData();
        Set<Uuid> deleting = new HashSet<>();
        List<DeleteShareGroupOffsetsResponseData.DeleteShareGroupOffsetsResponseTopic> deleted = new ArrayList<>();
        for (var requested : request.topics()) {
            String name = requested.topicName();
            var answer = new DeleteShareGroupOffsetsResponseData.DeleteShareGroupOffsetsResponseTopic()
                    .setTopicName(name).setTopicId(Uuid.ZERO_UUID);
            response.responses().add(answer);
            if (!context.may(AclOperation.READ, ResourceType.TOPIC, name)) {
                set(answer, new ApiError(Errors.TOPIC_AUTHORIZATION_FAILED, null));
                continue;
            }
            TopicMetadata topic = topics.byName(name);
            if (topic == null) {
                set(answer, new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, null));
                continue;
            }
            answer.setTopicId(topic.id());
            if (!withState.contains(topic.id())) {
                set(answer, new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "There is no offset information to delete."));
                continue;
            }
            deleting.add(topic.id());
            deleted.add(answer);
        }
        if (deleting.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        return states.delete(request.groupId(), deleting).handle((ok, error) -> {
            ApiError outcome = error == null ? ApiError.NONE : ApiError.fromThrowable(error);
            deleted.forEach(answer -> set(answer, outcome));
            return response;
        });
    }

    private static void set(DeleteShareGroupOffsetsResponseData.DeleteShareGroupOffsetsResponseTopic topic,
                            ApiError error) {
        topic.setErrorCode(error.error().code()).setErrorMessage(error.error() == Errors.NONE ? null : error.message());
    }

    private static DeleteShareGroupOffsetsResponseData failed(ApiError error) {
        return new DeleteShareGroupOffsetsResponseData().setErrorCode(error.error().code())
                .setErrorMessage(error.message());
    }
}

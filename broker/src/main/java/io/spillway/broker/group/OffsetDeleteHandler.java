package io.spillway.broker.group;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.group.GroupCoordinator;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** OffsetDelete: drops committed offsets of partitions the group no longer consumes. */
public final class OffsetDeleteHandler implements ApiHandler<OffsetDeleteRequestData, OffsetDeleteResponseData> {
    private final GroupCoordinator coordinator;

    public OffsetDeleteHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<OffsetDeleteResponseData> handle(RequestContext context, OffsetDeleteRequestData request) {
        // As Kafka: DELETE on the group, and READ on each topic whose offsets go (refused ones are left alone).
        if (!context.may(AclOperation.DELETE, ResourceType.GROUP, request.groupId())) {
            throw new GroupAuthorizationException("Not authorized to delete offsets of group " + request.groupId());
        }
        List<TopicPartition> partitions = new ArrayList<>();
        request.topics().forEach(t -> t.partitions().forEach(p -> {
            if (context.may(AclOperation.READ, ResourceType.TOPIC, t.name())) {
                partitions.add(new TopicPartition(t.name(), p.partitionIndex()));
            }
        }));
        return coordinator.deleteOffsets(request.groupId(), partitions).thenApply(result -> {
            OffsetDeleteResponseData response = new OffsetDeleteResponseData().setErrorCode(result.groupError().code());
            if (result.groupError() != Errors.NONE) {
                return response;
            }
            for (OffsetDeleteRequestData.OffsetDeleteRequestTopic t : request.topics()) {
                OffsetDeleteResponseData.OffsetDeleteResponseTopic out = new OffsetDeleteResponseData.OffsetDeleteResponseTopic()
                        .setName(t.name());
                boolean refused = !context.may(AclOperation.READ, ResourceType.TOPIC, t.name());
                for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : t.partitions()) {
                    Errors error = refused ? Errors.TOPIC_AUTHORIZATION_FAILED : result.partitionErrors()
                            .getOrDefault(new TopicPartition(t.name(), p.partitionIndex()), Errors.NONE);
                    out.partitions().add(new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
                            .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code()));
                }
                response.topics().add(out);
            }
            return response;
        });
    }
}

package io.spillway.broker.group;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.broker.auth.AuthorizedOperations;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/**
 * ConsumerGroupDescribe: state, epochs, assignor and each member's current and target assignment of
 * consumer-protocol groups; other groups answer GROUP_ID_NOT_FOUND, as in Kafka.
 */
public final class ConsumerGroupDescribeHandler
        implements ApiHandler<ConsumerGroupDescribeRequestData, ConsumerGroupDescribeResponseData> {
    private final GroupCoordinator coordinator;

    public ConsumerGroupDescribeHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ConsumerGroupDescribeResponseData> handle(RequestContext context,
                                                                      ConsumerGroupDescribeRequestData request) {
        return coordinator.consumerGroupDescribe(request.groupIds()).thenApply(groups -> {
            ConsumerGroupDescribeResponseData response = new ConsumerGroupDescribeResponseData();
            for (ConsumerGroupDescribeResponseData.DescribedGroup group : groups) {
                if (!context.may(AclOperation.DESCRIBE, ResourceType.GROUP, group.groupId())) {
                    response.groups().add(new ConsumerGroupDescribeResponseData.DescribedGroup()
                            .setGroupId(group.groupId()).setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code())
                            .setErrorMessage(context.principal() + " may not DESCRIBE group " + group.groupId()));
                    continue;
                }
                if (request.includeAuthorizedOperations() && group.errorCode() == Errors.NONE.code()) {
                    group.setAuthorizedOperations(AuthorizedOperations.group(context, group.groupId()));
                }
                response.groups().add(group);
            }
            return response;
        });
    }
}

package io.spillway.broker.group;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.group.GroupCoordinator;
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
                if (request.includeAuthorizedOperations() && group.errorCode() == Errors.NONE.code()) {
                    group.setAuthorizedOperations(DescribeGroupsHandler.ALL_GROUP_OPERATIONS);
                }
                response.groups().add(group);
            }
            return response;
        });
    }
}

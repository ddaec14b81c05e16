package io.spillway.broker.group;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.group.GroupCoordinator;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;

import java.util.concurrent.CompletableFuture;

/**
 * ConsumerGroupHeartbeat (KIP-848): joins, heartbeats and leaves of consumer-protocol members; the
 * answer carries the member's epoch and, when it changed, its assignment (topic ids).
 */
public final class ConsumerGroupHeartbeatHandler
        implements ApiHandler<ConsumerGroupHeartbeatRequestData, ConsumerGroupHeartbeatResponseData> {
    private final GroupCoordinator coordinator;

    public ConsumerGroupHeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ConsumerGroupHeartbeatResponseData> handle(RequestContext context,
                                                                       ConsumerGroupHeartbeatRequestData request) {
        if (!context.may(AclOperation.READ, ResourceType.GROUP, request.groupId())) {
            throw new GroupAuthorizationException("Not authorized to join group " + request.groupId());
        }
        if (request.subscribedTopicNames() != null) {
            for (String topic : request.subscribedTopicNames()) {
                if (!context.may(AclOperation.DESCRIBE, ResourceType.TOPIC, topic)) {
                    throw new TopicAuthorizationException("Not authorized to subscribe to topic " + topic);
                }
            }
        }
        GroupCoordinator.Client client = new GroupCoordinator.Client(context.clientId(),
                JoinGroupHandler.hostOf(context.clientAddress()), context.apiVersion());
        return coordinator.consumerGroupHeartbeat(client, request);
    }
}

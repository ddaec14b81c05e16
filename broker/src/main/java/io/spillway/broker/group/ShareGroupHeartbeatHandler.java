package io.spillway.broker.group;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.group.GroupCoordinator;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.resource.ResourceType;

import java.util.concurrent.CompletableFuture;

/**
 * ShareGroupHeartbeat (KIP-932): joins, heartbeats and leaves of share-group members; the answer carries the
 * member's epoch and, when it changed, its assignment (topic ids). As Kafka: READ on the group, DESCRIBE on every
 * subscribed topic (else the whole request fails with TOPIC_AUTHORIZATION_FAILED). Stateless and thread safe.
 */
public final class ShareGroupHeartbeatHandler
        implements ApiHandler<ShareGroupHeartbeatRequestData, ShareGroupHeartbeatResponseData> {
    private final GroupCoordinator coordinator;

    public ShareGroupHeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ShareGroupHeartbeatResponseData> handle(RequestContext context,
                                                                    ShareGroupHeartbeatRequestData request) {
        if (!context.may(AclOperation.READ, ResourceType.GROUP, request.groupId())) {
            throw new GroupAuthorizationException("Not authorized to join share group " + request.groupId());
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
        return coordinator.shareGroupHeartbeat(client, request);
    }
}

package io.spillway.broker.group;

import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.group.GroupCoordinator;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;

import java.util.concurrent.CompletableFuture;

/** JoinGroup: waits (without a thread) until the group's rebalance completes. */
public final class JoinGroupHandler implements ApiHandler<JoinGroupRequestData, JoinGroupResponseData> {
    private final GroupCoordinator coordinator;

    public JoinGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<JoinGroupResponseData> handle(RequestContext context, JoinGroupRequestData request) {
        if (!context.may(AclOperation.READ, ResourceType.GROUP, request.groupId())) {
            throw new GroupAuthorizationException("Not authorized to join group " + request.groupId());
        }
        if (context.apiVersion() == 0) {
            request.setRebalanceTimeoutMs(request.sessionTimeoutMs()); // v0 has no rebalance timeout
        }
        GroupCoordinator.Client client = new GroupCoordinator.Client(context.clientId(), hostOf(context.clientAddress()),
                context.apiVersion());
        return coordinator.joinGroup(client, request).thenApply(response -> {
            if (context.apiVersion() < 7 && response.protocolName() == null) {
                response.setProtocolName("");
            }
            return response;
        });
    }

    /** "/127.0.0.1:5678" → "/127.0.0.1", as Kafka reports client hosts. */
    static String hostOf(String address) {
        int colon = address.lastIndexOf(':');
        return colon > 0 ? address.substring(0, colon) : address;
    }
}

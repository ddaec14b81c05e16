package io.spillway.broker.group;

import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.group.GroupCoordinator;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;

import java.util.concurrent.CompletableFuture;

/** SyncGroup: followers wait for the leader's assignment; everyone gets theirs once it is stored. */
public final class SyncGroupHandler implements ApiHandler<SyncGroupRequestData, SyncGroupResponseData> {
    private final GroupCoordinator coordinator;

    public SyncGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<SyncGroupResponseData> handle(RequestContext context, SyncGroupRequestData request) {
        if (!context.may(AclOperation.READ, ResourceType.GROUP, request.groupId())) {
            throw new GroupAuthorizationException("Not authorized to sync in group " + request.groupId());
        }
        return coordinator.syncGroup(request);
    }
}

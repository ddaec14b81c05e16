package io.spillway.broker.group;

import org.apache.kafka.common.errors.GroupAuthorizationException;
import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.group.GroupCoordinator;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** LeaveGroup: one member (v0-2) or a batch of members, also by static instance id (v3+). */
public final class LeaveGroupHandler implements ApiHandler<LeaveGroupRequestData, LeaveGroupResponseData> {
    private final GroupCoordinator coordinator;

    public LeaveGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<LeaveGroupResponseData> handle(RequestContext context, LeaveGroupRequestData request) {
        if (!context.may(AclOperation.READ, ResourceType.GROUP, request.groupId())) {
            throw new GroupAuthorizationException("Not authorized to leave group " + request.groupId());
        }
        List<GroupCoordinator.Leaving> leaving = new ArrayList<>();
        if (context.apiVersion() < 3) {
            leaving.add(new GroupCoordinator.Leaving(request.memberId(), null));
        } else {
            request.members().forEach(m -> leaving.add(new GroupCoordinator.Leaving(m.memberId(), m.groupInstanceId())));
        }
        return coordinator.leaveGroup(request.groupId(), leaving).thenApply(result -> response(context, request, result));
    }

    private static LeaveGroupResponseData response(RequestContext context, LeaveGroupRequestData request,
                                                   GroupCoordinator.LeaveResult result) {
        LeaveGroupResponseData response = new LeaveGroupResponseData().setErrorCode(result.groupError().code());
        if (context.apiVersion() < 3) {
            if (result.groupError() == Errors.NONE && !result.memberErrors().isEmpty()) {
                response.setErrorCode(result.memberErrors().get(0).code());
            }
            return response;
        }
        for (int i = 0; i < result.memberErrors().size(); i++) {
            LeaveGroupRequestData.MemberIdentity m = request.members().get(i);
            response.members().add(new LeaveGroupResponseData.MemberResponse().setMemberId(m.memberId())
                    .setGroupInstanceId(m.groupInstanceId()).setErrorCode(result.memberErrors().get(i).code()));
        }
        return response;
    }
}

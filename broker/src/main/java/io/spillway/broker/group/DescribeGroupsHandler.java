package io.spillway.broker.group;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.broker.auth.AuthorizedOperations;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * DescribeGroups: state, protocol and members. An unknown group, and a consumer-protocol group (which
 * Kafka describes only through ConsumerGroupDescribe), are reported as Kafka does: state "Dead"
 * without error up to v5, GROUP_ID_NOT_FOUND from v6.
 */
public final class DescribeGroupsHandler implements ApiHandler<DescribeGroupsRequestData, DescribeGroupsResponseData> {
    private final GroupCoordinator coordinator;

    public DescribeGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<DescribeGroupsResponseData> handle(RequestContext context, DescribeGroupsRequestData request) {
        List<CompletableFuture<DescribeGroupsResponseData.DescribedGroup>> described = new ArrayList<>();
        for (String groupId : request.groups()) {
            if (!context.may(AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
                described.add(CompletableFuture.completedFuture(new DescribeGroupsResponseData.DescribedGroup()
                        .setGroupId(groupId).setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code())
                        .setGroupState("").setProtocolType("").setProtocolData("")
                        .setAuthorizedOperations(Integer.MIN_VALUE)));
                continue;
            }
            described.add(coordinator.describeGroup(groupId).handle((g, error) -> {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause != null && !(cause instanceof GroupIdNotFoundException)) {
                    throw new CompletionException(cause);
                }
                // A consumer-protocol group (GroupIdNotFoundException): Kafka's DescribeGroups describes classic groups only.
                return describe(context, request, groupId, g, cause == null ? "Group " + groupId + " not found."
                        : cause.getMessage());
            }));
        }
        return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            DescribeGroupsResponseData response = new DescribeGroupsResponseData();
            described.forEach(d -> response.groups().add(d.join()));
            return response;
        });
    }

    private static DescribeGroupsResponseData.DescribedGroup describe(RequestContext context,
                                                                      DescribeGroupsRequestData request, String groupId,
                                                                      GroupCoordinator.GroupDescription g, String notFound) {
        DescribeGroupsResponseData.DescribedGroup out = new DescribeGroupsResponseData.DescribedGroup().setGroupId(groupId);
        if (g == null) {
            out.setGroupState("Dead").setProtocolType("").setProtocolData("");
            if (context.apiVersion() >= 6) {
                out.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage(notFound);
            }
            return out;
        }
        out.setGroupState(g.state()).setProtocolType(g.protocolType()).setProtocolData(g.protocolName());
        for (GroupCoordinator.MemberDescription m : g.members()) {
            out.members().add(new DescribeGroupsResponseData.DescribedGroupMember().setMemberId(m.memberId())
                    .setGroupInstanceId(m.groupInstanceId()).setClientId(m.clientId()).setClientHost(m.clientHost())
                    .setMemberMetadata(m.metadata()).setMemberAssignment(m.assignment()));
        }
        if (request.includeAuthorizedOperations()) {
            out.setAuthorizedOperations(AuthorizedOperations.group(context, groupId));
        }
        return out;
    }
}

package io.spillway.broker.group;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.group.GroupCoordinator;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/**
 * DescribeGroups: state, protocol and members. An unknown group, and a consumer-protocol group (which
 * Kafka describes only through ConsumerGroupDescribe), are reported as Kafka does: state "Dead"
 * without error up to v5, GROUP_ID_NOT_FOUND from v6.
 */
public final class DescribeGroupsHandler implements ApiHandler<DescribeGroupsRequestData, DescribeGroupsResponseData> {
    /** READ, DELETE, DESCRIBE on a group. */
    static final int ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

    private final GroupCoordinator coordinator;

    public DescribeGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<DescribeGroupsResponseData> handle(RequestContext context, DescribeGroupsRequestData request) {
        DescribeGroupsResponseData response = new DescribeGroupsResponseData();
        for (String groupId : request.groups()) {
            GroupCoordinator.GroupDescription g;
            String notFound = "Group " + groupId + " not found.";
            try {
                g = coordinator.describeGroup(groupId);
            } catch (GroupIdNotFoundException e) {
                g = null; // a consumer-protocol group: Kafka's DescribeGroups describes classic groups only
                notFound = e.getMessage();
            }
            DescribeGroupsResponseData.DescribedGroup out = new DescribeGroupsResponseData.DescribedGroup().setGroupId(groupId);
            if (g == null) {
                out.setGroupState("Dead").setProtocolType("").setProtocolData("");
                if (context.apiVersion() >= 6) {
                    out.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage(notFound);
                }
            } else {
                out.setGroupState(g.state()).setProtocolType(g.protocolType()).setProtocolData(g.protocolName());
                for (GroupCoordinator.MemberDescription m : g.members()) {
                    out.members().add(new DescribeGroupsResponseData.DescribedGroupMember().setMemberId(m.memberId())
                            .setGroupInstanceId(m.groupInstanceId()).setClientId(m.clientId()).setClientHost(m.clientHost())
                            .setMemberMetadata(m.metadata()).setMemberAssignment(m.assignment()));
                }
                if (request.includeAuthorizedOperations()) {
                    out.setAuthorizedOperations(ALL_GROUP_OPERATIONS);
                }
            }
            response.groups().add(out);
        }
        return CompletableFuture.completedFuture(response);
    }
}

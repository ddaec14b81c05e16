package io.spillway.broker.group;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.group.GroupCoordinator;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** ListGroups, optionally filtered by state (v4+) and group type (v5+); filters match case-insensitively. */
public final class ListGroupsHandler implements ApiHandler<ListGroupsRequestData, ListGroupsResponseData> {
    private final GroupCoordinator coordinator;

    public ListGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ListGroupsResponseData> handle(RequestContext context, ListGroupsRequestData request) {
        Set<String> states = lower(request.statesFilter());
        Set<String> types = lower(request.typesFilter());
        // As Kafka: DESCRIBE on the cluster lists every group, else only the groups the principal may DESCRIBE.
        boolean all = context.mayOnCluster(AclOperation.DESCRIBE);
        return coordinator.listGroups().thenApply(listings -> {
            ListGroupsResponseData response = new ListGroupsResponseData();
            for (GroupCoordinator.GroupListing g : listings) {
            if (!all && !context.may(AclOperation.DESCRIBE, ResourceType.GROUP, g.groupId())) {
                continue;
            }
            if ((states.isEmpty() || states.contains(g.state().toLowerCase(Locale.ROOT)))
                    && (types.isEmpty() || types.contains(g.type().toLowerCase(Locale.ROOT)))) {
                response.groups().add(new ListGroupsResponseData.ListedGroup().setGroupId(g.groupId())
                        .setProtocolType(g.protocolType()).setGroupState(g.state()).setGroupType(g.type()));
                }
            }
            return response;
        });
    }

    private static Set<String> lower(java.util.List<String> values) {
        return values.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }
}

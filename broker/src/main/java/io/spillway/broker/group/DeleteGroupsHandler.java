package io.spillway.broker.group;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.coordinator.group.GroupType;
import io.spillway.coordinator.share.ShareStateStore;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DeleteGroups: removes empty groups and their offsets; active groups get NON_EMPTY_GROUP. A deleted share group's
 * share-partition state is deleted from the share state store too, before the group's answer.
 */
public final class DeleteGroupsHandler implements ApiHandler<DeleteGroupsRequestData, DeleteGroupsResponseData> {
    private final GroupCoordinator coordinator;
    private final ShareStateStore shareStates;

    public DeleteGroupsHandler(GroupCoordinator coordinator) {
        this(coordinator, null);
    }

    /** @param shareStates the share-partition state, or null while this broker has none */
    public DeleteGroupsHandler(GroupCoordinator coordinator, ShareStateStore shareStates) {
        this.coordinator = coordinator;
        this.shareStates = shareStates;
    }

    @Override
    public CompletableFuture<DeleteGroupsResponseData> handle(RequestContext context, DeleteGroupsRequestData request) {
        List<CompletableFuture<DeleteGroupsResponseData.DeletableGroupResult>> results = new ArrayList<>();
        for (String groupId : request.groupsNames()) {
            if (!context.may(AclOperation.DELETE, ResourceType.GROUP, groupId)) {
                results.add(CompletableFuture.completedFuture(new DeleteGroupsResponseData.DeletableGroupResult()
                        .setGroupId(groupId).setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code())));
                continue;
            }
            results.add(coordinator.deleteGroupWithType(groupId).thenCompose(d -> deleteShareState(groupId, d))
                    .thenApply(error -> new DeleteGroupsResponseData.DeletableGroupResult()
                            .setGroupId(groupId).setErrorCode(error.error().code())
                            .setErrorMessage(error.error() == Errors.NONE ? null : error.message())));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            DeleteGroupsResponseData response = new DeleteGroupsResponseData();
            results.forEach(r -> response.results().add(r.join()));
            return response;
        });
    }

    /** After a share group is gone: its share-partition state goes too (an error of that is the group's answer). */
    private CompletableFuture<ApiError> deleteShareState(String groupId, GroupCoordinator.GroupDeletion deletion) {
        if (deletion.error() != Errors.NONE || deletion.type() != GroupType.SHARE || shareStates == null) {
            return CompletableFuture.completedFuture(new ApiError(deletion.error(), deletion.error().message()));
        }
        return shareStates.delete(groupId, null).handle((ok, error) -> error == null ? ApiError.NONE
                : ApiError.fromThrowable(error));
    }
}

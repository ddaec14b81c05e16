package io.spillway.broker.group;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.group.GroupCoordinator;
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
 * DeleteGroups: removes empty groups and their offsets; active groups get NON_EMPTY_GROUP. An empty share group's
 * share-partition state is deleted from the share state store first, then the group.
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
            results.add(delete(groupId)
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

    /**
     * As Kafka: an empty share group's share-partition state is deleted first, and the group only once that
     * succeeded, so a failed deletion can be retried (the group is still there to name). Other groups, and all
     * groups while this broker has no share state store, are deleted at once.
     */
    private CompletableFuture<ApiError> delete(String groupId) {
        if (shareStates == null) {
            return deleteGroup(groupId);
        }
        return coordinator.prepareShareGroupOffsetsChange(groupId, false).thenCompose(check -> {
            if (check.error() == Errors.NON_EMPTY_GROUP) {
                return CompletableFuture.completedFuture(new ApiError(Errors.NON_EMPTY_GROUP,
                        Errors.NON_EMPTY_GROUP.message()));
            }
            if (check.error() != Errors.NONE) {
                return deleteGroup(groupId); // not a share group (or none): nothing in the share state store
            }
            return shareStates.delete(groupId, null).handle((ok, error) -> error).thenCompose(error ->
                    error == null ? deleteGroup(groupId) : CompletableFuture.completedFuture(ApiError.fromThrowable(error)));
        });
    }

    private CompletableFuture<ApiError> deleteGroup(String groupId) {
        return coordinator.deleteGroupWithType(groupId).thenApply(d -> new ApiError(d.error(), d.error().message()));
    }
}

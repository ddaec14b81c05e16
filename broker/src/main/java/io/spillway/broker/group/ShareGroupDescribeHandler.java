package io.spillway.broker.group;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.auth.AuthorizedOperations;
import io.spillway.coordinator.group.GroupCoordinator;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ShareGroupDescribeRequestData;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import java.util.concurrent.CompletableFuture;

/**
 * ShareGroupDescribe: state, epochs, assignor and each member's subscription and assignment of share groups;
 * other and unknown groups answer GROUP_ID_NOT_FOUND, as in Kafka. DESCRIBE on the group is required, and on
 * every topic its members subscribe to (else TOPIC_AUTHORIZATION_FAILED for that group, so a description does not
 * reveal topics the caller may not see). Stateless and thread safe.
 */
public final class ShareGroupDescribeHandler
        implements ApiHandler<ShareGroupDescribeRequestData, ShareGroupDescribeResponseData> {
    private final GroupCoordinator coordinator;

    public ShareGroupDescribeHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ShareGroupDescribeResponseData> handle(RequestContext context,
                                                                   ShareGroupDescribeRequestData request) {
        return coordinator.shareGroupDescribe(request.groupIds()).thenApply(groups -> {
            ShareGroupDescribeResponseData response = new ShareGroupDescribeResponseData();
            for (ShareGroupDescribeResponseData.DescribedGroup group : groups) {
                if (!context.may(AclOperation.DESCRIBE, ResourceType.GROUP, group.groupId())) {
                    response.groups().add(error(group.groupId(), Errors.GROUP_AUTHORIZATION_FAILED,
                            context.principal() + " may not DESCRIBE group " + group.groupId()));
                    continue;
                }
                String hidden = group.members().stream().flatMap(m -> m.subscribedTopicNames().stream())
                        .filter(t -> !context.may(AclOperation.DESCRIBE, ResourceType.TOPIC, t)).findFirst().orElse(null);
                if (hidden != null) {
                    response.groups().add(error(group.groupId(), Errors.TOPIC_AUTHORIZATION_FAILED,
                            "The group has subscribed topics that " + context.principal() + " may not DESCRIBE."));
                    continue;
                }
                if (request.includeAuthorizedOperations() && group.errorCode() == Errors.NONE.code()) {
                    group.setAuthorizedOperations(AuthorizedOperations.group(context, group.groupId()));
                }
                response.groups().add(group);
            }
            return response;
        });
    }

    private static ShareGroupDescribeResponseData.DescribedGroup error(String groupId, Errors error, String message) {
        return new ShareGroupDescribeResponseData.DescribedGroup().setGroupId(groupId).setErrorCode(error.code())
                .setErrorMessage(message);
    }
}

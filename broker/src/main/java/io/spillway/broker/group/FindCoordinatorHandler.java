package io.spillway.broker.group;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.BrokerIdentity;
import io.spillway.broker.RequestContext;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * FindCoordinator (one key, or several from v4): this node coordinates every consumer group and every
 * transactional id. Other key types (share groups) are not served yet and answer INVALID_REQUEST.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequestData, FindCoordinatorResponseData> {
    private static final byte GROUP = 0;
    private static final byte TRANSACTION = 1;

    private final BrokerIdentity identity;

    public FindCoordinatorHandler(BrokerIdentity identity) {
        this.identity = identity;
    }

    @Override
    public CompletableFuture<FindCoordinatorResponseData> handle(RequestContext context, FindCoordinatorRequestData request) {
        FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        if (context.apiVersion() < 4) {
            FindCoordinatorResponseData.Coordinator c = coordinator(context, request.key(), request.keyType());
            return CompletableFuture.completedFuture(response.setErrorCode(c.errorCode()).setErrorMessage(c.errorMessage())
                    .setNodeId(c.nodeId()).setHost(c.host()).setPort(c.port()));
        }
        List<FindCoordinatorResponseData.Coordinator> coordinators = request.coordinatorKeys().stream()
                .map(key -> coordinator(context, key, request.keyType())).toList();
        return CompletableFuture.completedFuture(response.setCoordinators(coordinators));
    }

    private FindCoordinatorResponseData.Coordinator coordinator(RequestContext context, String key, byte keyType) {
        FindCoordinatorResponseData.Coordinator c = new FindCoordinatorResponseData.Coordinator().setKey(key);
        if (keyType != GROUP && keyType != TRANSACTION) {
            return c.setErrorCode(Errors.INVALID_REQUEST.code()).setNodeId(-1).setHost("").setPort(-1)
                    .setErrorMessage("Coordinator key type " + keyType + " is not supported by this broker");
        }
        if (key == null || key.isEmpty()) {
            return c.setErrorCode(Errors.INVALID_REQUEST.code()).setNodeId(-1).setHost("").setPort(-1)
                    .setErrorMessage(keyType == GROUP ? "Group id is empty" : "Transactional id is empty");
        }
        if (!context.may(AclOperation.DESCRIBE, keyType == GROUP ? ResourceType.GROUP : ResourceType.TRANSACTIONAL_ID,
                key)) {
            Errors refused = keyType == GROUP ? Errors.GROUP_AUTHORIZATION_FAILED
                    : Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
            return c.setErrorCode(refused.code()).setNodeId(-1).setHost("").setPort(-1).setErrorMessage(refused.message());
        }
        return c.setNodeId(identity.nodeId()).setHost(identity.host(context.listenerName()))
                .setPort(identity.port(context.listenerName()));
    }
}

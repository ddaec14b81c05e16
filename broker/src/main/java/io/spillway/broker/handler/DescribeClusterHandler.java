package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.BrokerIdentity;
import io.spillway.broker.RequestContext;
import io.spillway.broker.auth.AuthorizedOperations;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/** DescribeCluster: one broker, which is also the controller. */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequestData, DescribeClusterResponseData> {
    /** Endpoint type "brokers" (KIP-919); "controllers" is not served by a broker. */
    private static final byte BROKER_ENDPOINTS = 1;

    private final BrokerIdentity identity;

    public DescribeClusterHandler(BrokerIdentity identity) {
        this.identity = identity;
    }

    @Override
    public CompletableFuture<DescribeClusterResponseData> handle(RequestContext context, DescribeClusterRequestData request) {
        DescribeClusterResponseData response = new DescribeClusterResponseData()
                .setClusterId(identity.clusterId())
                .setControllerId(identity.nodeId())
                .setEndpointType(BROKER_ENDPOINTS);
        if (context.apiVersion() >= 1 && request.endpointType() != BROKER_ENDPOINTS) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("Only the brokers endpoint type is served by this node"));
        }
        response.brokers().add(new DescribeClusterResponseData.DescribeClusterBroker()
                .setBrokerId(identity.nodeId()).setHost(identity.host(context.listenerName()))
                .setPort(identity.port(context.listenerName())));
        if (request.includeClusterAuthorizedOperations()) {
            response.setClusterAuthorizedOperations(AuthorizedOperations.cluster(context));
        }
        return CompletableFuture.completedFuture(response);
    }
}

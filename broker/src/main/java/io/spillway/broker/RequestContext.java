package io.spillway.broker;

import io.spillway.broker.auth.Authorizer;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * Who sent a request and how: the request header, the connection it came on, the listener that accepted the
 * connection and the principal it authenticated as. Immutable.
 *
 * @param connectionId unique per connection for the life of the broker
 * @param listenerName the listener's name (Metadata answers with the addresses of the same listener)
 * @param principal {@code User:name} after SASL or a client certificate, else {@code User:ANONYMOUS}
 * @param authorizer decides what the principal may do ({@link #may})
 * @param throttle how long the client is throttled for this request (quotas); the one mutable part
 */
public record RequestContext(ApiKeys apiKey, short apiVersion, int correlationId, String clientId,
                             String clientAddress, long connectionId, String listenerName,
                             SecurityProtocol securityProtocol, KafkaPrincipal principal, Authorizer authorizer,
                             Throttle throttle) {

    /** The listener name of the embedded default (one PLAINTEXT listener). */
    public static final String DEFAULT_LISTENER = "PLAINTEXT";

    /** A request on the default PLAINTEXT listener by an anonymous client (tests). */
    public RequestContext(ApiKeys apiKey, short apiVersion, int correlationId, String clientId, String clientAddress,
                          long connectionId) {
        this(apiKey, apiVersion, correlationId, clientId, clientAddress, connectionId, DEFAULT_LISTENER,
                SecurityProtocol.PLAINTEXT, KafkaPrincipal.ANONYMOUS, Authorizer.ALLOW_ALL, new Throttle());
    }

    /** Whether this request's principal may perform {@code operation} on the resource ({@link Authorizer}). */
    public boolean may(AclOperation operation, ResourceType resourceType, String resourceName) {
        return authorizer.authorize(this, operation, resourceType, resourceName);
    }

    /** Whether this request's principal may perform {@code operation} on the cluster. */
    public boolean mayOnCluster(AclOperation operation) {
        return authorizer.authorize(this, operation, ResourceType.CLUSTER, Resource.CLUSTER_NAME);
    }

    /** "client 'x' at 1.2.3.4:5678", for log messages. */
    public String describeClient() {
        return "client '" + clientId + "' at " + clientAddress
                + (KafkaPrincipal.ANONYMOUS.equals(principal) ? "" : " (" + principal + ")");
    }
}

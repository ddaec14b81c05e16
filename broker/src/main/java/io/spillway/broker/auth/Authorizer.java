package io.spillway.broker.auth;

import io.spillway.broker.RequestContext;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Decides whether the principal of a request may perform an operation on a resource, with Kafka's ACL semantics.
 * Handlers ask it before they act and answer Kafka's *_AUTHORIZATION_FAILED error codes when it says no.
 * Thread safe; answers from memory.
 */
public interface Authorizer {
    /** Whether ACLs are enforced at all (an authorizer is configured); without one everyone may do everything. */
    boolean enabled();

    /**
     * @param resourceName the topic (Kafka name, also {@code /stream:topic} or a stream path), group id,
     *     transactional id, or "kafka-cluster" for the cluster
     */
    boolean authorize(RequestContext context, AclOperation operation, ResourceType resourceType, String resourceName);

    /**
     * Whether the principal may perform the operation on at least one resource of the type (Kafka's
     * authorizeByResourceType: an idempotent producer needs WRITE on some topic). Deny ACLs are considered.
     */
    default boolean authorizeAny(RequestContext context, AclOperation operation, ResourceType resourceType) {
        return !enabled();
    }

    /** No authorizer: everything is allowed (the default, as in Kafka without authorizer.class.name). */
    Authorizer ALLOW_ALL = new Authorizer() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public boolean authorize(RequestContext context, AclOperation operation, ResourceType resourceType,
                                 String resourceName) {
            return true;
        }
    };
}

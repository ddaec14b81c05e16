package io.spillway.broker.auth;

import io.spillway.broker.RequestContext;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/** Requests of a principal and ACL bindings, for the authorizer and ACL handler tests. */
public final class AclFixtures {
    /** The client address of {@link #context(String)}. */
    public static final String HOST = "10.0.0.1";

    private AclFixtures() {
    }

    /** A request of {@code principal} ({@code type:name}) from {@code /10.0.0.1:5555}. */
    public static RequestContext context(String principal) {
        return context(principal, "/" + HOST + ":5555");
    }

    public static RequestContext context(String principal, String clientAddress) {
        int colon = principal.indexOf(':');
        return new RequestContext(ApiKeys.METADATA, (short) 12, 1, "test", clientAddress, 1, "PLAINTEXT",
                SecurityProtocol.PLAINTEXT,
                new KafkaPrincipal(principal.substring(0, colon), principal.substring(colon + 1)), Authorizer.ALLOW_ALL,
                new io.spillway.broker.Throttle());
    }

    public static AclBinding acl(ResourceType type, String name, PatternType patternType, String principal, String host,
                                 AclOperation operation, AclPermissionType permission) {
        return new AclBinding(new ResourcePattern(type, name, patternType),
                new AccessControlEntry(principal, host, operation, permission));
    }

    public static AclBinding allow(ResourceType type, String name, PatternType patternType, String principal,
                                   AclOperation operation) {
        return acl(type, name, patternType, principal, "*", operation, AclPermissionType.ALLOW);
    }

    public static AclBinding deny(ResourceType type, String name, PatternType patternType, String principal,
                                  AclOperation operation) {
        return acl(type, name, patternType, principal, "*", operation, AclPermissionType.DENY);
    }
}

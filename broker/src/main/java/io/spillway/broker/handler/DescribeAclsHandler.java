package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.auth.AclAuthorizer;
import io.spillway.broker.auth.Authorizer;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.message.DescribeAclsRequestData;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.message.DescribeAclsResponseData.AclDescription;
import org.apache.kafka.common.message.DescribeAclsResponseData.DescribeAclsResource;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeAcls, as Kafka answers it: CLUSTER_AUTHORIZATION_FAILED unless the principal may DESCRIBE the CLUSTER;
 * SECURITY_DISABLED ("No Authorizer is configured on the broker") without an authorizer; else every ACL the filter
 * matches, grouped by resource pattern (in the order the ACLs were created). The filter means what Kafka's
 * {@link AclBindingFilter} means: ANY (or a null name, principal or host) matches everything, a pattern type names
 * exactly that type, and MATCH finds the ACLs that would apply to the named resource (LITERAL with that name or
 * {@code *}, PREFIXED with a prefix of it). A filter with an element Kafka does not know is answered INVALID_REQUEST
 * (Kafka cannot parse such a request and closes the connection).
 */
public final class DescribeAclsHandler implements ApiHandler<DescribeAclsRequestData, DescribeAclsResponseData> {
    private final Authorizer authorizer;

    public DescribeAclsHandler(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    public CompletableFuture<DescribeAclsResponseData> handle(RequestContext context, DescribeAclsRequestData request) {
        if (!authorizer.authorize(context, AclOperation.DESCRIBE, ResourceType.CLUSTER, Resource.CLUSTER_NAME)) {
            return error(new ClusterAuthorizationException("DescribeAcls needs DESCRIBE on the CLUSTER, which "
                    + context.principal() + " may not do"));
        }
        if (!(authorizer instanceof AclAuthorizer acls)) {
            return error(new SecurityDisabledException("No Authorizer is configured on the broker"));
        }
        AclBindingFilter filter = new AclBindingFilter(
                new ResourcePatternFilter(ResourceType.fromCode(request.resourceTypeFilter()),
                        request.resourceNameFilter(), PatternType.fromCode(request.patternTypeFilter())),
                new AccessControlEntryFilter(request.principalFilter(), request.hostFilter(),
                        AclOperation.fromCode(request.operation()), AclPermissionType.fromCode(request.permissionType())));
        if (filter.isUnknown()) {
            return error(new InvalidRequestException("DescribeAcls filter contains elements this broker does not know "
                    + "(resource type " + request.resourceTypeFilter() + ", pattern type " + request.patternTypeFilter()
                    + ", operation " + request.operation() + ", permission type " + request.permissionType() + ")"));
        }
        Map<ResourcePattern, List<AccessControlEntry>> byPattern = new LinkedHashMap<>();
        for (AclBinding binding : acls.acls(filter)) {
            byPattern.computeIfAbsent(binding.pattern(), p -> new ArrayList<>()).add(binding.entry());
        }
        DescribeAclsResponseData response = new DescribeAclsResponseData();
        byPattern.forEach((pattern, entries) -> {
            DescribeAclsResource resource = new DescribeAclsResource().setResourceType(pattern.resourceType().code())
                    .setResourceName(pattern.name()).setPatternType(pattern.patternType().code());
            for (AccessControlEntry entry : entries) {
                resource.acls().add(new AclDescription().setPrincipal(entry.principal()).setHost(entry.host())
                        .setOperation(entry.operation().code()).setPermissionType(entry.permissionType().code()));
            }
            response.resources().add(resource);
        });
        return CompletableFuture.completedFuture(response);
    }

    private static CompletableFuture<DescribeAclsResponseData> error(Exception e) {
        ApiError error = ApiError.fromThrowable(e);
        return CompletableFuture.completedFuture(new DescribeAclsResponseData().setErrorCode(error.error().code())
                .setErrorMessage(error.message()));
    }
}

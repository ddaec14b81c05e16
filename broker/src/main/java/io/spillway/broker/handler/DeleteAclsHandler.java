package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.auth.AclAuthorizer;
import io.spillway.broker.auth.Authorizer;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.message.DeleteAclsRequestData;
import org.apache.kafka.common.message.DeleteAclsRequestData.DeleteAclsFilter;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.message.DeleteAclsResponseData.DeleteAclsFilterResult;
import org.apache.kafka.common.message.DeleteAclsResponseData.DeleteAclsMatchingAcl;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DeleteAcls, as Kafka answers it: CLUSTER_AUTHORIZATION_FAILED for every filter unless the principal may ALTER the
 * CLUSTER; SECURITY_DISABLED ("No Authorizer is configured.") without an authorizer. Otherwise every ACL that any
 * filter matches (with {@link AclBindingFilter}'s meaning, as in DescribeAcls) is removed with one durable write, and
 * each filter's result lists the ACLs it matched (an ACL that two filters match is in both). A filter with an element
 * Kafka does not know gets INVALID_REQUEST ("Unknown patternFilter." / "Unknown entryFilter."), the others are
 * still applied.
 */
public final class DeleteAclsHandler implements ApiHandler<DeleteAclsRequestData, DeleteAclsResponseData> {
    private final Authorizer authorizer;

    public DeleteAclsHandler(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    public CompletableFuture<DeleteAclsResponseData> handle(RequestContext context, DeleteAclsRequestData request) {
        List<DeleteAclsFilter> filters = request.filters();
        if (!authorizer.authorize(context, AclOperation.ALTER, ResourceType.CLUSTER, Resource.CLUSTER_NAME)) {
            return answerAll(filters, new ClusterAuthorizationException("DeleteAcls needs ALTER on the CLUSTER, which "
                    + context.principal() + " may not do"));
        }
        if (!(authorizer instanceof AclAuthorizer acls)) {
            return answerAll(filters, new SecurityDisabledException("No Authorizer is configured."));
        }
        DeleteAclsFilterResult[] results = new DeleteAclsFilterResult[filters.size()];
        List<AclBindingFilter> valid = new ArrayList<>();
        List<Integer> validIndexes = new ArrayList<>();
        for (int i = 0; i < filters.size(); i++) {
            AclBindingFilter filter = filter(filters.get(i));
            if (filter.patternFilter().isUnknown()) {
                results[i] = result(new InvalidRequestException("Unknown patternFilter."));
            } else if (filter.entryFilter().isUnknown()) {
                results[i] = result(new InvalidRequestException("Unknown entryFilter."));
            } else {
                valid.add(filter);
                validIndexes.add(i);
            }
        }
        if (!valid.isEmpty()) {
            try {
                List<List<AclBinding>> matched = acls.remove(valid);
                for (int v = 0; v < valid.size(); v++) {
                    DeleteAclsFilterResult result = new DeleteAclsFilterResult();
                    matched.get(v).forEach(binding -> result.matchingAcls().add(matchingAcl(binding)));
                    results[validIndexes.get(v)] = result;
                }
            } catch (RuntimeException e) { // a full disk (KAFKA_STORAGE_ERROR): none was removed
                for (int i : validIndexes) {
                    results[i] = result(e);
                }
            }
        }
        return CompletableFuture.completedFuture(new DeleteAclsResponseData().setFilterResults(List.of(results)));
    }

    private static AclBindingFilter filter(DeleteAclsFilter filter) {
        return new AclBindingFilter(
                new ResourcePatternFilter(ResourceType.fromCode(filter.resourceTypeFilter()),
                        filter.resourceNameFilter(), PatternType.fromCode(filter.patternTypeFilter())),
                new AccessControlEntryFilter(filter.principalFilter(), filter.hostFilter(),
                        AclOperation.fromCode(filter.operation()), AclPermissionType.fromCode(filter.permissionType())));
    }

    private static DeleteAclsMatchingAcl matchingAcl(AclBinding binding) {
        return new DeleteAclsMatchingAcl().setErrorCode(Errors.NONE.code())
                .setResourceType(binding.pattern().resourceType().code()).setResourceName(binding.pattern().name())
                .setPatternType(binding.pattern().patternType().code()).setPrincipal(binding.entry().principal())
                .setHost(binding.entry().host()).setOperation(binding.entry().operation().code())
                .setPermissionType(binding.entry().permissionType().code());
    }

    private static DeleteAclsFilterResult result(Exception e) {
        ApiError error = ApiError.fromThrowable(e);
        return new DeleteAclsFilterResult().setErrorCode(error.error().code()).setErrorMessage(error.message());
    }

    private static CompletableFuture<DeleteAclsResponseData> answerAll(List<DeleteAclsFilter> filters, Exception e) {
        DeleteAclsResponseData response = new DeleteAclsResponseData();
        filters.forEach(filter -> response.filterResults().add(result(e)));
        return CompletableFuture.completedFuture(response);
    }
}

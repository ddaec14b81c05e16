package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.auth.AclAuthorizer;
import io.spillway.broker.auth.Authorizer;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.CreateAclsRequestData.AclCreation;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.CreateAclsResponseData.AclCreationResult;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * CreateAcls, as Kafka answers it: CLUSTER_AUTHORIZATION_FAILED for every creation unless the principal may ALTER the
 * CLUSTER; SECURITY_DISABLED ("No Authorizer is configured.") without an authorizer. Otherwise each creation is
 * checked on its own and answered INVALID_REQUEST with Kafka's message when it is no concrete ACL: a CLUSTER resource
 * not named {@code kafka-cluster}, an empty resource name, a resource type, pattern type, operation or permission
 * type that is UNKNOWN or ANY (or MATCH), or (stricter than Kafka, which stores it and then fails every check of the
 * resource) a principal without the {@code :} of {@code type:name}. The valid ones are stored with one durable write
 * and enforced from then on; an ACL that exists already succeeds again. A PREFIXED {@code *} is accepted, as Kafka
 * does: it matches the names that start with {@code *}, not every name.
 */
public final class CreateAclsHandler implements ApiHandler<CreateAclsRequestData, CreateAclsResponseData> {
    private final Authorizer authorizer;

    public CreateAclsHandler(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    public CompletableFuture<CreateAclsResponseData> handle(RequestContext context, CreateAclsRequestData request) {
        List<AclCreation> creations = request.creations();
        if (!authorizer.authorize(context, AclOperation.ALTER, ResourceType.CLUSTER, Resource.CLUSTER_NAME)) {
            return answerAll(creations, new ClusterAuthorizationException("CreateAcls needs ALTER on the CLUSTER, which "
                    + context.principal() + " may not do"));
        }
        if (!(authorizer instanceof AclAuthorizer acls)) {
            return answerAll(creations, new SecurityDisabledException("No Authorizer is configured."));
        }
        ApiError[] errors = new ApiError[creations.size()];
        List<AclBinding> valid = new ArrayList<>();
        List<Integer> validIndexes = new ArrayList<>();
        for (int i = 0; i < creations.size(); i++) {
            AclCreation creation = creations.get(i);
            String problem = problem(creation);
            if (problem != null) {
                errors[i] = ApiError.fromThrowable(new InvalidRequestException(problem));
            } else {
                valid.add(binding(creation));
                validIndexes.add(i);
            }
        }
        if (!valid.isEmpty()) {
            ApiError result = ApiError.NONE;
            try {
                acls.add(valid);
            } catch (RuntimeException e) { // a full disk (KAFKA_STORAGE_ERROR): none was added
                result = ApiError.fromThrowable(e);
            }
            for (int i : validIndexes) {
                errors[i] = result;
            }
        }
        CreateAclsResponseData response = new CreateAclsResponseData();
        for (ApiError error : errors) {
            response.results().add(result(error));
        }
        return CompletableFuture.completedFuture(response);
    }

    /** Why a creation is not a concrete ACL (Kafka's checks and messages, in Kafka's order), or null. */
    static String problem(AclCreation creation) {
        ResourceType resourceType = ResourceType.fromCode(creation.resourceType());
        PatternType patternType = PatternType.fromCode(creation.resourcePatternType());
        AclOperation operation = AclOperation.fromCode(creation.operation());
        AclPermissionType permissionType = AclPermissionType.fromCode(creation.permissionType());
        String name = creation.resourceName();
        if (resourceType == ResourceType.CLUSTER && !Resource.CLUSTER_NAME.equals(name)) {
            return "The only valid name for the CLUSTER resource is " + Resource.CLUSTER_NAME;
        }
        if (name == null || name.isEmpty()) {
            return "Invalid empty resource name";
        }
        if (resourceType == ResourceType.UNKNOWN || resourceType == ResourceType.ANY) {
            return invalid("resourceType", resourceType, creation.resourceType());
        }
        if (patternType != PatternType.LITERAL && patternType != PatternType.PREFIXED) {
            return invalid("patternType", patternType, creation.resourcePatternType());
        }
        if (operation == AclOperation.UNKNOWN || operation == AclOperation.ANY) {
            return invalid("operation", operation, creation.operation());
        }
        if (permissionType != AclPermissionType.ALLOW && permissionType != AclPermissionType.DENY) {
            return invalid("permissionType", permissionType, creation.permissionType());
        }
        String principal = creation.principal();
        if (principal == null || principal.indexOf(':') < 0) {
            return "Could not parse principal from `" + principal + "` (no colon is present separating the "
                    + "principal type from the principal name)";
        }
        if (creation.host() == null) {
            return "Invalid null host";
        }
        return null;
    }

    /** Kafka's message, with the code when it is one Kafka does not know. */
    private static String invalid(String field, Enum<?> value, byte code) {
        return "Invalid " + field + " " + value + ("UNKNOWN".equals(value.name()) ? " (code " + code + ")" : "");
    }

    private static AclBinding binding(AclCreation creation) {
        return new AclBinding(
                new ResourcePattern(ResourceType.fromCode(creation.resourceType()), creation.resourceName(),
                        PatternType.fromCode(creation.resourcePatternType())),
                new AccessControlEntry(creation.principal(), creation.host(), AclOperation.fromCode(creation.operation()),
                        AclPermissionType.fromCode(creation.permissionType())));
    }

    private static CompletableFuture<CreateAclsResponseData> answerAll(List<AclCreation> creations, Exception error) {
        ApiError apiError = ApiError.fromThrowable(error);
        CreateAclsResponseData response = new CreateAclsResponseData();
        creations.forEach(creation -> response.results().add(result(apiError)));
        return CompletableFuture.completedFuture(response);
    }

    private static AclCreationResult result(ApiError error) {
        return new AclCreationResult().setErrorCode(error.error().code())
                .setErrorMessage(error.isSuccess() ? null : error.message());
    }
}

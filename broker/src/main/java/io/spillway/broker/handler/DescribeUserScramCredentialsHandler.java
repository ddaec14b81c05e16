package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.ScramCredentials;
import io.spillway.meta.MetadataStore;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData.UserName;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.CredentialInfo;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.DescribeUserScramCredentialsResult;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeUserScramCredentials (KIP-554): which SCRAM mechanisms each user has a credential for, with its iteration
 * count (never the salt or keys). As in Kafka: no user list (null or empty) describes every user that has a
 * credential; a named user without any gets RESOURCE_NOT_FOUND, a user named more than once DUPLICATE_RESOURCE (one
 * result per distinct user either way).
 */
public final class DescribeUserScramCredentialsHandler
        implements ApiHandler<DescribeUserScramCredentialsRequestData, DescribeUserScramCredentialsResponseData> {
    private final MetadataStore meta;

    public DescribeUserScramCredentialsHandler(MetadataStore meta) {
        this.meta = meta;
    }

    @Override
    public CompletableFuture<DescribeUserScramCredentialsResponseData> handle(
            RequestContext context, DescribeUserScramCredentialsRequestData request) {
        DescribeUserScramCredentialsResponseData response = new DescribeUserScramCredentialsResponseData();
        if (!context.mayOnCluster(AclOperation.DESCRIBE)) {
            // As Kafka: DESCRIBE on the cluster.
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                    .setErrorMessage(context.principal() + " may not DESCRIBE the cluster"));
        }
        Map<String, Map<String, Integer>> all = meta.scramUsers();
        List<UserName> named = request.users();
        if (named == null || named.isEmpty()) {
            all.forEach((user, mechanisms) -> response.results().add(described(user, mechanisms)));
            return CompletableFuture.completedFuture(response);
        }
        Map<String, Boolean> duplicated = new LinkedHashMap<>();
        for (UserName user : named) {
            duplicated.merge(user.name(), false, (a, b) -> true);
        }
        duplicated.forEach((user, duplicate) -> {
            Map<String, Integer> mechanisms = all.get(user);
            if (duplicate) {
                response.results().add(new DescribeUserScramCredentialsResult().setUser(user)
                        .setErrorCode(Errors.DUPLICATE_RESOURCE.code())
                        .setErrorMessage("User '" + user + "' is named more than once in this request; name each user once"));
            } else if (mechanisms == null) {
                response.results().add(new DescribeUserScramCredentialsResult().setUser(user)
                        .setErrorCode(Errors.RESOURCE_NOT_FOUND.code())
                        .setErrorMessage("User '" + user + "' has no SCRAM credential"));
            } else {
                response.results().add(described(user, mechanisms));
            }
        });
        return CompletableFuture.completedFuture(response);
    }

    private static DescribeUserScramCredentialsResult described(String user, Map<String, Integer> mechanisms) {
        DescribeUserScramCredentialsResult result = new DescribeUserScramCredentialsResult().setUser(user);
        mechanisms.forEach((name, iterations) -> {
            ScramMechanism mechanism = ScramCredentials.mechanism(name);
            if (mechanism != null) {
                result.credentialInfos().add(new CredentialInfo().setMechanism(mechanism.type()).setIterations(iterations));
            }
        });
        return result;
    }
}

package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.quota.ClientQuotaEntities;
import io.spillway.meta.MetadataStore;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData.ComponentData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData.EntityData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData.EntryData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData.ValueData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.requests.DescribeClientQuotasRequest;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeClientQuotas (KIP-546): the quotas of every entity that matches all filter components (a name exactly,
 * the default, or any specified name of a type); with {@code strict} the entity may have no other parts. Needs
 * DESCRIBE_CONFIGS on the cluster, as in Kafka.
 */
public final class DescribeClientQuotasHandler
        implements ApiHandler<DescribeClientQuotasRequestData, DescribeClientQuotasResponseData> {
    private final MetadataStore meta;

    public DescribeClientQuotasHandler(MetadataStore meta) {
        this.meta = meta;
    }

    @Override
    public CompletableFuture<DescribeClientQuotasResponseData> handle(RequestContext context,
                                                                      DescribeClientQuotasRequestData request) {
        DescribeClientQuotasResponseData response = new DescribeClientQuotasResponseData();
        if (!context.mayOnCluster(AclOperation.DESCRIBE_CONFIGS)) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                    .setErrorMessage(context.principal() + " may not DESCRIBE_CONFIGS on the cluster")
                    .setEntries(null));
        }
        String problem = filterProblem(request);
        if (problem != null) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage(problem).setEntries(null));
        }
        new TreeMap<>(stringKeys(meta.clientQuotas())).forEach((key, e) -> {
            if (matches(e.getKey(), request)) {
                EntryData entry = new EntryData();
                new TreeMap<>(nullSafe(e.getKey().entries())).forEach((type, name) ->
                        entry.entity().add(new EntityData().setEntityType(type).setEntityName(name.orElse(null))));
                new TreeMap<>(e.getValue()).forEach((quota, value) ->
                        entry.values().add(new ValueData().setKey(quota).setValue(value)));
                response.entries().add(entry);
            }
        });
        return CompletableFuture.completedFuture(response);
    }

    private static String filterProblem(DescribeClientQuotasRequestData request) {
        Set<String> types = new HashSet<>();
        for (ComponentData c : request.components()) {
            if (!types.add(c.entityType())) {
                return "Entity type '" + c.entityType() + "' appears more than once in the filter";
            }
            if (c.matchType() == DescribeClientQuotasRequest.MATCH_TYPE_EXACT && c.match() == null) {
                return "An exact match of entity type '" + c.entityType() + "' needs a name";
            }
            if (c.matchType() < 0 || c.matchType() > 2) {
                return "Unknown match type " + c.matchType() + " for entity type '" + c.entityType() + "'";
            }
        }
        return types.isEmpty() ? null : ClientQuotaEntities.problem(types);
    }

    private static boolean matches(ClientQuotaEntity entity, DescribeClientQuotasRequestData request) {
        Map<String, String> parts = entity.entries();
        for (ComponentData c : request.components()) {
            if (!parts.containsKey(c.entityType())) {
                return false;
            }
            String name = parts.get(c.entityType());
            boolean ok = switch (c.matchType()) {
                case DescribeClientQuotasRequest.MATCH_TYPE_EXACT -> c.match().equals(name);
                case DescribeClientQuotasRequest.MATCH_TYPE_DEFAULT -> name == null;
                default -> name != null; // any specified name
            };
            if (!ok) {
                return false;
            }
        }
        return !request.strict() || parts.size() == request.components().size();
    }

    /** Entities in a stable order (their text), for answers that do not change from call to call. */
    private static Map<String, Map.Entry<ClientQuotaEntity, Map<String, Double>>> stringKeys(
            Map<ClientQuotaEntity, Map<String, Double>> quotas) {
        Map<String, Map.Entry<ClientQuotaEntity, Map<String, Double>>> byText = new TreeMap<>();
        quotas.entrySet().forEach(e -> byText.put(new TreeMap<>(nullSafe(e.getKey().entries())).toString(), e));
        return byText;
    }

    private static Map<String, java.util.Optional<String>> nullSafe(Map<String, String> parts) {
        Map<String, java.util.Optional<String>> out = new TreeMap<>();
        parts.forEach((type, name) -> out.put(type, java.util.Optional.ofNullable(name)));
        return out;
    }
}

package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.quota.ClientQuotaEntities;
import io.spillway.broker.quota.QuotaKey;
import io.spillway.meta.MetadataStore;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData.EntityData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData.EntryData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData.OpData;
import org.apache.kafka.common.message.AlterClientQuotasResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * AlterClientQuotas (KIP-546): sets or removes quotas of user / client-id / ip entities (a null name is the
 * default entity), each entry on its own: a bad entry is answered INVALID_REQUEST and the others still apply.
 * The changes are one durable write to the metadata store and take effect at once. Needs ALTER_CONFIGS on the
 * cluster, as in Kafka.
 */
public final class AlterClientQuotasHandler
        implements ApiHandler<AlterClientQuotasRequestData, AlterClientQuotasResponseData> {
    private static final Logger log = LoggerFactory.getLogger(AlterClientQuotasHandler.class);

    private final MetadataStore meta;

    public AlterClientQuotasHandler(MetadataStore meta) {
        this.meta = meta;
    }

    @Override
    public CompletableFuture<AlterClientQuotasResponseData> handle(RequestContext context,
                                                                   AlterClientQuotasRequestData request) {
        AlterClientQuotasResponseData response = new AlterClientQuotasResponseData();
        boolean allowed = context.mayOnCluster(AclOperation.ALTER_CONFIGS);
        Map<ClientQuotaEntity, Map<String, Double>> changed = new LinkedHashMap<>();
        for (EntryData entry : request.entries()) {
            AlterClientQuotasResponseData.EntryData result = new AlterClientQuotasResponseData.EntryData();
            entry.entity().forEach(e -> result.entity().add(new AlterClientQuotasResponseData.EntityData()
                    .setEntityType(e.entityType()).setEntityName(e.entityName())));
            response.entries().add(result);
            if (!allowed) {
                result.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                        .setErrorMessage(context.principal() + " may not ALTER_CONFIGS on the cluster");
                continue;
            }
            String problem = entityProblem(entry);
            ClientQuotaEntity entity = problem == null ? entity(entry) : null;
            Map<String, Double> quotas = null;
            if (problem == null) {
                quotas = new HashMap<>(changed.getOrDefault(entity, meta.clientQuotas(entity)));
                problem = apply(entry, entity, quotas);
            }
            if (problem != null) {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(problem);
                continue;
            }
            changed.put(entity, quotas);
        }
        if (!request.validateOnly() && !changed.isEmpty()) {
            meta.setClientQuotas(changed);
            log.info("{} set client quotas: {}", context.describeClient(), changed);
        }
        return CompletableFuture.completedFuture(response);
    }

    private static String entityProblem(EntryData entry) {
        Set<String> types = new HashSet<>();
        for (EntityData part : entry.entity()) {
            if (!types.add(part.entityType())) {
                return "Entity type '" + part.entityType() + "' appears more than once in the entity";
            }
        }
        return ClientQuotaEntities.problem(types);
    }

    private static ClientQuotaEntity entity(EntryData entry) {
        Map<String, String> parts = new HashMap<>();
        entry.entity().forEach(part -> parts.put(part.entityType(), part.entityName()));
        return new ClientQuotaEntity(parts);
    }

    /** Applies the entry's operations to {@code quotas}; returns why one cannot be applied (then none is), or null. */
    private static String apply(EntryData entry, ClientQuotaEntity entity, Map<String, Double> quotas) {
        Set<String> keys = new HashSet<>();
        Map<String, Double> updated = new HashMap<>(quotas);
        for (OpData op : entry.ops()) {
            QuotaKey key = QuotaKey.forKey(op.key());
            if (key == null) {
                return "Unknown client quota '" + op.key() + "'; the quotas are producer_byte_rate, "
                        + "consumer_byte_rate, request_percentage, controller_mutation_rate and connection_creation_rate";
            }
            if (!keys.add(op.key())) {
                return "Quota '" + op.key() + "' is changed more than once in one entry";
            }
            if (!key.appliesTo(entity.entries().keySet())) {
                return "Quota '" + op.key() + "' cannot be set for an entity of " + entity.entries().keySet()
                        + (key == QuotaKey.CONNECTION_CREATION_RATE ? "; it is for ip entities only"
                        : "; ip entities take only connection_creation_rate");
            }
            if (op.remove()) {
                updated.remove(op.key());
                continue;
            }
            double value = op.value();
            if (!(value > 0) || Double.isInfinite(value)) {
                return "Quota '" + op.key() + "' must be a number greater than 0, not " + value;
            }
            if (key.wholeNumber() && value != Math.rint(value)) {
                return "Quota '" + op.key() + "' must be a whole number, not " + value;
            }
            updated.put(op.key(), value);
        }
        quotas.clear();
        quotas.putAll(updated);
        return null;
    }
}

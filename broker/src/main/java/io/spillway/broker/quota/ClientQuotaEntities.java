package io.spillway.broker.quota;

import org.apache.kafka.common.quota.ClientQuotaEntity;

import java.util.Set;

/** The entity types client quotas are set for, and which combinations of them Kafka accepts. */
public final class ClientQuotaEntities {
    public static final Set<String> TYPES = Set.of(ClientQuotaEntity.USER, ClientQuotaEntity.CLIENT_ID,
            ClientQuotaEntity.IP);

    private ClientQuotaEntities() {
    }

    /** Why these entity types do not make one quota entity (user and/or client-id, or ip alone), or null. */
    public static String problem(Set<String> types) {
        for (String type : types) {
            if (!TYPES.contains(type)) {
                return "Unknown client quota entity type '" + type + "'; use user, client-id or ip";
            }
        }
        if (types.isEmpty()) {
            return "A client quota entity needs at least one of user, client-id, ip";
        }
        if (types.contains(ClientQuotaEntity.IP) && types.size() > 1) {
            return "An ip quota entity cannot be combined with user or client-id";
        }
        return null;
    }
}

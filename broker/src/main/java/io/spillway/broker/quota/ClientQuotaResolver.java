package io.spillway.broker.quota;

import io.spillway.meta.MetadataStore;
import org.apache.kafka.common.quota.ClientQuotaEntity;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the client quota that applies to a request, in Kafka's order of precedence (most specific first):
 * user and client-id, user and default client-id, user, default user and client-id, default user and default
 * client-id, default user, client-id, default client-id. The answer also says which clients share the quota: a
 * quota set for a user (or the default user) is shared by all of that user's clients, one set for a user and
 * client-id by that pair, one set for a client-id by all users of that client-id. Results are cached until the
 * quotas change. Thread safe.
 */
final class ClientQuotaResolver {
    /** A quota and whom it is shared by: each distinct (user, clientId) pair here has its own usage. */
    record Applied(double bound, String user, String clientId) {
    }

    private record Key(QuotaKey quota, String user, String clientId) {
    }

    /** An answer and the version of the quotas it was found in. */
    private record Cached(Applied applied, long version) {
    }

    private static final Applied NONE = new Applied(Double.NaN, "", "");
    /** Cached answers are dropped wholesale beyond this many (a client-id per request must not grow memory). */
    private static final int MAX_CACHED = 10_000;

    private final MetadataStore meta;
    private final Map<Key, Cached> cache = new ConcurrentHashMap<>();

    ClientQuotaResolver(MetadataStore meta) {
        this.meta = meta;
    }

    /** The quota of this kind for the user's client, or null when none applies. */
    Applied resolve(QuotaKey quota, String user, String clientId) {
        // The version is read before the quotas: an answer cached with it is never newer than the version says.
        long version = meta.clientQuotasVersion();
        Key key = new Key(quota, user, clientId);
        Cached cached = cache.get(key);
        if (cached == null || cached.version != version) {
            if (cache.size() > MAX_CACHED) {
                cache.clear();
            }
            cached = new Cached(lookup(quota, user, clientId), version);
            cache.put(key, cached);
        }
        return cached.applied == NONE ? null : cached.applied;
    }

    private Applied lookup(QuotaKey quota, String user, String clientId) {
        if (meta.clientQuotas().isEmpty()) {
            return NONE;
        }
        Applied found;
        if ((found = find(quota, pair(user, clientId), user, clientId)) != null
                || (found = find(quota, pair(user, null), user, clientId)) != null
                || (found = find(quota, userOnly(user), user, "")) != null
                || (found = find(quota, pair(null, clientId), user, clientId)) != null
                || (found = find(quota, pair(null, null), user, clientId)) != null
                || (found = find(quota, userOnly(null), user, "")) != null
                || (found = find(quota, clientOnly(clientId), "", clientId)) != null
                || (found = find(quota, clientOnly(null), "", clientId)) != null) {
            return found;
        }
        return NONE;
    }

    private Applied find(QuotaKey quota, ClientQuotaEntity entity, String user, String clientId) {
        Double bound = meta.clientQuotas(entity).get(quota.key());
        return bound == null ? null : new Applied(bound, user, clientId);
    }

    /** A user and client-id entity; a null name stands for the default. */
    private static ClientQuotaEntity pair(String user, String clientId) {
        Map<String, String> parts = new HashMap<>();
        parts.put(ClientQuotaEntity.USER, user);
        parts.put(ClientQuotaEntity.CLIENT_ID, clientId);
        return new ClientQuotaEntity(parts);
    }

    private static ClientQuotaEntity userOnly(String user) {
        Map<String, String> parts = new HashMap<>();
        parts.put(ClientQuotaEntity.USER, user);
        return new ClientQuotaEntity(parts);
    }

    private static ClientQuotaEntity clientOnly(String clientId) {
        Map<String, String> parts = new HashMap<>();
        parts.put(ClientQuotaEntity.CLIENT_ID, clientId);
        return new ClientQuotaEntity(parts);
    }
}

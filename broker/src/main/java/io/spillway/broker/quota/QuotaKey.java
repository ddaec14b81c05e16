package io.spillway.broker.quota;

import org.apache.kafka.common.quota.ClientQuotaEntity;

import java.util.Set;

/** The client quotas Kafka defines (KIP-546 names), with the entities each can be set for. */
public enum QuotaKey {
    /** Bytes per second a client may produce. */
    PRODUCER_BYTE_RATE("producer_byte_rate", true),
    /** Bytes per second a client may fetch. */
    CONSUMER_BYTE_RATE("consumer_byte_rate", true),
    /** Share of one request handler thread's time (100 = one whole thread) a client may use. */
    REQUEST_PERCENTAGE("request_percentage", false),
    /** Partitions per second a client may create or delete (CreateTopics, CreatePartitions, DeleteTopics). */
    CONTROLLER_MUTATION_RATE("controller_mutation_rate", false),
    /** New connections per second from one IP address. */
    CONNECTION_CREATION_RATE("connection_creation_rate", true);

    private final String key;
    private final boolean wholeNumber;

    QuotaKey(String key, boolean wholeNumber) {
        this.key = key;
        this.wholeNumber = wholeNumber;
    }

    public String key() {
        return key;
    }

    /** Whether the value must be a whole number (rates of bytes and connections). */
    public boolean wholeNumber() {
        return wholeNumber;
    }

    /** The quota with this name, or null. */
    public static QuotaKey forKey(String key) {
        for (QuotaKey q : values()) {
            if (q.key.equals(key)) {
                return q;
            }
        }
        return null;
    }

    /** Whether the quota can be set for an entity of these types (ip alone, or user and/or client-id). */
    public boolean appliesTo(Set<String> entityTypes) {
        return this == CONNECTION_CREATION_RATE
                ? entityTypes.equals(Set.of(ClientQuotaEntity.IP))
                : !entityTypes.contains(ClientQuotaEntity.IP);
    }
}

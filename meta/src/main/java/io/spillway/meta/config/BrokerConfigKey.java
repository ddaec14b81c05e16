package io.spillway.meta.config;

import java.util.Objects;

/**
 * A broker-level config as DescribeConfigs reports it for resource type BROKER.
 * Immutable and thread-safe.
 *
 * @param key the config's definition; its {@link ConfigKey#brokerSynonym()} is always null
 * @param readOnly true when Kafka only reads the config from the static server properties
 *     (it cannot be changed with AlterConfigs)
 */
public record BrokerConfigKey(ConfigKey key, boolean readOnly) {

    public BrokerConfigKey {
        Objects.requireNonNull(key, "key");
    }

    /** Shortcut for {@code key().name()}. */
    public String name() {
        return key.name();
    }
}

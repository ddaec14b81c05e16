package io.spillway.broker.config;

import io.spillway.meta.config.ConfigKey;

import java.util.List;

/**
 * A config's effective value and where it came from, plus the lower-precedence values it hides
 * (DescribeConfigs synonyms), most preferred first. Immutable.
 *
 * @param value null when the config has no value anywhere (Kafka shows null)
 */
public record ResolvedConfig(ConfigKey key, String value, ConfigSource source, boolean readOnly,
                             List<Synonym> synonyms) {

    /** One place a value for the config is set. */
    public record Synonym(String name, String value, ConfigSource source) {
    }
}

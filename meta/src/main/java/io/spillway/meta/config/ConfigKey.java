package io.spillway.meta.config;

import java.util.Objects;

import org.apache.kafka.common.errors.InvalidConfigurationException;

/**
 * The definition of one config entry: its name, type, default and how its values are checked.
 * Immutable and thread-safe.
 *
 * @param name the config name, e.g. {@code retention.ms}
 * @param type the value type reported in DescribeConfigs
 * @param defaultValue the default as DescribeConfigs shows it when nothing is set; {@code null}
 *     when the config has no default
 * @param documentation a one-line description for DescribeConfigs' documentation field
 * @param brokerSynonym for a topic or group config, the broker config that supplies its default
 *     (e.g. {@code log.retention.ms} for {@code retention.ms}, {@code group.consumer.session.timeout.ms}
 *     for {@code consumer.session.timeout.ms}); {@code null} if there is none and always {@code null}
 *     for broker configs. See {@link ConfigSynonyms} for the full list.
 * @param sensitive whether the value must be hidden (shown as null) in DescribeConfigs
 * @param rule the constraint a parsed value must satisfy
 */
public record ConfigKey(
        String name,
        ConfigType type,
        String defaultValue,
        String documentation,
        String brokerSynonym,
        boolean sensitive,
        ValueRule rule) {

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(documentation, "documentation");
        Objects.requireNonNull(rule, "rule");
    }

    /**
     * Checks that {@code value} parses as this key's type and satisfies its rule.
     *
     * @throws InvalidConfigurationException naming this config and saying what is accepted
     */
    public void validate(String value) {
        Object parsed = type.parse(name, value);
        String violation = rule.violation(parsed);
        if (violation != null) {
            throw ConfigType.invalid(name, sensitive ? "[hidden]" : value, violation);
        }
    }
}

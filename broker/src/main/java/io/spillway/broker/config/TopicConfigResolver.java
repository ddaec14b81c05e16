package io.spillway.broker.config;

import io.spillway.log.LogConfig;
import io.spillway.meta.config.ConfigKey;
import io.spillway.meta.config.ConfigSynonyms;
import io.spillway.meta.config.TopicConfigCatalog;
import org.apache.kafka.common.record.TimestampType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Effective topic configs: the topic's override, else the first broker synonym that has a value
 * (dynamic node, dynamic default, static), else Kafka's default. Thread safe.
 */
public final class TopicConfigResolver {
    private final BrokerSettings broker;

    public TopicConfigResolver(BrokerSettings broker) {
        this.broker = broker;
    }

    public ResolvedConfig resolve(Map<String, String> overrides, ConfigKey key) {
        return resolve(overrides, Map.of(), key);
    }

    /**
     * The value of {@code key} for a topic with these overrides in a stream with these defaults: the topic's
     * override, else the stream's default, else the broker's.
     */
    public ResolvedConfig resolve(Map<String, String> overrides, Map<String, String> streamDefaults, ConfigKey key) {
        List<ResolvedConfig.Synonym> synonyms = new ArrayList<>();
        String override = overrides.get(key.name());
        if (override != null) {
            synonyms.add(new ResolvedConfig.Synonym(key.name(), override, ConfigSource.TOPIC_CONFIG));
        }
        String streamDefault = streamDefaults.get(key.name());
        if (streamDefault != null) {
            synonyms.add(new ResolvedConfig.Synonym(key.name(), streamDefault, ConfigSource.STREAM_CONFIG));
        }
        for (String brokerName : ConfigSynonyms.brokerSynonyms(key)) {
            for (ResolvedConfig.Synonym found : broker.brokerValues(brokerName)) {
                synonyms.add(found);
            }
        }
        if (key.defaultValue() != null) {
            String brokerDefaultName = key.brokerSynonym() != null ? key.brokerSynonym() : key.name();
            synonyms.add(new ResolvedConfig.Synonym(brokerDefaultName, key.defaultValue(), ConfigSource.DEFAULT_CONFIG));
        }
        if (synonyms.isEmpty()) {
            return new ResolvedConfig(key, null, ConfigSource.DEFAULT_CONFIG, false, List.of());
        }
        ResolvedConfig.Synonym top = synonyms.get(0);
        String value = top.source() == ConfigSource.TOPIC_CONFIG || top.source() == ConfigSource.STREAM_CONFIG
                || top.source() == ConfigSource.DEFAULT_CONFIG ? top.value() : ConfigSynonyms.toTopicValue(top.name(), top.value());
        return new ResolvedConfig(key, value, top.source(), false, synonyms);
    }

    public String value(Map<String, String> overrides, String name) {
        return value(overrides, Map.of(), name);
    }

    private String value(Map<String, String> overrides, Map<String, String> streamDefaults, String name) {
        ConfigKey key = TopicConfigCatalog.find(name).orElseThrow(() -> new IllegalArgumentException(name));
        return resolve(overrides, streamDefaults, key).value();
    }

    /** The settings the partition log needs, resolved for a topic's overrides. */
    public LogConfig logConfig(Map<String, String> overrides) {
        return logConfig(overrides, Map.of());
    }

    /** The settings the partition log needs, for a topic's overrides and its stream's defaults. */
    public LogConfig logConfig(Map<String, String> topicOverrides, Map<String, String> streamDefaults) {
        Map<String, String> overrides = merged(topicOverrides, streamDefaults);
        String policy = value(overrides, "cleanup.policy");
        List<String> policies = List.of(policy.replace(" ", "").split(","));
        return new LogConfig(
                Integer.parseInt(value(overrides, "max.message.bytes").trim()),
                policies.contains("compact"),
                policies.contains("delete"),
                "LogAppendTime".equals(value(overrides, "message.timestamp.type").trim())
                        ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME,
                Long.parseLong(value(overrides, "message.timestamp.before.max.ms").trim()),
                Long.parseLong(value(overrides, "message.timestamp.after.max.ms").trim()),
                value(overrides, "compression.type").trim(),
                Long.parseLong(value(overrides, "retention.ms").trim()),
                Long.parseLong(value(overrides, "retention.bytes").trim()),
                new LogConfig.Compaction(
                        Long.parseLong(value(overrides, "delete.retention.ms").trim()),
                        Long.parseLong(value(overrides, "min.compaction.lag.ms").trim()),
                        Long.parseLong(value(overrides, "max.compaction.lag.ms").trim()),
                        Double.parseDouble(value(overrides, "min.cleanable.dirty.ratio").trim())));
    }

    /** The stream's defaults under the topic's overrides (the log needs only the effective values). */
    private static Map<String, String> merged(Map<String, String> topicOverrides, Map<String, String> streamDefaults) {
        if (streamDefaults.isEmpty()) {
            return topicOverrides;
        }
        Map<String, String> merged = new HashMap<>(streamDefaults);
        merged.putAll(topicOverrides);
        return merged;
    }
}

package io.spillway.meta.config;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Which broker configs supply the default of a topic config, in Kafka's order of preference,
 * and how to turn a broker synonym's value into the topic config's unit.
 *
 * <p>DescribeConfigs with {@code include_synonyms} reports, for a topic config, first the topic
 * override (source TOPIC_CONFIG), then for each source in Kafka's precedence order
 * (DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG)
 * every synonym from {@link #brokerSynonyms(String)} that has a value there, in list order.
 * Kafka then drops leading entries until the first one named like the primary synonym, so
 * {@code retention.ms} on a default broker lists no synonyms at all ({@code log.retention.ms}
 * has no default; only {@code log.retention.hours=168} does).
 *
 * <p>Immutable and thread-safe.
 */
public final class ConfigSynonyms {
    /** Topic configs with more than one broker synonym; all others have at most one. */
    private static final Map<String, List<String>> MULTI = Map.of(
            "retention.ms", List.of("log.retention.ms", "log.retention.minutes", "log.retention.hours"),
            "segment.ms", List.of("log.roll.ms", "log.roll.hours"),
            "segment.jitter.ms", List.of("log.roll.jitter.ms", "log.roll.jitter.hours"),
            "flush.ms", List.of("log.flush.interval.ms", "log.flush.scheduler.interval.ms"));

    /** Broker synonyms whose value is in a coarser unit than the topic config's milliseconds. */
    private static final Map<String, TimeUnit> UNITS = Map.of(
            "log.retention.minutes", TimeUnit.MINUTES,
            "log.retention.hours", TimeUnit.HOURS,
            "log.roll.hours", TimeUnit.HOURS,
            "log.roll.jitter.hours", TimeUnit.HOURS);

    private ConfigSynonyms() {
    }

    /**
     * The broker configs that can supply {@code topicKey}'s value, most preferred first; empty
     * when the topic config has no broker-level counterpart.
     */
    public static List<String> brokerSynonyms(ConfigKey topicKey) {
        List<String> multi = MULTI.get(topicKey.name());
        if (multi != null) {
            return multi;
        }
        return topicKey.brokerSynonym() == null ? List.of() : List.of(topicKey.brokerSynonym());
    }

    /** As {@link #brokerSynonyms(ConfigKey)}; empty for names that are not topic configs. */
    public static List<String> brokerSynonyms(String topicConfigName) {
        return TopicConfigCatalog.find(topicConfigName)
                .map(ConfigSynonyms::brokerSynonyms)
                .orElse(List.of());
    }

    /**
     * Converts a broker synonym's value to the topic config's unit, e.g.
     * {@code log.retention.hours=168} gives {@code 604800000}. Values of synonyms that already
     * use the topic config's unit, and null, are returned unchanged.
     *
     * @throws NumberFormatException if a value in hours or minutes is not a whole number
     */
    public static String toTopicValue(String brokerSynonym, String brokerValue) {
        TimeUnit unit = UNITS.get(brokerSynonym);
        if (unit == null || brokerValue == null) {
            return brokerValue;
        }
        return String.valueOf(unit.toMillis(Long.parseLong(brokerValue.trim())));
    }
}

package io.spillway.meta.config;

import static io.spillway.meta.config.ConfigType.BOOLEAN;
import static io.spillway.meta.config.ConfigType.INT;
import static io.spillway.meta.config.ConfigType.LIST;
import static io.spillway.meta.config.ConfigType.LONG;
import static io.spillway.meta.config.ConfigType.STRING;
import static io.spillway.meta.config.ValueRule.atLeast;
import static io.spillway.meta.config.ValueRule.autoOffsetResetStrategy;
import static io.spillway.meta.config.ValueRule.none;
import static io.spillway.meta.config.ValueRule.oneOf;

import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import org.apache.kafka.common.errors.InvalidConfigurationException;

/**
 * The per-group configs of Apache Kafka 4.4 (ConfigResource type GROUP), with Kafka's names, types,
 * static defaults and value checks. Most take their default from a broker config, the key's
 * {@link ConfigKey#brokerSynonym()} (e.g. {@code group.consumer.session.timeout.ms} for
 * {@code consumer.session.timeout.ms}), and must stay within a range the broker sets (e.g.
 * {@code group.consumer.min.session.timeout.ms} to {@code group.consumer.max.session.timeout.ms});
 * {@link #validate} checks both, as Kafka's controller does before it stores group configs.
 *
 * <p>A few configs are internal in Kafka: they can be set, but DescribeConfigs lists them only when
 * they are ({@link #isInternal}).
 *
 * <p>Immutable and thread-safe.
 */
public final class GroupConfigCatalog {
    private static final String DLQ_TOPIC_NAME = "errors.deadletterqueue.topic.name";
    private static final String RACK_TAGS = "streams.rack.aware.assignment.tags";
    private static final String STREAMS_ASSIGNOR = "streams.assignor.name";
    /** The group kinds whose session timeout must exceed their heartbeat interval. */
    private static final List<String> KINDS = List.of("consumer", "share", "streams");

    /**
     * The broker configs that bound a group config: {@code min} and/or {@code max} (either may be null).
     */
    private record Bound(String min, String max) {
    }

    private static final Map<String, ConfigKey> KEYS;
    private static final List<ConfigKey> ALL;
    private static final Set<String> INTERNAL = Set.of("consumer.assignor.offload.enable",
            "share.assignor.offload.enable", "streams.assignor.offload.enable", "streams.task.offset.interval.ms",
            "streams.num.warmup.replicas", "streams.acceptable.recovery.lag");
    private static final Map<String, Bound> BOUNDS = new LinkedHashMap<>();

    static {
        List<ConfigKey> keys = List.of(
                key("consumer.session.timeout.ms", INT, "45000", "group.consumer.session.timeout.ms", atLeast(1),
                        "How long a consumer group member may go without a heartbeat before it is removed, in ms."),
                key("consumer.heartbeat.interval.ms", INT, "5000", "group.consumer.heartbeat.interval.ms",
                        atLeast(1), "How often consumer group members are told to heartbeat, in ms."),
                key("consumer.assignment.interval.ms", INT, "1000", "group.consumer.assignment.interval.ms",
                        atLeast(0), "Shortest time between two target assignments of the consumer group, in ms."),
                key("consumer.assignor.offload.enable", BOOLEAN, "true", "group.consumer.assignor.offload.enable",
                        none(), "Whether the consumer group's assignments are computed off the coordinator thread."),
                key("share.session.timeout.ms", INT, "45000", "group.share.session.timeout.ms", atLeast(1),
                        "How long a share group member may go without a heartbeat before it is removed, in ms."),
                key("share.heartbeat.interval.ms", INT, "5000", "group.share.heartbeat.interval.ms", atLeast(1),
                        "How often share group members are told to heartbeat, in ms."),
                key("share.record.lock.duration.ms", INT, "30000", "group.share.record.lock.duration.ms",
                        atLeast(1000), "How long a delivered record stays locked to its share consumer, in ms."),
                key("share.delivery.count.limit", INT, "5", "group.share.delivery.count.limit", atLeast(2),
                        "Deliveries of a record after which the share group stops retrying it."),
                key("share.partition.max.record.locks", INT, "2000", "group.share.partition.max.record.locks",
                        atLeast(100), "Most records of one share partition that may be locked at a time."),
                key("share.auto.offset.reset", STRING, "latest", null, autoOffsetResetStrategy(),
                        "Where a share partition starts without a stored offset: earliest, latest, or "
                                + "by_duration:<ISO-8601 duration> back from now (not negative)."),
                key("share.isolation.level", STRING, "read_uncommitted", null,
                        oneOf("read_committed", "read_uncommitted"),
                        "Whether the share group delivers only committed transactional records (read_committed)."),
                key("share.renew.acknowledge.enable", BOOLEAN, "true", null, none(),
                        "Whether share consumers may renew the lock of a record (the RENEW acknowledgement)."),
                key("share.assignment.interval.ms", INT, "1000", "group.share.assignment.interval.ms", atLeast(0),
                        "Shortest time between two target assignments of the share group, in ms."),
                key("share.assignor.offload.enable", BOOLEAN, "true", "group.share.assignor.offload.enable", none(),
                        "Whether the share group's assignments are computed off the coordinator thread."),
                key("streams.session.timeout.ms", INT, "45000", "group.streams.session.timeout.ms", atLeast(1),
                        "How long a streams group member may go without a heartbeat before it is removed, in ms."),
                key("streams.heartbeat.interval.ms", INT, "5000", "group.streams.heartbeat.interval.ms",
                        atLeast(1), "How often streams group members are told to heartbeat, in ms."),
                key("streams.num.standby.replicas", INT, "0", "group.streams.num.standby.replicas", atLeast(0),
                        "Standby replicas of each stateful task of the streams group."),
                key("streams.initial.rebalance.delay.ms", INT, "3000", "group.streams.initial.rebalance.delay.ms",
                        atLeast(0), "How long a new streams group waits for more members before its first "
                                + "assignment, in ms."),
                key("streams.assignment.interval.ms", INT, "1000", "group.streams.assignment.interval.ms",
                        atLeast(0), "Shortest time between two target assignments of the streams group, in ms."),
                key("streams.assignor.offload.enable", BOOLEAN, "true", "group.streams.assignor.offload.enable",
                        none(), "Whether the streams group's assignments are computed off the coordinator thread."),
                key("streams.task.offset.interval.ms", INT, "60000", "group.streams.task.offset.interval.ms",
                        atLeast(1), "How often streams group members report their task offsets, in ms."),
                key("streams.num.warmup.replicas", INT, "2", "group.streams.num.warmup.replicas", atLeast(0),
                        "Most warm-up replicas the streams group assigns at a time."),
                key(RACK_TAGS, LIST, "", "group.streams.rack.aware.assignment.tags", none(),
                        "Client tag keys the streams group spreads standby replicas over (no duplicates)."),
                key("streams.acceptable.recovery.lag", LONG, "10000", "group.streams.acceptable.recovery.lag",
                        atLeast(0), "Records a streams client may lag behind and still count as caught up."),
                key(STREAMS_ASSIGNOR, STRING, null, "group.streams.assignors", none(),
                        "Task assignor of the streams group, one of group.streams.assignors; unset means "
                                + "the first of them."),
                key(DLQ_TOPIC_NAME, STRING, "", null, none(),
                        "Dead-letter queue topic of the share group; blank means none. Must not start with '__'."),
                key("errors.deadletterqueue.copy.record.enable", BOOLEAN, "false", null, none(),
                        "Whether records written to the dead-letter queue carry the original record, not only "
                                + "its context headers."));
        Map<String, ConfigKey> byName = new TreeMap<>();
        for (ConfigKey k : keys) {
            if (byName.put(k.name(), k) != null) {
                throw new IllegalStateException("duplicate group config " + k.name());
            }
        }
        KEYS = Collections.unmodifiableMap(byName);
        ALL = List.copyOf(byName.values());

        for (String kind : KINDS) {
            String prefix = "group." + kind + ".";
            BOUNDS.put(kind + ".session.timeout.ms",
                    new Bound(prefix + "min.session.timeout.ms", prefix + "max.session.timeout.ms"));
            BOUNDS.put(kind + ".heartbeat.interval.ms",
                    new Bound(prefix + "min.heartbeat.interval.ms", prefix + "max.heartbeat.interval.ms"));
            BOUNDS.put(kind + ".assignment.interval.ms",
                    new Bound(prefix + "min.assignment.interval.ms", prefix + "max.assignment.interval.ms"));
        }
        BOUNDS.put("share.record.lock.duration.ms",
                new Bound("group.share.min.record.lock.duration.ms", "group.share.max.record.lock.duration.ms"));
        BOUNDS.put("share.delivery.count.limit",
                new Bound("group.share.min.delivery.count.limit", "group.share.max.delivery.count.limit"));
        BOUNDS.put("share.partition.max.record.locks", new Bound("group.share.min.partition.max.record.locks",
                "group.share.max.partition.max.record.locks"));
        BOUNDS.put("streams.num.standby.replicas", new Bound(null, "group.streams.max.standby.replicas"));
        BOUNDS.put("streams.num.warmup.replicas", new Bound(null, "group.streams.max.warmup.replicas"));
        BOUNDS.put("streams.task.offset.interval.ms", new Bound("group.streams.min.task.offset.interval.ms", null));
    }

    private GroupConfigCatalog() {
    }

    private static ConfigKey key(String name, ConfigType type, String defaultValue, String brokerSynonym,
            ValueRule rule, String documentation) {
        return new ConfigKey(name, type, defaultValue, documentation, brokerSynonym, false, rule);
    }

    /** The group config called {@code name}, if Kafka 4.4 has one. */
    public static Optional<ConfigKey> find(String name) {
        return Optional.ofNullable(KEYS.get(name));
    }

    /** Every group config, internal ones included, ordered by name; unmodifiable. */
    public static Collection<ConfigKey> all() {
        return ALL;
    }

    /** Whether Kafka treats the config as internal: settable, but described only when set. */
    public static boolean isInternal(String name) {
        return INTERNAL.contains(name);
    }

    /** Broker config values as a broker with nothing set has them (Kafka's defaults). */
    public static String brokerDefault(String brokerConfig) {
        return BrokerConfigCatalog.find(brokerConfig).map(k -> k.key().defaultValue()).orElse(null);
    }

    /**
     * Checks the complete set of overrides a group would have, as Kafka 4.4 does: every name is a
     * group config; every value parses and passes its own check; values bounded by broker configs lie
     * within them; a streams assignor is one the broker offers; a dead-letter topic does not start with
     * {@code __}; and each kind's session timeout exceeds its heartbeat interval (an absent one counts
     * as the broker's default).
     *
     * @param brokerValue the broker's effective value of a broker config (e.g. {@code
     *     group.consumer.max.session.timeout.ms}), never null for the configs of {@link BrokerConfigCatalog}
     * @throws InvalidConfigurationException naming the first offending config
     */
    public static void validate(Map<String, String> overrides, UnaryOperator<String> brokerValue) {
        for (String name : overrides.keySet()) {
            if (name == null || !KEYS.containsKey(name)) {
                throw new InvalidConfigurationException("Unknown group config name: " + name);
            }
        }
        Map<String, String> sorted = new TreeMap<>(overrides);
        Map<String, Object> parsed = new TreeMap<>();
        sorted.forEach((name, value) -> {
            ConfigKey key = KEYS.get(name);
            key.validate(value);
            parsed.put(name, key.type().parse(name, value));
        });
        Object tags = parsed.get(RACK_TAGS);
        if (tags instanceof List<?> list && new HashSet<>(list).size() != list.size()) {
            throw new InvalidConfigurationException(RACK_TAGS + " must not contain duplicate tag keys.");
        }
        BOUNDS.forEach((name, bound) -> {
            if (parsed.get(name) instanceof Integer value) {
                checkBound(name, value, bound, brokerValue);
            }
        });
        Object dlq = parsed.get(DLQ_TOPIC_NAME);
        if (dlq instanceof String topic && topic.trim().startsWith("__")) {
            throw new InvalidConfigurationException(DLQ_TOPIC_NAME + ": DLQ topic name must not start with '__'");
        }
        if (parsed.get(STREAMS_ASSIGNOR) instanceof String assignor) {
            List<?> registered = (List<?>) LIST.parse("group.streams.assignors",
                    brokerValue.apply("group.streams.assignors"));
            if (!registered.contains(assignor.trim())) {
                throw new InvalidConfigurationException(STREAMS_ASSIGNOR + " '" + assignor
                        + "' is not a registered task assignor. Registered assignors are: " + registered + ".");
            }
        }
        for (String kind : KINDS) {
            String session = kind + ".session.timeout.ms";
            String heartbeat = kind + ".heartbeat.interval.ms";
            if (parsed.containsKey(session) || parsed.containsKey(heartbeat)) {
                int sessionMs = effectiveInt(parsed, session, brokerValue);
                int heartbeatMs = effectiveInt(parsed, heartbeat, brokerValue);
                if (sessionMs <= heartbeatMs) {
                    throw new InvalidConfigurationException(session + " must be greater than " + heartbeat);
                }
            }
        }
    }

    private static void checkBound(String name, int value, Bound bound, UnaryOperator<String> brokerValue) {
        Integer min = bound.min() == null ? null : brokerInt(bound.min(), brokerValue);
        Integer max = bound.max() == null ? null : brokerInt(bound.max(), brokerValue);
        if (min != null && max != null && (value < min || value > max)) {
            throw new InvalidConfigurationException(name + " must be in the range " + min + " to " + max
                    + " inclusive.");
        }
        if (min == null && max != null && value > max) {
            throw new InvalidConfigurationException(name + " must be less than or equal to " + max);
        }
        if (max == null && min != null && value < min) {
            throw new InvalidConfigurationException(name + " must be greater than or equal to " + min);
        }
    }

    private static int effectiveInt(Map<String, Object> parsed, String name, UnaryOperator<String> brokerValue) {
        Object value = parsed.get(name);
        return value != null ? (Integer) value : brokerInt(KEYS.get(name).brokerSynonym(), brokerValue);
    }

    private static int brokerInt(String brokerConfig, UnaryOperator<String> brokerValue) {
        return (Integer) INT.parse(brokerConfig, brokerValue.apply(brokerConfig));
    }
}

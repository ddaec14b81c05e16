package io.spillway.meta.config;

import static io.spillway.meta.config.ConfigType.BOOLEAN;
import static io.spillway.meta.config.ConfigType.DOUBLE;
import static io.spillway.meta.config.ConfigType.INT;
import static io.spillway.meta.config.ConfigType.LIST;
import static io.spillway.meta.config.ConfigType.LONG;
import static io.spillway.meta.config.ConfigType.STRING;
import static io.spillway.meta.config.ValueRule.atLeast;
import static io.spillway.meta.config.ValueRule.between;
import static io.spillway.meta.config.ValueRule.betweenDecimal;
import static io.spillway.meta.config.ValueRule.betweenOr;
import static io.spillway.meta.config.ValueRule.eachOneOf;
import static io.spillway.meta.config.ValueRule.none;
import static io.spillway.meta.config.ValueRule.oneOf;
import static io.spillway.meta.config.ValueRule.throttledReplicas;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.kafka.common.errors.InvalidConfigurationException;

/**
 * Every topic-level config Apache Kafka 4.4 accepts and shows in DescribeConfigs, with the
 * default a topic without overrides reports on a broker with default settings, and validation of
 * topic overrides (CreateTopics, AlterConfigs, IncrementalAlterConfigs).
 *
 * <p>Kafka's test-only {@code internal.segment.bytes} is deliberately absent, as are configs
 * removed before 4.0 such as {@code message.downconversion.enable} and
 * {@code message.format.version}; Kafka 4.4 rejects those as unknown too.
 *
 * <p>Immutable and thread-safe.
 */
public final class TopicConfigCatalog {
    private static final String MAX_LONG = String.valueOf(Long.MAX_VALUE);
    private static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    private static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";

    private static final Map<String, ConfigKey> KEYS;
    private static final List<ConfigKey> ALL;

    static {
        List<ConfigKey> keys = List.of(
                key("cleanup.policy", LIST, "delete", "log.cleanup.policy",
                        eachOneOf("compact", "delete"),
                        "What happens to old segments: delete them, compact them by key, or both."),
                key("compression.gzip.level", INT, "-1", "compression.gzip.level",
                        betweenOr(1, 9, -1),
                        "Gzip level used when the topic compresses with gzip (-1 = codec default)."),
                key("compression.lz4.level", INT, "9", "compression.lz4.level", between(1, 17),
                        "LZ4 level used when the topic compresses with lz4."),
                key("compression.type", STRING, "producer", "compression.type",
                        oneOf("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
                        "Codec for stored batches; 'producer' keeps whatever the producer sent."),
                key("compression.zstd.level", INT, "3", "compression.zstd.level",
                        between(-131072, 22),
                        "Zstandard level used when the topic compresses with zstd."),
                key("delete.retention.ms", LONG, "86400000", "log.cleaner.delete.retention.ms",
                        atLeast(0),
                        "How long tombstones stay readable after compaction, in ms."),
                key("errors.deadletterqueue.group.enable", BOOLEAN, "false", null, none(),
                        "Whether share groups may use this topic as their dead-letter queue."),
                key("file.delete.delay.ms", LONG, "60000", "log.segment.delete.delay.ms",
                        atLeast(0),
                        "Delay before a removed segment's files are deleted from disk, in ms."),
                key("flush.messages", LONG, MAX_LONG, "log.flush.interval.messages", atLeast(1),
                        "Force a flush after this many appended records."),
                key("flush.ms", LONG, MAX_LONG, "log.flush.interval.ms", atLeast(0),
                        "Force a flush when unflushed data is older than this, in ms."),
                key("follower.replication.throttled.replicas", LIST, "", null, throttledReplicas(),
                        "Follower replicas (partition:broker, or *) whose replication is throttled."),
                key("index.interval.bytes", INT, "4096", "log.index.interval.bytes", atLeast(0),
                        "Bytes of log between two offset index entries."),
                key("leader.replication.throttled.replicas", LIST, "", null, throttledReplicas(),
                        "Leader replicas (partition:broker, or *) whose replication is throttled."),
                key("local.retention.bytes", LONG, "-2", "log.local.retention.bytes", atLeast(-2),
                        "Local bytes kept per partition when tiered; -2 means use retention.bytes."),
                key("local.retention.ms", LONG, "-2", "log.local.retention.ms", atLeast(-2),
                        "Local retention time when tiered, in ms; -2 means use retention.ms."),
                key(MAX_COMPACTION_LAG_MS, LONG, MAX_LONG, "log.cleaner.max.compaction.lag.ms",
                        atLeast(1),
                        "Longest a record may stay uncompacted, in ms."),
                key("max.decompressed.message.bytes", INT, "2147483639",
                        "max.decompressed.message.bytes", between(1, 2147483639),
                        "Largest size a record batch may decompress to, in bytes."),
                key("max.message.bytes", INT, "1048588", "message.max.bytes", atLeast(0),
                        "Largest record batch the topic accepts, in bytes (after compression)."),
                key("message.timestamp.after.max.ms", LONG, "3600000",
                        "log.message.timestamp.after.max.ms", atLeast(0),
                        "How far a CreateTime timestamp may be ahead of broker time, in ms."),
                key("message.timestamp.before.max.ms", LONG, MAX_LONG,
                        "log.message.timestamp.before.max.ms", atLeast(0),
                        "How far a CreateTime timestamp may be behind broker time, in ms."),
                key("message.timestamp.type", STRING, "CreateTime", "log.message.timestamp.type",
                        oneOf("CreateTime", "LogAppendTime"),
                        "Whether record timestamps come from the producer or the broker."),
                key("min.cleanable.dirty.ratio", DOUBLE, "0.5", "log.cleaner.min.cleanable.ratio",
                        betweenDecimal(0, 1),
                        "Share of uncompacted log needed before compaction runs."),
                key(MIN_COMPACTION_LAG_MS, LONG, "0", "log.cleaner.min.compaction.lag.ms",
                        atLeast(0),
                        "Shortest time a record stays uncompacted, in ms."),
                key("min.insync.replicas", INT, "1", "min.insync.replicas", atLeast(1),
                        "In-sync replicas required to accept an acks=all write."),
                key("preallocate", BOOLEAN, "false", "log.preallocate", none(),
                        "Whether new segment files are preallocated on disk."),
                key("remote.copy.lag.bytes", LONG, "-1", "log.remote.copy.lag.bytes",
                        atLeast(-1),
                        "Bytes of eligible data allowed to wait before copying to remote storage."),
                key("remote.copy.lag.ms", LONG, "0", "log.remote.copy.lag.ms", atLeast(-1),
                        "Time eligible data may wait before copying to remote storage, in ms."),
                key("remote.log.copy.disable", BOOLEAN, "false", null, none(),
                        "Stop copying to remote storage while keeping remote data readable."),
                key("remote.log.delete.on.disable", BOOLEAN, "false", null, none(),
                        "Delete remote data when remote storage is turned off for the topic."),
                key("remote.storage.enable", BOOLEAN, "false", null, none(),
                        "Whether the topic uses tiered (remote) storage."),
                key("retention.bytes", LONG, "-1", "log.retention.bytes", none(),
                        "Bytes kept per partition before old segments go; -1 means no limit."),
                key("retention.ms", LONG, "604800000", "log.retention.ms", atLeast(-1),
                        "How long records are kept, in ms; -1 means forever."),
                key("segment.bytes", INT, "1073741824", "log.segment.bytes", atLeast(1048576),
                        "Size at which the active segment is rolled, in bytes."),
                key("segment.index.bytes", INT, "10485760", "log.index.size.max.bytes",
                        atLeast(4),
                        "Maximum size of a segment's offset index, in bytes."),
                key("segment.jitter.ms", LONG, "0", "log.roll.jitter.ms", atLeast(0),
                        "Random reduction of segment.ms to spread out segment rolls, in ms."),
                key("segment.ms", LONG, "604800000", "log.roll.ms", atLeast(1),
                        "Age at which the active segment is rolled even if not full, in ms."),
                key("unclean.leader.election.enable", BOOLEAN, "false",
                        "unclean.leader.election.enable", none(),
                        "Whether an out-of-sync replica may become leader, at the cost of data loss."));
        Map<String, ConfigKey> byName = new TreeMap<>();
        for (ConfigKey k : keys) {
            if (byName.put(k.name(), k) != null) {
                throw new IllegalStateException("duplicate topic config " + k.name());
            }
        }
        KEYS = Collections.unmodifiableMap(byName);
        ALL = List.copyOf(byName.values());
    }

    private TopicConfigCatalog() {
    }

    private static ConfigKey key(String name, ConfigType type, String defaultValue,
            String brokerSynonym, ValueRule rule, String documentation) {
        return new ConfigKey(name, type, defaultValue, documentation, brokerSynonym, false, rule);
    }

    /** The topic config called {@code name}, if Kafka 4.4 has one. */
    public static Optional<ConfigKey> find(String name) {
        return Optional.ofNullable(KEYS.get(name));
    }

    /** Every topic config, ordered by name; the returned collection is unmodifiable. */
    public static Collection<ConfigKey> all() {
        return ALL;
    }

    /**
     * Checks a set of topic overrides as Kafka does: first that every name is a topic config,
     * then each value, then that {@code min.compaction.lag.ms} does not exceed
     * {@code max.compaction.lag.ms} (an absent one counts as its default).
     *
     * @throws InvalidConfigurationException naming the first offending config
     */
    public static void validate(Map<String, String> overrides) {
        for (String name : overrides.keySet()) {
            if (name == null || !KEYS.containsKey(name)) {
                throw new InvalidConfigurationException("Unknown topic config name: " + name);
            }
        }
        Map<String, String> sorted = new TreeMap<>(overrides);
        sorted.forEach((name, value) -> KEYS.get(name).validate(value));

        long minLag = lagValue(sorted, MIN_COMPACTION_LAG_MS);
        long maxLag = lagValue(sorted, MAX_COMPACTION_LAG_MS);
        if (minLag > maxLag) {
            throw new InvalidConfigurationException(MIN_COMPACTION_LAG_MS + " (" + minLag
                    + ") must not be greater than " + MAX_COMPACTION_LAG_MS + " (" + maxLag + ")");
        }
    }

    private static long lagValue(Map<String, String> overrides, String name) {
        String value = overrides.getOrDefault(name, KEYS.get(name).defaultValue());
        return (Long) LONG.parse(name, value);
    }
}

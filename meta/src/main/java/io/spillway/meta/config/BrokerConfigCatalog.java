package io.spillway.meta.config;

import static io.spillway.meta.config.ConfigType.BOOLEAN;
import static io.spillway.meta.config.ConfigType.DOUBLE;
import static io.spillway.meta.config.ConfigType.INT;
import static io.spillway.meta.config.ConfigType.LIST;
import static io.spillway.meta.config.ConfigType.LONG;
import static io.spillway.meta.config.ConfigType.SHORT;
import static io.spillway.meta.config.ConfigType.STRING;
import static io.spillway.meta.config.ValueRule.atLeast;
import static io.spillway.meta.config.ValueRule.between;
import static io.spillway.meta.config.ValueRule.betweenDecimal;
import static io.spillway.meta.config.ValueRule.betweenOr;
import static io.spillway.meta.config.ValueRule.eachOneOf;
import static io.spillway.meta.config.ValueRule.none;
import static io.spillway.meta.config.ValueRule.oneOf;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every setting the broker is started with, and what DescribeConfigs reports for resource type BROKER: the
 * Kafka-named settings Spillway reads (with Apache Kafka 4.4's defaults where Spillway behaves the same, Spillway's
 * own where a single node differs, {@code null} where there is none), Spillway's own {@code spillway.*} settings
 * ({@link SpillwaySettingKeys}), and Kafka's TLS and SASL settings ({@link KafkaSecurityKeys}). Each key says
 * whether it is read-only (static-only, as in Kafka). It holds every broker synonym a topic config refers to
 * (see {@link ConfigSynonyms}) and the {@code group.*} settings group configs default to and are bounded by (see
 * {@link GroupConfigCatalog}). Kafka settings that mean nothing to a single node are in
 * {@link KafkaSettingsWithoutEffect}; the start-up check of a broker's settings is {@link StaticSettingsCheck}.
 *
 * <p>Immutable and thread-safe.
 */
public final class BrokerConfigCatalog {
    private static final String MAX_LONG = String.valueOf(Long.MAX_VALUE);
    static final boolean READ_ONLY = true;
    static final boolean DYNAMIC = false;

    private static final Map<String, BrokerConfigKey> KEYS;
    private static final List<BrokerConfigKey> ALL;

    static {
        List<BrokerConfigKey> kafka = List.of(
                // Settings Spillway reads at start (static only) that Kafka users know by these names.
                key("advertised.listeners", STRING, null, READ_ONLY, none(),
                        "Addresses clients are told to connect to, as NAME://host:port; default: the listeners' own."),
                key("allow.everyone.if.no.acl.found", BOOLEAN, "false", READ_ONLY, none(),
                        "With an authorizer: whether a resource without any ACL is open to everyone."),
                key("authorizer.class.name", STRING, "", READ_ONLY, none(),
                        "Authorizer to enforce ACLs with; empty means no authorization."),
                key("connections.max.reauth.ms", LONG, "0", READ_ONLY, atLeast(0),
                        "How long a SASL session lasts before the client must re-authenticate; 0 = forever."),
                key("controller.listener.names", LIST, "", READ_ONLY, none(),
                        "Kafka's controller listeners: Spillway has no controller quorum and does not bind them."),
                key("group.initial.rebalance.delay.ms", INT, "3000", READ_ONLY, atLeast(0),
                        "How long a classic group waits for more members before its first rebalance."),
                key("group.max.session.timeout.ms", INT, "1800000", READ_ONLY, atLeast(1),
                        "Largest session timeout a classic-protocol consumer may ask for."),
                key("group.max.size", INT, "2147483647", READ_ONLY, atLeast(1),
                        "Most members a classic group may have."),
                key("group.min.session.timeout.ms", INT, "6000", READ_ONLY, atLeast(1),
                        "Smallest session timeout a classic-protocol consumer may ask for."),
                key("group.share.max.size", INT, "200", READ_ONLY, between(1, 1000),
                        "Most members a share group may have."),
                key("listener.security.protocol.map", STRING,
                        "SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT", READ_ONLY, none(),
                        "Security protocol of each listener name, as NAME:PROTOCOL,..."),
                key("log.retention.check.interval.ms", LONG, "300000", READ_ONLY, atLeast(1),
                        "How often retention looks for data to delete, in ms."),
                key("max.connections", INT, "2147483647", READ_ONLY, atLeast(0),
                        "Most client connections the broker accepts at once."),
                key("max.connections.per.ip", INT, "2147483647", READ_ONLY, atLeast(0),
                        "Most connections from one IP address."),
                key("max.connections.per.ip.overrides", STRING, "", READ_ONLY, none(),
                        "Per-address exceptions to max.connections.per.ip, as host:count,..."),
                key("offset.metadata.max.bytes", INT, "4096", READ_ONLY, atLeast(0),
                        "Largest metadata string a committed offset may carry."),
                key("offsets.retention.check.interval.ms", LONG, "600000", READ_ONLY, atLeast(1),
                        "How often expired committed offsets are removed, in ms."),
                key("offsets.retention.minutes", INT, "10080", READ_ONLY, atLeast(1),
                        "How long the offsets of an empty group are kept."),
                key("quota.window.num", INT, "11", READ_ONLY, atLeast(1),
                        "Number of samples a client quota rate is measured over."),
                key("quota.window.size.seconds", INT, "1", READ_ONLY, atLeast(1),
                        "Length of one quota sample, in seconds."),
                key("sasl.enabled.mechanisms", LIST, "SCRAM-SHA-512,SCRAM-SHA-256,PLAIN", READ_ONLY,
                        eachOneOf("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN", "OAUTHBEARER"),
                        "SASL mechanisms SASL listeners offer (Kafka's default, GSSAPI, is not supported)."),
                key("sasl.server.max.receive.size", INT, "524288", READ_ONLY, atLeast(1),
                        "Largest SASL handshake message the broker accepts, in bytes."),
                key("super.users", STRING, null, READ_ONLY, none(),
                        "Principals the authorizer lets do everything, as User:name;User:other."),
                key("transaction.max.timeout.ms", INT, "900000", READ_ONLY, atLeast(1),
                        "Largest transaction timeout a producer may ask for."),
                key("transaction.remove.expired.transaction.cleanup.interval.ms", INT, "3600000", READ_ONLY, atLeast(1),
                        "How often expired transactional ids are removed, in ms."),
                key("transaction.two.phase.commit.enable", BOOLEAN, "false", READ_ONLY, none(),
                        "Whether producers may keep prepared transactions across restarts (KIP-939)."),
                key("transactional.id.expiration.ms", INT, "604800000", READ_ONLY, atLeast(1),
                        "How long an idle transactional id is kept."),
                key("auto.create.topics.enable", BOOLEAN, "true", READ_ONLY, none(),
                        "Create a topic automatically when a client asks for one that is missing."),
                key("broker.id", INT, "0", READ_ONLY, atLeast(0),
                        "Broker id; always equals node.id."),
                key("compression.gzip.level", INT, "-1", DYNAMIC, betweenOr(1, 9, -1),
                        "Default gzip level for topics (-1 = codec default)."),
                key("compression.lz4.level", INT, "9", DYNAMIC, between(1, 17),
                        "Default lz4 level for topics."),
                key("compression.type", STRING, "producer", DYNAMIC,
                        oneOf("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
                        "Default codec for stored batches; 'producer' keeps the producer's codec."),
                key("compression.zstd.level", INT, "3", DYNAMIC, between(-131072, 22),
                        "Default zstd level for topics."),
                key("default.replication.factor", INT, "1", READ_ONLY, none(),
                        "Replication factor of automatically created topics."),
                key("delete.topic.enable", BOOLEAN, "true", READ_ONLY, none(),
                        "Whether DeleteTopics is allowed."),
                // Group coordinator settings: the defaults and allowed ranges of the group configs
                // (GroupConfigCatalog). Kafka 4.4 lets the assignment interval and offload flags change at runtime;
                // Spillway's coordinators read them at start, so they are read-only here (a change is refused
                // rather than stored without effect).
                key("group.consumer.assignment.interval.ms", INT, "1000", READ_ONLY, atLeast(0),
                        "Default consumer.assignment.interval.ms of consumer groups."),
                key("group.consumer.assignor.offload.enable", BOOLEAN, "true", READ_ONLY, none(),
                        "Whether consumer group assignments are computed off the coordinator thread."),
                key("group.consumer.assignors", LIST, "uniform,range", READ_ONLY, none(),
                        "Server-side assignors of consumer groups; the first is the default."),
                key("group.consumer.heartbeat.interval.ms", INT, "5000", READ_ONLY, atLeast(1),
                        "Default consumer.heartbeat.interval.ms of consumer groups."),
                key("group.consumer.max.assignment.interval.ms", INT, "15000", READ_ONLY, atLeast(0),
                        "Largest consumer.assignment.interval.ms a group may set."),
                key("group.consumer.max.heartbeat.interval.ms", INT, "15000", READ_ONLY, atLeast(1),
                        "Largest consumer.heartbeat.interval.ms a group may set."),
                key("group.consumer.max.session.timeout.ms", INT, "60000", READ_ONLY, atLeast(1),
                        "Largest consumer.session.timeout.ms a group may set."),
                key("group.consumer.max.size", INT, "2147483647", READ_ONLY, atLeast(1),
                        "Most members a consumer group may have."),
                key("group.consumer.min.assignment.interval.ms", INT, "0", READ_ONLY, atLeast(0),
                        "Smallest consumer.assignment.interval.ms a group may set."),
                key("group.consumer.min.heartbeat.interval.ms", INT, "5000", READ_ONLY, atLeast(1),
                        "Smallest consumer.heartbeat.interval.ms a group may set."),
                key("group.consumer.min.session.timeout.ms", INT, "45000", READ_ONLY, atLeast(1),
                        "Smallest consumer.session.timeout.ms a group may set."),
                key("group.consumer.session.timeout.ms", INT, "45000", READ_ONLY, atLeast(1),
                        "Default consumer.session.timeout.ms of consumer groups."),
                key("group.share.assignment.interval.ms", INT, "1000", READ_ONLY, atLeast(0),
                        "Default share.assignment.interval.ms of share groups."),
                key("group.share.assignor.offload.enable", BOOLEAN, "true", READ_ONLY, none(),
                        "Whether share group assignments are computed off the coordinator thread."),
                key("group.share.delivery.count.limit", INT, "5", READ_ONLY, between(2, 10),
                        "Default share.delivery.count.limit of share groups."),
                key("group.share.heartbeat.interval.ms", INT, "5000", READ_ONLY, atLeast(1),
                        "Default share.heartbeat.interval.ms of share groups."),
                key("group.share.max.assignment.interval.ms", INT, "15000", READ_ONLY, atLeast(0),
                        "Largest share.assignment.interval.ms a group may set."),
                key("group.share.max.delivery.count.limit", INT, "10", READ_ONLY, between(5, 25),
                        "Largest share.delivery.count.limit a group may set."),
                key("group.share.max.heartbeat.interval.ms", INT, "15000", READ_ONLY, atLeast(1),
                        "Largest share.heartbeat.interval.ms a group may set."),
                key("group.share.max.partition.max.record.locks", INT, "4000", READ_ONLY,
                        between(2000, 10000),
                        "Largest share.partition.max.record.locks a group may set."),
                key("group.share.max.record.lock.duration.ms", INT, "60000", READ_ONLY,
                        between(30000, 3600000),
                        "Largest share.record.lock.duration.ms a group may set."),
                key("group.share.max.session.timeout.ms", INT, "60000", READ_ONLY, atLeast(1),
                        "Largest share.session.timeout.ms a group may set."),
                key("group.share.min.assignment.interval.ms", INT, "0", READ_ONLY, atLeast(0),
                        "Smallest share.assignment.interval.ms a group may set."),
                key("group.share.min.delivery.count.limit", INT, "2", READ_ONLY, between(2, 5),
                        "Smallest share.delivery.count.limit a group may set."),
                key("group.share.min.heartbeat.interval.ms", INT, "5000", READ_ONLY, atLeast(1),
                        "Smallest share.heartbeat.interval.ms a group may set."),
                key("group.share.min.partition.max.record.locks", INT, "100", READ_ONLY,
                        between(100, 2000),
                        "Smallest share.partition.max.record.locks a group may set."),
                key("group.share.min.record.lock.duration.ms", INT, "15000", READ_ONLY,
                        between(1000, 30000),
                        "Smallest share.record.lock.duration.ms a group may set."),
                key("group.share.min.session.timeout.ms", INT, "45000", READ_ONLY, atLeast(1),
                        "Smallest share.session.timeout.ms a group may set."),
                key("group.share.partition.max.record.locks", INT, "2000", READ_ONLY,
                        between(100, 10000),
                        "Default share.partition.max.record.locks of share groups."),
                key("group.share.record.lock.duration.ms", INT, "30000", READ_ONLY,
                        between(1000, 3600000),
                        "Default share.record.lock.duration.ms of share groups."),
                key("group.share.session.timeout.ms", INT, "45000", READ_ONLY, atLeast(1),
                        "Default share.session.timeout.ms of share groups."),
                key("group.streams.acceptable.recovery.lag", LONG, "10000", READ_ONLY, atLeast(0),
                        "Default streams.acceptable.recovery.lag of streams groups."),
                key("group.streams.assignment.interval.ms", INT, "1000", READ_ONLY, atLeast(0),
                        "Default streams.assignment.interval.ms of streams groups."),
                key("group.streams.assignor.offload.enable", BOOLEAN, "true", READ_ONLY, none(),
                        "Whether streams group assignments are computed off the coordinator thread."),
                key("group.streams.assignors", LIST, "sticky", READ_ONLY, none(),
                        "Task assignors of streams groups; the first is the default."),
                key("group.streams.heartbeat.interval.ms", INT, "5000", READ_ONLY, atLeast(1),
                        "Default streams.heartbeat.interval.ms of streams groups."),
                key("group.streams.initial.rebalance.delay.ms", INT, "3000", READ_ONLY, atLeast(0),
                        "Default streams.initial.rebalance.delay.ms of streams groups."),
                key("group.streams.max.assignment.interval.ms", INT, "15000", READ_ONLY, atLeast(0),
                        "Largest streams.assignment.interval.ms a group may set."),
                key("group.streams.max.heartbeat.interval.ms", INT, "15000", READ_ONLY, atLeast(1),
                        "Largest streams.heartbeat.interval.ms a group may set."),
                key("group.streams.max.session.timeout.ms", INT, "60000", READ_ONLY, atLeast(1),
                        "Largest streams.session.timeout.ms a group may set."),
                key("group.streams.max.standby.replicas", INT, "2", READ_ONLY, atLeast(0),
                        "Largest streams.num.standby.replicas a group may set."),
                key("group.streams.max.warmup.replicas", INT, "20", READ_ONLY, atLeast(0),
                        "Largest streams.num.warmup.replicas a group may set."),
                key("group.streams.min.assignment.interval.ms", INT, "0", READ_ONLY, atLeast(0),
                        "Smallest streams.assignment.interval.ms a group may set."),
                key("group.streams.min.heartbeat.interval.ms", INT, "5000", READ_ONLY, atLeast(1),
                        "Smallest streams.heartbeat.interval.ms a group may set."),
                key("group.streams.min.session.timeout.ms", INT, "45000", READ_ONLY, atLeast(1),
                        "Smallest streams.session.timeout.ms a group may set."),
                key("group.streams.min.task.offset.interval.ms", INT, "15000", READ_ONLY, atLeast(1),
                        "Smallest streams.task.offset.interval.ms a group may set."),
                key("group.streams.num.standby.replicas", INT, "0", READ_ONLY, atLeast(0),
                        "Default streams.num.standby.replicas of streams groups."),
                key("group.streams.num.warmup.replicas", INT, "2", READ_ONLY, atLeast(0),
                        "Default streams.num.warmup.replicas of streams groups."),
                key("group.streams.rack.aware.assignment.tags", LIST, "", READ_ONLY, none(),
                        "Default streams.rack.aware.assignment.tags of streams groups."),
                key("group.streams.session.timeout.ms", INT, "45000", READ_ONLY, atLeast(1),
                        "Default streams.session.timeout.ms of streams groups."),
                key("group.streams.task.offset.interval.ms", INT, "60000", READ_ONLY, atLeast(1),
                        "Default streams.task.offset.interval.ms of streams groups."),
                key("listeners", LIST, "PLAINTEXT://:9092", DYNAMIC, none(),
                        "Addresses the broker listens on, as NAME://host:port."),
                key("log.cleaner.backoff.ms", LONG, "15000", READ_ONLY, atLeast(0),
                        "How long the log cleaner waits between passes, in ms."),
                key("log.cleaner.dedupe.buffer.size", LONG, "33554432", READ_ONLY, atLeast(1024),
                        "Memory of the cleaner's key map (24 bytes a key); more keys take several passes."),
                key("log.cleaner.delete.retention.ms", LONG, "86400000", DYNAMIC, atLeast(0),
                        "Default delete.retention.ms for topics."),
                key("log.cleaner.enable", BOOLEAN, "true", READ_ONLY, none(),
                        "Whether topics with cleanup.policy=compact are compacted."),
                key("log.cleaner.io.max.bytes.per.second", DOUBLE, "1.7976931348623157E308", READ_ONLY, none(),
                        "Limit on the bytes the cleaner and the segment reorganiser read and write per second."),
                key("log.cleaner.max.compaction.lag.ms", LONG, MAX_LONG, DYNAMIC, atLeast(1),
                        "Default max.compaction.lag.ms for topics."),
                key("log.cleaner.min.cleanable.ratio", DOUBLE, "0.5", DYNAMIC,
                        betweenDecimal(0, 1),
                        "Default min.cleanable.dirty.ratio for topics."),
                key("log.cleaner.min.compaction.lag.ms", LONG, "0", DYNAMIC, atLeast(0),
                        "Default min.compaction.lag.ms for topics."),
                key("log.cleanup.policy", LIST, "delete", DYNAMIC, eachOneOf("compact", "delete"),
                        "Default cleanup.policy for topics."),
                key("log.dir", LIST, "data", READ_ONLY, none(),
                        "The data directory (--data-dir), used when log.dirs is not set; Spillway keeps one."),
                key("log.dirs", LIST, null, READ_ONLY, none(),
                        "The data directory (--data-dir); overrides log.dir. Spillway keeps one, so one entry only."),
                key("log.flush.interval.messages", LONG, MAX_LONG, DYNAMIC, atLeast(1),
                        "Default flush.messages for topics."),
                key("log.flush.interval.ms", LONG, null, DYNAMIC, none(),
                        "Default flush.ms for topics; unset means log.flush.scheduler.interval.ms."),
                key("log.flush.scheduler.interval.ms", LONG, MAX_LONG, READ_ONLY, none(),
                        "How often the flusher checks whether logs need flushing, in ms."),
                key("log.index.interval.bytes", INT, "4096", DYNAMIC, atLeast(0),
                        "Default index.interval.bytes for topics."),
                key("log.index.size.max.bytes", INT, "10485760", DYNAMIC, atLeast(4),
                        "Default segment.index.bytes for topics."),
                key("log.local.retention.bytes", LONG, "-2", DYNAMIC, atLeast(-2),
                        "Default local.retention.bytes for topics."),
                key("log.local.retention.ms", LONG, "-2", DYNAMIC, atLeast(-2),
                        "Default local.retention.ms for topics."),
                key("log.message.timestamp.after.max.ms", LONG, "3600000", DYNAMIC, atLeast(0),
                        "Default message.timestamp.after.max.ms for topics."),
                key("log.message.timestamp.before.max.ms", LONG, MAX_LONG, DYNAMIC, atLeast(0),
                        "Default message.timestamp.before.max.ms for topics."),
                key("log.message.timestamp.type", STRING, "CreateTime", DYNAMIC,
                        oneOf("CreateTime", "LogAppendTime"),
                        "Default message.timestamp.type for topics."),
                key("log.preallocate", BOOLEAN, "false", DYNAMIC, none(),
                        "Default preallocate for topics."),
                key("log.remote.copy.lag.bytes", LONG, "-1", DYNAMIC, atLeast(-1),
                        "Default remote.copy.lag.bytes for topics."),
                key("log.remote.copy.lag.ms", LONG, "0", DYNAMIC, atLeast(-1),
                        "Default remote.copy.lag.ms for topics."),
                key("log.retention.bytes", LONG, "-1", DYNAMIC, none(),
                        "Default retention.bytes for topics."),
                key("log.retention.hours", INT, "168", READ_ONLY, none(),
                        "Default retention in hours; used when log.retention.ms/minutes are unset."),
                key("log.retention.minutes", INT, null, READ_ONLY, none(),
                        "Default retention in minutes; used when log.retention.ms is unset."),
                key("log.retention.ms", LONG, null, DYNAMIC, atLeast(-1), // as retention.ms, which it supplies
                        "Default retention.ms for topics; takes precedence over minutes/hours."),
                key("log.roll.hours", INT, "168", READ_ONLY, atLeast(1),
                        "Default segment roll age in hours; used when log.roll.ms is unset."),
                key("log.roll.jitter.hours", INT, "0", READ_ONLY, atLeast(0),
                        "Default roll jitter in hours; used when log.roll.jitter.ms is unset."),
                key("log.roll.jitter.ms", LONG, null, DYNAMIC, none(),
                        "Default segment.jitter.ms for topics."),
                key("log.roll.ms", LONG, null, DYNAMIC, none(),
                        "Default segment.ms for topics."),
                key("log.segment.bytes", INT, "1073741824", DYNAMIC, atLeast(1048576),
                        "Default segment.bytes for topics."),
                key("log.segment.delete.delay.ms", LONG, "60000", DYNAMIC, atLeast(0),
                        "Default file.delete.delay.ms for topics."),
                key("max.decompressed.message.bytes", INT, "2147483639", DYNAMIC,
                        between(1, 2147483639),
                        "Default max.decompressed.message.bytes for topics."),
                key("message.max.bytes", INT, "1048588", DYNAMIC, atLeast(0),
                        "Default max.message.bytes for topics."),
                key("min.insync.replicas", INT, "1", DYNAMIC, atLeast(1),
                        "Default min.insync.replicas for topics."),
                key("node.id", INT, "0", READ_ONLY, atLeast(0),
                        "This node's id (Kafka requires it; Spillway, a single node, defaults to 0)."),
                key("num.io.threads", INT, "8", DYNAMIC, atLeast(1),
                        "Threads that process requests."),
                key("num.network.threads", INT, "3", DYNAMIC, atLeast(1),
                        "Threads that read and write network requests."),
                key("num.partitions", INT, "1", READ_ONLY, atLeast(1),
                        "Partition count of automatically created topics."),
                key("offsets.topic.replication.factor", SHORT, "1", READ_ONLY, atLeast(1),
                        "Replication factor of the consumer offsets topic; a single node keeps one copy, so always 1."),
                key("socket.request.max.bytes", INT, "104857600", READ_ONLY, atLeast(1),
                        "Largest request the broker accepts, in bytes."),
                key("unclean.leader.election.enable", BOOLEAN, "false", DYNAMIC, none(),
                        "Default unclean.leader.election.enable for topics."));
        List<BrokerConfigKey> keys = new ArrayList<>(kafka);
        keys.addAll(SpillwaySettingKeys.all());
        keys.addAll(KafkaSecurityKeys.all());
        Map<String, BrokerConfigKey> byName = new TreeMap<>();
        for (BrokerConfigKey k : keys) {
            if (byName.put(k.name(), k) != null) {
                throw new IllegalStateException("duplicate broker config " + k.name());
            }
        }
        KEYS = Collections.unmodifiableMap(byName);
        ALL = List.copyOf(byName.values());
    }

    private BrokerConfigCatalog() {
    }

    static BrokerConfigKey key(String name, ConfigType type, String defaultValue,
            boolean readOnly, ValueRule rule, String documentation) {
        return new BrokerConfigKey(
                new ConfigKey(name, type, defaultValue, documentation, null, type == ConfigType.PASSWORD, rule),
                readOnly);
    }

    /**
     * Settings about copies of data that a single node has at 1 whatever they say: the start-up check reports another
     * value as without effect, and DescribeConfigs reports 1 in force.
     */
    public static final List<String> ONE_COPY_SETTINGS = List.of("offsets.topic.replication.factor",
            "default.replication.factor", "min.insync.replicas");

    /** Whether {@code name} is one of Spillway's own settings ({@code spillway.*} or a launcher setting), any case. */
    public static boolean isSpillwaySetting(String name) {
        return SpillwaySettingKeys.owns(name);
    }

    /** The broker config called {@code name}, if this catalog has it. */
    public static Optional<BrokerConfigKey> find(String name) {
        return Optional.ofNullable(KEYS.get(name));
    }

    /** Every broker config in the catalog, ordered by name; unmodifiable. */
    public static Collection<BrokerConfigKey> all() {
        return ALL;
    }
}

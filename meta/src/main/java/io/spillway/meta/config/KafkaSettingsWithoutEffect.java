package io.spillway.meta.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.Optional;

/**
 * Kafka broker settings that mean nothing to Spillway, a single node without a controller quorum or replicas.
 * A {@code server.properties} brought from Kafka holds many of them; they are accepted and named once at start
 * (with why they do nothing) rather than reported as unknown.
 */
public final class KafkaSettingsWithoutEffect {
    private static final String SINGLE_NODE = "a single node keeps one copy of everything";
    private static final String NO_QUORUM = "Spillway has no separate controller quorum";
    private static final String NO_ZOOKEEPER = "Spillway does not use ZooKeeper";
    private static final String CLIENT_SIDE = "it configures Kafka clients, and the broker is not one";
    private static final String NO_REPLICAS = "a single node has no replicas to fetch or elect";

    /** Exact names and why each has no effect. */
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("process.roles", NO_QUORUM),
            Map.entry("inter.broker.listener.name", SINGLE_NODE),
            Map.entry("security.inter.broker.protocol", SINGLE_NODE),
            Map.entry("sasl.mechanism.inter.broker.protocol", SINGLE_NODE),
            Map.entry("sasl.mechanism.controller.protocol", NO_QUORUM),
            Map.entry("cluster.id", "the cluster id is made when the data directory is first used"),
            Map.entry("metadata.log.dir", "metadata is kept in the data directory"),
            Map.entry("num.recovery.threads.per.data.dir", "recovery reads the shared log once"),
            Map.entry("num.replica.fetchers", NO_REPLICAS),
            Map.entry("num.replica.alter.log.dirs.threads", NO_REPLICAS),
            Map.entry("auto.leader.rebalance.enable", NO_REPLICAS),
            Map.entry("offsets.topic.num.partitions", "consumer offsets live in one partition (per stream)"),
            Map.entry("offsets.topic.segment.bytes", "internal topics share the write-ahead log"),
            Map.entry("offsets.topic.min.isr", SINGLE_NODE),
            Map.entry("transaction.state.log.replication.factor", SINGLE_NODE),
            Map.entry("transaction.state.log.min.isr", SINGLE_NODE),
            Map.entry("transaction.state.log.num.partitions", "transaction state lives in one partition"),
            Map.entry("transaction.state.log.segment.bytes", "internal topics share the write-ahead log"),
            Map.entry("share.coordinator.state.topic.replication.factor", SINGLE_NODE),
            Map.entry("share.coordinator.state.topic.min.isr", SINGLE_NODE),
            Map.entry("share.coordinator.state.topic.num.partitions", "share state lives in one partition (per stream)"),
            Map.entry("socket.send.buffer.bytes", "the operating system sizes socket buffers"),
            Map.entry("socket.receive.buffer.bytes", "the operating system sizes socket buffers"),
            Map.entry("group.coordinator.rebalance.protocols", "classic, consumer, share and streams groups are all on"),
            Map.entry("unstable.api.versions.enable", "Spillway offers only the API versions it implements"),
            Map.entry("sasl.jaas.config", "SCRAM users are managed with the admin API or spillway.sasl.bootstrap.users"),
            Map.entry("sasl.mechanism", CLIENT_SIDE),
            Map.entry("sasl.client.callback.handler.class", CLIENT_SIDE),
            Map.entry("sasl.server.callback.handler.class", "SASL mechanisms are built in"),
            Map.entry("sasl.kerberos.service.name", "Kerberos (GSSAPI) is not supported"),
            Map.entry("security.protocol", CLIENT_SIDE),
            Map.entry("inter.broker.protocol.version", "removed in Kafka 4.0; the metadata version replaced it"),
            Map.entry("log.message.format.version", "removed in Kafka 4.0: record batches are always format v2"));

    /** Every broker setting name of Apache Kafka 4.4, from the resource beside this class. */
    private static final Set<String> KAFKA_NAMES = kafkaNames();
    private static final String NOT_USED = "a Kafka setting Spillway does not use";

    /** Whole families by prefix, and why. */
    private static final Map<String, String> PREFIXES = Map.of(
            "controller.", NO_QUORUM,
            "zookeeper.", NO_ZOOKEEPER,
            "replica.", NO_REPLICAS,
            "leader.imbalance.", NO_REPLICAS,
            "sasl.kerberos.", "Kerberos (GSSAPI) is not supported",
            "sasl.login.", CLIENT_SIDE,
            "sasl.oauthbearer.token.endpoint", CLIENT_SIDE,
            "sasl.oauthbearer.client.credentials.", CLIENT_SIDE,
            "sasl.oauthbearer.assertion.", CLIENT_SIDE);

    private KafkaSettingsWithoutEffect() {
    }

    /** Why {@code name} has no effect in Spillway, if it is a Kafka setting that has none. */
    public static Optional<String> reason(String name) {
        String reason = NAMES.get(name);
        if (reason != null) {
            return Optional.of(reason);
        }
        Optional<String> family = PREFIXES.entrySet().stream().filter(e -> name.startsWith(e.getKey()))
                .map(Map.Entry::getValue).findFirst();
        return family.isPresent() ? family : KAFKA_NAMES.contains(name) ? Optional.of(NOT_USED) : Optional.empty();
    }

    private static Set<String> kafkaNames() {
        try (InputStream in = KafkaSettingsWithoutEffect.class.getResourceAsStream("kafka-broker-settings.txt")) {
            if (in == null) {
                throw new IllegalStateException("kafka-broker-settings.txt is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toUnmodifiableSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The exact names, for the configuration reference. */
    public static Map<String, String> names() {
        return NAMES;
    }

    /** The prefixes of whole families, for the configuration reference. */
    public static Map<String, String> prefixes() {
        return PREFIXES;
    }
}

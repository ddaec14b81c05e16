package io.spillway.meta.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

class StaticSettingsCheckTest {

    @Test
    void validSettingsPassQuietly() {
        StaticSettingsCheck.Result r = StaticSettingsCheck.check(Map.of("spillway.fsync", "FALSE", "num.partitions", " 3 ",
                "listeners", "PLAINTEXT://:0", "ssl.keystore.location", "/k.p12",
                "listener.name.external.ssl.keystore.password", "secret",
                "listener.name.ext.oauthbearer.sasl.oauthbearer.jwks.endpoint.url", "https://idp/jwks",
                "data.dir", "x", "listener.port", "0"));
        assertThat(r.warnings()).isEmpty();
        assertThat(r.withoutEffect()).isEmpty();
    }

    @Test
    void booleansAcceptOnlyTrueOrFalse() {
        assertThatThrownBy(() -> StaticSettingsCheck.check(Map.of("spillway.fsync", "maybe")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Invalid value maybe for configuration spillway.fsync: must be true or false");
        assertThatThrownBy(() -> StaticSettingsCheck.check(Map.of("auto.create.topics.enable", "yes")))
                .hasMessageContaining("auto.create.topics.enable");
    }

    @Test
    void numbersAreTypedAndBounded() {
        assertThatThrownBy(() -> StaticSettingsCheck.check(Map.of("num.partitions", "abc")))
                .hasMessage("Invalid value abc for configuration num.partitions: must be a whole number that fits in 32 bits");
        assertThatThrownBy(() -> StaticSettingsCheck.check(Map.of("num.partitions", "0")))
                .hasMessage("Invalid value 0 for configuration num.partitions: must be at least 1");
        assertThatThrownBy(() -> StaticSettingsCheck.check(Map.of("listener.port", "70000")))
                .hasMessageContaining("listener.port").hasMessageContaining("between 0 and 65535");
        assertThatThrownBy(() -> StaticSettingsCheck.check(Map.of("spillway.http.listener", "localhost")))
                .hasMessageContaining("host:port");
    }

    @Test
    void everyErrorIsNamedOnOneLine() {
        assertThatThrownBy(() -> StaticSettingsCheck.check(Map.of("spillway.fsync", "maybe", "num.partitions", "x")))
                .hasMessageContaining("num.partitions").hasMessageContaining("spillway.fsync")
                .hasMessageNotContaining("\n");
    }

    @Test
    void perListenerValuesAreCheckedAsTheSettingTheyOverride() {
        assertThatThrownBy(() -> StaticSettingsCheck.check(Map.of("listener.name.sasl_ssl.ssl.client.auth", "always")))
                .hasMessageContaining("configuration listener.name.sasl_ssl.ssl.client.auth")
                .hasMessageContaining("required, requested, none");
    }

    @Test
    void valuesOfUnknownSettingsAreNotEchoed() {
        assertThat(StaticSettingsCheck.check(Map.of("my.plugin.password", "hunter2")).warnings())
                .singleElement().asString().doesNotContain("hunter2");
        assertThatThrownBy(() -> StaticSettingsCheck.check(Map.of("spillway.sasl.bootstrap.user", "alice:hunter2")))
                .hasMessageNotContaining("hunter2").hasMessageContaining("spillway.sasl.bootstrap.users");
    }

    @Test
    void unknownSpillwaySettingStopsTheStartNamingTheNearest() {
        assertThatThrownBy(() -> StaticSettingsCheck.check(Map.of("spillway.fsnyc", "false")))
                .hasMessageStartingWith("Unknown setting spillway.fsnyc (did you mean spillway.fsync?)");
    }

    @Test
    void namesInTheWrongCaseOrEmptyStopTheStart() {
        assertThatThrownBy(() -> StaticSettingsCheck.check(Map.of("SPILLWAY.FSYNC", "false")))
                .hasMessageStartingWith("Unknown setting SPILLWAY.FSYNC (did you mean spillway.fsync?)");
        assertThatThrownBy(() -> StaticSettingsCheck.check(Map.of("", "3")))
                .hasMessage("A setting without a name (value 3): write name=value");
        assertThatThrownBy(() -> StaticSettingsCheck.check(Map.of("log.retention.ms", "-5")))
                .hasMessage("Invalid value -5 for configuration log.retention.ms: must be at least -1");
    }

    @Test
    void streamSettingsAreNotBrokerSettings() {
        assertThatThrownBy(() -> StaticSettingsCheck.check(Map.of("spillway.stream.max.topics", "10")))
                .hasMessageStartingWith("Setting spillway.stream.max.topics belongs to a stream, not the broker")
                .hasMessageContaining("--entity-name /path/stream");
    }

    @Test
    void unknownKafkaSettingIsAWarningNamingTheNearest() {
        StaticSettingsCheck.Result r = StaticSettingsCheck.check(Map.of("advertised.listener", "PLAINTEXT://h:1",
                "totally.made.up.setting", "1"));
        assertThat(r.warnings()).containsExactly(
                "Unknown setting advertised.listener is ignored (did you mean advertised.listeners?); the settings "
                        + "Spillway reads are listed in docs/configuration.md",
                "Unknown setting totally.made.up.setting is ignored; the settings Spillway reads are listed in "
                        + "docs/configuration.md");
    }

    @Test
    void kafkaSettingsSpillwayDoesNotUseAreNotCalledUnknown() {
        StaticSettingsCheck.Result r = StaticSettingsCheck.check(Map.of("log.cleaner.threads", "2",
                "metric.reporters", "x", "inter.broker.protocol.version", "3.7"));
        assertThat(r.warnings()).isEmpty();
        assertThat(r.withoutEffect()).containsExactly("inter.broker.protocol.version (removed in Kafka 4.0; the "
                + "metadata version replaced it)", "log.cleaner.threads (a Kafka setting Spillway does not use)",
                "metric.reporters (a Kafka setting Spillway does not use)");
    }

    @Test
    void everyKafkaNamedCatalogKeyIsKafkasOwn() throws Exception {
        java.util.Set<String> kafka = new java.util.HashSet<>();
        try (java.io.InputStream in = KafkaSettingsWithoutEffect.class.getResourceAsStream("kafka-broker-settings.txt")) {
            new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.startsWith("#")).forEach(kafka::add);
        }
        assertThat(kafka).hasSizeGreaterThan(300).contains("num.partitions", "log.cleaner.threads");
        java.util.List<String> notKafkas = BrokerConfigCatalog.all().stream().map(BrokerConfigKey::name)
                .filter(n -> !BrokerConfigCatalog.isSpillwaySetting(n) && !kafka.contains(n))
                // Kafka's StandardAuthorizer reads these itself; KafkaConfig does not define them
                .filter(n -> !List.of("super.users", "allow.everyone.if.no.acl.found").contains(n)).toList();
        assertThat(notKafkas).as("catalog keys with Kafka-style names that Kafka 4.4 does not have").isEmpty();
    }

    @Test
    void topicConfigAtBrokerLevelPointsToTheBrokerName() {
        StaticSettingsCheck.Result r = StaticSettingsCheck.check(Map.of("retention.ms", "1000"));
        assertThat(r.warnings()).singleElement().asString().contains("topic config").contains("log.retention.ms");
    }

    @Test
    void kafkaSettingsWithoutEffectAreListed() {
        StaticSettingsCheck.Result r = StaticSettingsCheck.check(Map.of("process.roles", "broker,controller",
                "controller.quorum.voters", "1@localhost:9093", "offsets.topic.replication.factor", "3",
                "transaction.state.log.replication.factor", "3"));
        assertThat(r.warnings()).isEmpty();
        assertThat(r.withoutEffect()).hasSize(4).anyMatch(s -> s.startsWith("offsets.topic.replication.factor=3"))
                .anyMatch(s -> s.startsWith("process.roles ("));
    }

    @Test
    void oneDataDirectoryAndOneNodeId() {
        assertThatThrownBy(() -> StaticSettingsCheck.check(Map.of("log.dirs", "/a,/b")))
                .hasMessageContaining("one data directory");
        assertThatThrownBy(() -> StaticSettingsCheck.check(Map.of("node.id", "1", "broker.id", "2")))
                .hasMessageContaining("broker.id 2 differs from node.id 1");
        assertThat(StaticSettingsCheck.check(Map.of("node.id", "1", "broker.id", "1")).warnings()).isEmpty();
    }

    @Test
    void editDistance() {
        assertThat(StaticSettingsCheck.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(StaticSettingsCheck.distance("", "abc")).isEqualTo(3);
        assertThat(StaticSettingsCheck.nearest("num.partition")).isEqualTo("num.partitions");
        assertThat(StaticSettingsCheck.nearest("zzzzzzzz")).isNull();
    }
}

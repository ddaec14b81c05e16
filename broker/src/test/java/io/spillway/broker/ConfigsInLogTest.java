package io.spillway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigsInLogTest {
    @Test
    void aChangeListsTheKeysSetWithTheirValuesAndTheKeysDeleted() {
        assertThat(ConfigsInLog.change(Map.of("retention.ms", "1", "segment.ms", "5"),
                Map.of("segment.ms", "6", "cleanup.policy", "compact"), ConfigsInLog.TOPIC))
                .isEqualTo("set cleanup.policy=compact, segment.ms=6; deleted retention.ms");
        assertThat(ConfigsInLog.change(Map.of(), Map.of("segment.ms", "6"), ConfigsInLog.TOPIC)).isEqualTo("set segment.ms=6");
        assertThat(ConfigsInLog.change(Map.of("segment.ms", "6"), Map.of(), ConfigsInLog.TOPIC)).isEqualTo("deleted segment.ms");
        assertThat(ConfigsInLog.change(Map.of("segment.ms", "6"), Map.of("segment.ms", "6"), ConfigsInLog.TOPIC)).isNull();
    }

    @Test
    void sensitiveValuesAreNeverShown() {
        String change = ConfigsInLog.change(Map.of(), Map.of(
                "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config", "org.example.Login required password=\"p1\";",
                "ssl.keystore.password", "p2", "ssl.key.password", "p3", "my.plugin.secret", "p4",
                "some.unknown.broker.key", "p5", "log.retention.ms", "1000"), ConfigsInLog.BROKER);
        assertThat(change).doesNotContain("p1", "p2", "p3", "p4", "p5")
                .contains("ssl.keystore.password (sensitive, value not logged)",
                        "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config (sensitive, value not logged)",
                        "log.retention.ms=1000");
        assertThat(ConfigsInLog.settings(Map.of("ssl.truststore.password", "p6", "retention.ms", "5"),
                ConfigsInLog.TOPIC)).isEqualTo("retention.ms=5, ssl.truststore.password (sensitive, value not logged)");
        assertThat(ConfigsInLog.settings(Map.of(), ConfigsInLog.TOPIC)).isEqualTo("none");
    }
}

package io.spillway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.testkit.SpillwayProcess;
import io.spillway.testkit.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A broker started as a process with settings a Kafka user would bring: DescribeConfigs answers what is in force
 * (the bound port of a port-0 listener, the node id, the data directory, one copy of the offsets topic), the
 * settings given are in force (num.partitions), and the log says what it did not use.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConfigInForceTest {
    private Path dir;
    private SpillwayProcess broker;

    @BeforeEach
    void setUp() {
        dir = TempDirs.create("spillway-config-in-force");
    }

    @AfterEach
    void tearDown() {
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            TempDirs.deleteQuietly(dir);
        }
    }

    @Test
    void describeConfigsReportsTheValuesInForce() throws Exception {
        Path data = dir.resolve("data");
        broker = SpillwayProcess.builder().name("in-force").dataDir(data)
                .set("node.id", "7")
                .set("num.partitions", "3")
                .set("offsets.topic.replication.factor", "3")
                .set("process.roles", "broker,controller")
                .set("advertised.listener", "PLAINTEXT://example:9092") // a typo: warned, not used
                .start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "7");
            Config config = admin.describeConfigs(List.of(node), new DescribeConfigsOptions().includeSynonyms(true))
                    .all().get(30, TimeUnit.SECONDS).get(node);
            assertThat(value(config, "listeners")).as("listeners").contains("127.0.0.1:" + broker.port())
                    .doesNotContain(":9092");
            assertThat(value(config, "node.id")).isEqualTo("7");
            assertThat(value(config, "broker.id")).isEqualTo("7");
            assertThat(value(config, "log.dirs")).isEqualTo(data.toAbsolutePath().toString());
            assertThat(value(config, "offsets.topic.replication.factor")).isEqualTo("1");
            assertThat(value(config, "num.partitions")).isEqualTo("3");
            assertThat(config.get("num.partitions").source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
            assertThat(value(config, "spillway.fsync")).isEqualTo("true");

            // the value given is the one used
            admin.createTopics(List.of(new NewTopic("defaults", java.util.Optional.empty(), java.util.Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);
            assertThat(admin.describeTopics(List.of("defaults")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("defaults").partitions()).hasSize(3);
        }
        String log = Files.readString(broker.logFile());
        assertThat(log).contains("WARN").contains("Unknown setting advertised.listener is ignored (did you mean "
                + "advertised.listeners?)")
                .containsPattern("Kafka settings with no effect in Spillway \\(accepted, ignored\\): "
                        + "offsets.topic.replication.factor=3 \\(a single node keeps one copy: 1 is in force\\), "
                        + "process.roles \\(");
    }

    private static String value(Config config, String name) {
        ConfigEntry entry = config.get(name);
        assertThat(entry).as("DescribeConfigs has %s", name).isNotNull();
        return entry.value();
    }
}

package io.spillway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.server.ServerConfig;
import io.spillway.server.SpillwayServer;
import io.spillway.testkit.SpillwayProcess;
import io.spillway.testkit.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
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
            assertThat(config.get("log.dirs").source()).as("--data-dir is static configuration")
                    .isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
            assertThat(value(config, "offsets.topic.replication.factor")).isEqualTo("1");
            assertThat(value(config, "num.partitions")).isEqualTo("3");
            assertThat(config.get("num.partitions").source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
            assertThat(value(config, "spillway.fsync")).isEqualTo("true");
            assertThat(value(config, "spillway.http.listener")).as("the HTTP port bound for port 0")
                    .matches("127\\.0\\.0\\.1:\\d+").doesNotEndWith(":0");

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

    @Test
    void dynamicThreadCountsApplyAtTheNextStartAndListenersAndGroupIntervalsAreRefused() throws Exception {
        Path data = dir.resolve("in-process");
        ServerConfig config = ServerConfig.builder().dataDir(data).host("127.0.0.1").port(0)
                .set("spillway.http.enable", "false").build();
        ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "0");
        try (SpillwayServer server = SpillwayServer.start(config);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap()))) {
            admin.incrementalAlterConfigs(Map.of(node, List.of(new AlterConfigOp(new ConfigEntry("num.io.threads", "3"),
                    AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
            // Spillway binds listeners once and its coordinators read their intervals at start: refused, not ignored
            assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(node, List.of(new AlterConfigOp(
                    new ConfigEntry("listeners", "PLAINTEXT://127.0.0.1:0"), AlterConfigOp.OpType.SET)))).all()
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("binds its listeners once at start");
            assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(node, List.of(new AlterConfigOp(
                    new ConfigEntry("group.consumer.assignment.interval.ms", "500"), AlterConfigOp.OpType.SET)))).all()
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("read-only");
            // Spillway's own names are all known: an unknown one is refused, naming the nearest
            assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(node, List.of(new AlterConfigOp(
                    new ConfigEntry("spillway.fsnyc", "false"), AlterConfigOp.OpType.SET)))).all()
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("Unknown setting spillway.fsnyc (did you mean spillway.fsync?)");
            // a retention below -1 is refused at broker level as at topic level
            assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(node, List.of(new AlterConfigOp(
                    new ConfigEntry("log.retention.ms", "-5"), AlterConfigOp.OpType.SET)))).all()
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("must be at least -1");
        }
        try (CapturedLog log = CapturedLog.of(SpillwayServer.class);
             SpillwayServer again = SpillwayServer.start(config)) {
            assertThat(log.info()).contains(
                    "Serving requests with 3 I/O threads (num.io.threads) and "
                            + Math.min(3, Runtime.getRuntime().availableProcessors())
                            + " network threads (num.network.threads)");
        }
    }

    @Test
    void aCombinedKraftNodesPropertiesFileStartsWithoutItsControllerListener() throws Exception {
        // What Kafka's own config/server.properties holds for a combined broker+controller node, ports picked.
        Properties file = new Properties();
        file.load(new java.io.StringReader("""
                process.roles=broker,controller
                node.id=1
                controller.quorum.bootstrap.servers=localhost:9093
                listeners=PLAINTEXT://:0,CONTROLLER://:0
                inter.broker.listener.name=PLAINTEXT
                advertised.listeners=PLAINTEXT://localhost:0,CONTROLLER://localhost:0
                controller.listener.names=CONTROLLER
                listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL
                num.network.threads=3
                num.io.threads=8
                socket.send.buffer.bytes=102400
                socket.receive.buffer.bytes=102400
                num.partitions=1
                num.recovery.threads.per.data.dir=1
                offsets.topic.replication.factor=1
                share.coordinator.state.topic.replication.factor=1
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                log.retention.hours=168
                log.segment.bytes=1073741824
                log.retention.check.interval.ms=300000
                spillway.http.enable=false
                """));
        ServerConfig.Builder builder = ServerConfig.builder().dataDir(dir.resolve("kraft-combined"));
        file.stringPropertyNames().forEach(k -> builder.set(k, file.getProperty(k)));
        try (CapturedLog log = CapturedLog.of(SpillwayServer.class, Class.forName("io.spillway.server.Listeners"));
             SpillwayServer server = SpillwayServer.start(builder.build());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     "127.0.0.1:" + server.port()))) {
            assertThat(log.info()).contains("Not binding CONTROLLER named in controller.listener.names: Spillway has "
                    + "no controller quorum").anyMatch(l -> l.startsWith("Kafka settings with no effect in Spillway "
                    + "(accepted, ignored): ") && l.contains("process.roles (") && l.contains("socket.send.buffer.bytes ("));
            ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "1");
            Config config = admin.describeConfigs(List.of(node)).all().get(30, TimeUnit.SECONDS).get(node);
            // an empty host binds every interface, as in Kafka; the controller listener is not there
            assertThat(value(config, "listeners")).isEqualTo("PLAINTEXT://:" + server.port());
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).singleElement()
                    .satisfies(n -> assertThat(n.id()).isEqualTo(1));
        }
    }

    private static String value(Config config, String name) {
        ConfigEntry entry = config.get(name);
        assertThat(entry).as("DescribeConfigs has %s", name).isNotNull();
        return entry.value();
    }
}

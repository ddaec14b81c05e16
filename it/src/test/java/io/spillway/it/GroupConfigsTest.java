package io.spillway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.server.ServerConfig;
import io.spillway.server.SpillwayServer;
import io.spillway.testkit.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Group configs (ConfigResource type GROUP, Kafka 4.4's group-level overrides) through the real Admin client:
 * describe with defaults and overrides, IncrementalAlterConfigs and AlterConfigs, bad input, validateOnly,
 * persistence across a restart, and consumer-protocol groups using their consumer.heartbeat.interval.ms and
 * consumer.session.timeout.ms.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GroupConfigsTest {

    private Path dataDir;
    private SpillwayServer server;
    private Admin admin;

    @BeforeEach
    void setUp() throws Exception {
        dataDir = TempDirs.create("spillway-group-configs");
        start();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            stop();
        } finally {
            TempDirs.deleteQuietly(dataDir);
        }
    }

    private void start() throws Exception {
        server = SpillwayServer.start(ServerConfig.builder()
                .dataDir(dataDir)
                .host("127.0.0.1")
                .port(0)
                .set("num.partitions", "1")
                // wider bounds than Kafka's defaults, so the tests can use short timeouts
                .set("group.consumer.min.session.timeout.ms", "1000")
                .set("group.consumer.min.heartbeat.interval.ms", "100")
                .build());
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        admin = Admin.create(p);
    }

    private void stop() throws Exception {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }

    private static ConfigResource group(String id) {
        return new ConfigResource(ConfigResource.Type.GROUP, id);
    }

    private Config describe(String groupId) throws Exception {
        ConfigResource resource = group(groupId);
        return admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true)
                .includeDocumentation(true)).all().get().get(resource);
    }

    private void alter(String groupId, boolean validateOnly, AlterConfigOp... ops) throws Exception {
        admin.incrementalAlterConfigs(Map.of(group(groupId), List.of(ops)),
                new AlterConfigsOptions().validateOnly(validateOnly)).all().get();
    }

    private static AlterConfigOp set(String name, String value) {
        return new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
    }

    private static AlterConfigOp delete(String name) {
        return new AlterConfigOp(new ConfigEntry(name, null), AlterConfigOp.OpType.DELETE);
    }

    @Test
    void describesEveryGroupConfigWithTheBrokerDefaultsThenTheOverrides() throws Exception {
        Config defaults = describe("g-describe");
        ConfigEntry session = defaults.get("consumer.session.timeout.ms");
        assertThat(session.value()).isEqualTo("45000");
        assertThat(session.source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(session.isReadOnly()).isFalse();
        assertThat(session.type()).isEqualTo(ConfigEntry.ConfigType.INT);
        assertThat(session.documentation()).isNotBlank();
        assertThat(session.synonyms()).extracting(ConfigEntry.ConfigSynonym::name, ConfigEntry.ConfigSynonym::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("group.consumer.session.timeout.ms",
                        ConfigEntry.ConfigSource.DEFAULT_CONFIG));
        assertThat(defaults.get("share.auto.offset.reset").value()).isEqualTo("latest");
        assertThat(defaults.get("share.isolation.level").value()).isEqualTo("read_uncommitted");
        assertThat(defaults.get("share.record.lock.duration.ms").value()).isEqualTo("30000");
        assertThat(defaults.get("share.delivery.count.limit").value()).isEqualTo("5");
        assertThat(defaults.get("errors.deadletterqueue.topic.name").value()).isEmpty();
        // Kafka's internal group configs are described only once set
        assertThat(defaults.get("streams.num.warmup.replicas")).isNull();
        assertThat(defaults.entries()).hasSize(21);

        alter("g-describe", false, set("consumer.session.timeout.ms", "50000"),
                set("share.auto.offset.reset", "by_duration:PT1H"), set("share.isolation.level", "read_committed"),
                set("streams.num.warmup.replicas", "4"));
        Config set = describe("g-describe");
        ConfigEntry overridden = set.get("consumer.session.timeout.ms");
        assertThat(overridden.value()).isEqualTo("50000");
        assertThat(overridden.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_GROUP_CONFIG);
        assertThat(overridden.synonyms()).extracting(ConfigEntry.ConfigSynonym::source).containsExactly(
                ConfigEntry.ConfigSource.DYNAMIC_GROUP_CONFIG, ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(set.get("share.auto.offset.reset").value()).isEqualTo("by_duration:PT1H");
        assertThat(set.get("share.isolation.level").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_GROUP_CONFIG);
        assertThat(set.get("streams.num.warmup.replicas").value()).isEqualTo("4");
        // other groups are not affected
        assertThat(describe("g-other").get("consumer.session.timeout.ms").value()).isEqualTo("45000");

        alter("g-describe", false, delete("consumer.session.timeout.ms"));
        ConfigEntry deleted = describe("g-describe").get("consumer.session.timeout.ms");
        assertThat(deleted.value()).isEqualTo("45000");
        assertThat(deleted.source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void rejectsUnknownNamesOutOfRangeValuesAndBadOffsetResetsWithInvalidConfig() throws Exception {
        assertInvalidConfig(set("no.such.config", "1"), "Unknown group config name: no.such.config");
        assertInvalidConfig(set("consumer.session.timeout.ms", "999"),
                "consumer.session.timeout.ms must be in the range 1000 to 60000 inclusive");
        assertInvalidConfig(set("consumer.heartbeat.interval.ms", "20000"),
                "consumer.heartbeat.interval.ms must be in the range 100 to 15000 inclusive");
        assertInvalidConfig(set("share.record.lock.duration.ms", "999"), "share.record.lock.duration.ms");
        assertInvalidConfig(set("share.delivery.count.limit", "11"),
                "share.delivery.count.limit must be in the range 2 to 10 inclusive");
        assertInvalidConfig(set("share.auto.offset.reset", "EARLIEST"), "share.auto.offset.reset");
        assertInvalidConfig(set("share.auto.offset.reset", "by_duration:-PT1H"), "by_duration");
        assertInvalidConfig(set("share.auto.offset.reset", "by_duration:soon"), "by_duration");
        assertInvalidConfig(set("share.isolation.level", "READ_COMMITTED"), "share.isolation.level");
        assertInvalidConfig(set("consumer.session.timeout.ms", "abc"), "consumer.session.timeout.ms");
        assertInvalidConfig(set("errors.deadletterqueue.topic.name", "__dlq"), "must not start with '__'");
        assertInvalidConfig(new AlterConfigOp(new ConfigEntry("consumer.session.timeout.ms", "1000"),
                AlterConfigOp.OpType.APPEND), "consumer.session.timeout.ms");
        // nothing was stored
        assertThat(describe("g-bad").entries()).allSatisfy(e ->
                assertThat(e.source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG));

        // an empty group id names no group
        assertThatThrownBy(() -> alter("", false, set("consumer.session.timeout.ms", "50000")))
                .hasCauseInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> describe("")).hasCauseInstanceOf(InvalidRequestException.class);
    }

    private void assertInvalidConfig(AlterConfigOp op, String message) {
        assertThatThrownBy(() -> alter("g-bad", false, op)).as("%s", op)
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(InvalidConfigurationException.class)
                .cause().hasMessageContaining(message);
    }

    @Test
    void validateOnlyChecksButStoresNothingAndAlterConfigsReplacesTheWholeSet() throws Exception {
        alter("g-validate", true, set("share.delivery.count.limit", "3"));
        assertThat(describe("g-validate").get("share.delivery.count.limit").source())
                .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThatThrownBy(() -> alter("g-validate", true, set("share.delivery.count.limit", "30")))
                .hasCauseInstanceOf(InvalidConfigurationException.class);

        alter("g-validate", false, set("share.delivery.count.limit", "3"), set("share.partition.max.record.locks", "500"));
        // the legacy AlterConfigs (no longer in the Admin client) replaces every override by the ones it names
        String bootstrap = server.bootstrap();
        int colon = bootstrap.lastIndexOf(':');
        try (WireClient wire = new WireClient(bootstrap.substring(0, colon), Integer.parseInt(bootstrap.substring(colon + 1)),
                30_000); CapturedLog log = CapturedLog.of(Class.forName("io.spillway.broker.handler.ConfigOverrides"))) {
            AlterConfigsRequestData request = new AlterConfigsRequestData();
            AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
                    .setResourceType(ConfigResource.Type.GROUP.id()).setResourceName("g-validate");
            resource.configs().add(new AlterConfigsRequestData.AlterableConfig()
                    .setName("share.record.lock.duration.ms").setValue("20000"));
            request.resources().add(resource);
            AlterConfigsResponse response = wire.send(WireClient.request(ApiKeys.ALTER_CONFIGS, request,
                    ApiKeys.ALTER_CONFIGS.latestVersion()));
            assertThat(response.data().responses()).singleElement().satisfies(r ->
                    assertThat(r.errorCode()).isEqualTo(Errors.NONE.code()));
            assertThat(log.info()).as("one line for the resource, naming the client").singleElement().asString()
                    .startsWith("Changed configs of group 'g-validate' for client 'spillway-it-wire' at ")
                    .endsWith(": set share.record.lock.duration.ms=20000; deleted share.delivery.count.limit, "
                            + "share.partition.max.record.locks");
        }
        Config after = describe("g-validate");
        assertThat(after.get("share.record.lock.duration.ms").value()).isEqualTo("20000");
        assertThat(after.get("share.delivery.count.limit").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(after.get("share.partition.max.record.locks").value()).isEqualTo("2000");
    }

    @Test
    void overridesSurviveARestart() throws Exception {
        alter("g-durable", false, set("consumer.heartbeat.interval.ms", "700"),
                set("share.auto.offset.reset", "earliest"));
        alter("g-durable", false, delete("share.auto.offset.reset"), set("share.renew.acknowledge.enable", "false"));
        stop();
        start();
        Config after = describe("g-durable");
        assertThat(after.get("consumer.heartbeat.interval.ms").value()).isEqualTo("700");
        assertThat(after.get("consumer.heartbeat.interval.ms").source())
                .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_GROUP_CONFIG);
        assertThat(after.get("share.renew.acknowledge.enable").value()).isEqualTo("false");
        assertThat(after.get("share.auto.offset.reset").value()).isEqualTo("latest");
        assertThat(after.get("share.auto.offset.reset").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void consumerGroupsUseTheirHeartbeatIntervalAndSessionTimeout() throws Exception {
        String topic = "group-configs-topic";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        alter("g-fast", false, set("consumer.heartbeat.interval.ms", "300"), set("consumer.session.timeout.ms", "2000"));

        // the interval a member is told in its heartbeat responses; the broker-wide one elsewhere
        String bootstrap = server.bootstrap();
        int colon = bootstrap.lastIndexOf(':');
        try (WireClient wire = new WireClient(bootstrap.substring(0, colon), Integer.parseInt(bootstrap.substring(colon + 1)),
                30_000)) {
            String memberId = Uuid.randomUuid().toString();
            ConsumerGroupHeartbeatResponseData joined = heartbeat(wire, "g-fast", memberId);
            assertThat(joined.errorCode()).isZero();
            assertThat(joined.heartbeatIntervalMs()).isEqualTo(300);
            assertThat(heartbeat(wire, "g-default", Uuid.randomUuid().toString()).heartbeatIntervalMs()).isEqualTo(5000);
            // the member stops heartbeating: it is gone after the group's 2 s session timeout, not the broker's 45 s
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!members("g-fast").isEmpty()) {
                assertThat(System.nanoTime()).as("member of g-fast expired").isLessThan(deadlineNs);
                Thread.sleep(200);
            }
            assertThat(members("g-default")).hasSize(1);
        }

        // a real consumer heartbeats at the group's interval: many heartbeats in a few seconds, not one
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "g-fast");
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.assignment().isEmpty()) {
                assertThat(System.nanoTime()).as("consumer assigned").isLessThan(deadlineNs);
                consumer.poll(Duration.ofMillis(100));
            }
            double before = heartbeats(consumer);
            long untilNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < untilNs) {
                consumer.poll(Duration.ofMillis(100));
            }
            assertThat(heartbeats(consumer) - before).as("heartbeats in 3 s at a 300 ms interval").isGreaterThanOrEqualTo(5);
        }
    }

    private Collection<?> members(String groupId) throws Exception {
        return admin.describeConsumerGroups(List.of(groupId)).all().get().get(groupId).members();
    }

    private static double heartbeats(KafkaConsumer<?, ?> consumer) {
        for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
            if (e.getKey().name().equals("heartbeat-total")) {
                return ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        throw new AssertionError("no heartbeat-total metric among " + consumer.metrics().keySet());
    }

    private static ConsumerGroupHeartbeatResponseData heartbeat(WireClient wire, String group, String memberId)
            throws Exception {
        ConsumerGroupHeartbeatRequestData join = new ConsumerGroupHeartbeatRequestData().setGroupId(group)
                .setMemberId(memberId).setMemberEpoch(0).setRebalanceTimeoutMs(30_000)
                .setSubscribedTopicNames(List.of("group-configs-topic")).setTopicPartitions(List.of());
        ConsumerGroupHeartbeatResponse response = wire.send(WireClient.request(ApiKeys.CONSUMER_GROUP_HEARTBEAT, join,
                ApiKeys.CONSUMER_GROUP_HEARTBEAT.latestVersion()));
        return response.data();
    }
}

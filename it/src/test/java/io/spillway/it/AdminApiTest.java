package io.spillway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.server.ServerConfig;
import io.spillway.server.SpillwayServer;
import io.spillway.testkit.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Kafka Admin API (and the produce-side topic rules it configures) against one in-process broker. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdminApiTest {

    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create();

    private static final long WAIT_S = 60;

    private static Admin admin() {
        return BROKER.admin();
    }

    private static <T> T get(KafkaFuture<T> future) throws Exception {
        return future.get(WAIT_S, TimeUnit.SECONDS);
    }

    /** The cause of the future's failure (asserting that it fails). */
    private static Throwable failure(Future<?> future) {
        try {
            future.get(WAIT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("Expected the future to fail, but waiting for it failed with " + e, e);
        }
        throw new AssertionError("Expected the future to fail, but it succeeded");
    }

    private static Set<String> topicNames() throws Exception {
        return get(admin().listTopics().names());
    }

    private static TopicDescription describe(String topic) throws Exception {
        return get(admin().describeTopics(List.of(topic)).allTopicNames()).get(topic);
    }

    // ---------------------------------------------------------------- createTopics

    @Test
    void createTopicsCreatesWithPartitionsConfigsAndId() throws Exception {
        String name = EmbeddedBroker.uniqueName("created");
        CreateTopicsResult result = admin().createTopics(List.of(new NewTopic(name, 3, (short) 1)
                .configs(Map.of("retention.ms", "3600000", "cleanup.policy", "delete"))));
        get(result.all());
        assertThat(get(result.numPartitions(name))).isEqualTo(3);
        assertThat(get(result.replicationFactor(name))).isEqualTo(1);
        Uuid id = get(result.topicId(name));
        assertThat(id).isNotNull().isNotEqualTo(Uuid.ZERO_UUID);
        assertThat(get(result.config(name)).get("retention.ms").value()).isEqualTo("3600000");

        TopicDescription description = describe(name);
        assertThat(description.topicId()).isEqualTo(id);
        assertThat(description.partitions()).hasSize(3);
        assertThat(description.isInternal()).isFalse();
        for (TopicPartitionInfo p : description.partitions()) {
            assertThat(p.leader()).isNotNull();
            assertThat(p.replicas()).hasSize(1);
            assertThat(p.isr()).hasSize(1);
        }
        assertThat(topicNames()).contains(name);

        // Defaults: num.partitions (1 on this broker) and replication factor -1 → broker default.
        String defaulted = EmbeddedBroker.uniqueName("defaulted");
        get(admin().createTopics(List.of(new NewTopic(defaulted, java.util.Optional.empty(), java.util.Optional.empty()))).all());
        assertThat(describe(defaulted).partitions()).hasSize(1);
    }

    @Test
    void createTopicsValidateOnlyCreatesNothing() throws Exception {
        String name = EmbeddedBroker.uniqueName("validate-only");
        CreateTopicsResult result = admin().createTopics(List.of(new NewTopic(name, 4, (short) 1)),
                new CreateTopicsOptions().validateOnly(true));
        get(result.all());
        assertThat(get(result.numPartitions(name))).isEqualTo(4);
        assertThat(topicNames()).doesNotContain(name);
        assertThat(failure(admin().describeTopics(List.of(name)).allTopicNames()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        // validateOnly still validates
        assertThat(failure(admin().createTopics(List.of(new NewTopic(name, 0, (short) 1)),
                new CreateTopicsOptions().validateOnly(true)).all())).isInstanceOf(InvalidPartitionsException.class);
        // and the name is still free to create for real
        get(admin().createTopics(List.of(new NewTopic(name, 4, (short) 1))).all());
        assertThat(describe(name).partitions()).hasSize(4);
    }

    @Test
    void createTopicsRejectsInvalidNames() throws Exception {
        for (String bad : List.of("..", ".", "has space", "star*", "a".repeat(250), "ümlaut")) {
            assertThat(failure(admin().createTopics(List.of(new NewTopic(bad, 1, (short) 1))).all()))
                    .as("create topic named '%s'", bad)
                    .isInstanceOf(InvalidTopicException.class);
        }
        // 249 characters is the longest legal name
        String longest = "l".repeat(249);
        get(admin().createTopics(List.of(new NewTopic(longest, 1, (short) 1))).all());
        assertThat(topicNames()).contains(longest);
    }

    @Test
    void createTopicsRejectsExistingTopic() throws Exception {
        String name = BROKER.createTopic("exists", 2);
        assertThat(failure(admin().createTopics(List.of(new NewTopic(name, 2, (short) 1))).all()))
                .isInstanceOf(TopicExistsException.class);
        assertThat(failure(admin().createTopics(List.of(new NewTopic(name, 2, (short) 1)),
                new CreateTopicsOptions().validateOnly(true)).all())).isInstanceOf(TopicExistsException.class);
        // one bad topic does not fail the good one in the same request
        String other = EmbeddedBroker.uniqueName("sibling");
        CreateTopicsResult mixed = admin().createTopics(List.of(new NewTopic(name, 2, (short) 1),
                new NewTopic(other, 1, (short) 1)));
        assertThat(failure(mixed.values().get(name))).isInstanceOf(TopicExistsException.class);
        get(mixed.values().get(other));
        assertThat(topicNames()).contains(other);
    }

    @Test
    void createTopicsRejectsReplicationFactorAboveBrokerCount() throws Exception {
        String name = EmbeddedBroker.uniqueName("rf3");
        assertThat(failure(admin().createTopics(List.of(new NewTopic(name, 1, (short) 3))).all()))
                .isInstanceOf(InvalidReplicationFactorException.class);
        assertThat(topicNames()).doesNotContain(name);
    }

    @Test
    void createTopicsRejectsZeroPartitions() throws Exception {
        String name = EmbeddedBroker.uniqueName("zero");
        assertThat(failure(admin().createTopics(List.of(new NewTopic(name, 0, (short) 1))).all()))
                .isInstanceOf(InvalidPartitionsException.class);
        assertThat(topicNames()).doesNotContain(name);
    }

    @Test
    void createTopicsRejectsBadAndUnknownConfigs() throws Exception {
        Map<String, Map<String, String>> bad = Map.of(
                "bad-number", Map.of("retention.ms", "not-a-number"),
                "bad-enum", Map.of("cleanup.policy", "banana"),
                "bad-range", Map.of("min.insync.replicas", "0"),
                "bad-type", Map.of("message.timestamp.type", "WallClockTime"),
                "unknown", Map.of("no.such.config", "1"));
        for (Map.Entry<String, Map<String, String>> e : bad.entrySet()) {
            String name = EmbeddedBroker.uniqueName(e.getKey());
            assertThat(failure(admin().createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(e.getValue()))).all()))
                    .as("create topic with %s", e.getValue())
                    .isInstanceOf(InvalidConfigurationException.class);
            assertThat(topicNames()).doesNotContain(name);
        }
    }

    // ---------------------------------------------------------------- deleteTopics

    @Test
    void deleteTopicsByNameAndById() throws Exception {
        String byName = BROKER.createTopic("delete-by-name", 2);
        String byId = BROKER.createTopic("delete-by-id", 1);
        KafkaProducer<byte[], byte[]> producer = BROKER.producer();
        producer.send(new ProducerRecord<>(byName, 0, null, "x".getBytes(UTF_8))).get(30, TimeUnit.SECONDS);
        Uuid id = describe(byId).topicId();

        get(admin().deleteTopics(List.of(byName)).all());
        get(admin().deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all());
        assertThat(topicNames()).doesNotContain(byName, byId);
        assertThat(failure(admin().describeTopics(List.of(byName)).allTopicNames()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(failure(admin().describeTopics(List.of(byId)).allTopicNames()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);

        // Deleting again: unknown name / unknown id.
        assertThat(failure(admin().deleteTopics(List.of(byName)).all()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(failure(admin().deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all()))
                .isInstanceOf(UnknownTopicIdException.class);

        // The name can be reused; the new topic starts empty with a new id.
        get(admin().createTopics(List.of(new NewTopic(byName, 1, (short) 1))).all());
        TopicDescription recreated = describe(byName);
        assertThat(recreated.partitions()).hasSize(1);
        TopicPartition tp0 = new TopicPartition(byName, 0);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                get(admin().listOffsets(Map.of(tp0, OffsetSpec.latest())).all());
        assertThat(ends.get(tp0).offset()).as("end offset of the re-created topic").isZero();
    }

    @Test
    void internalTopicsCannotBeDeletedAndGroupsKeepWorking() throws Exception {
        String topic = BROKER.createTopic("internal-guard", 1);
        String group = EmbeddedBroker.uniqueName("internal-guard");
        TopicPartition tp = new TopicPartition(topic, 0);
        get(admin().alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(3))).all());
        for (String internal : List.of("__consumer_offsets", "__transaction_state", "__share_group_state")) {
            assertThat(failure(admin().deleteTopics(List.of(internal)).all())).as(internal)
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("internal");
        }
        assertThat(get(admin().listTopics(new ListTopicsOptions().listInternal(true)).names()))
                .contains("__consumer_offsets", "__transaction_state", "__share_group_state");
        // Their records cannot be deleted (Kafka's INVALID_TOPIC_EXCEPTION) and they stay compacted (INVALID_CONFIG):
        // the coordinators rebuild their state from them by key at every start.
        TopicPartition offsets = new TopicPartition("__consumer_offsets", 0);
        assertThat(failure(admin().deleteRecords(Map.of(offsets, RecordsToDelete.beforeOffset(1))).all()))
                .isInstanceOf(org.apache.kafka.common.errors.InvalidTopicException.class);
        ConfigResource offsetsTopic = new ConfigResource(ConfigResource.Type.TOPIC, "__consumer_offsets");
        assertThat(failure(admin().incrementalAlterConfigs(Map.of(offsetsTopic, List.of(new AlterConfigOp(
                new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SET)))).all()))
                .isInstanceOf(org.apache.kafka.common.errors.InvalidConfigurationException.class)
                .hasMessageContaining("must stay compact");
        assertThat(failure(admin().incrementalAlterConfigs(Map.of(offsetsTopic, List.of(new AlterConfigOp(
                new ConfigEntry("cleanup.policy", null), AlterConfigOp.OpType.DELETE)))).all()))
                .isInstanceOf(org.apache.kafka.common.errors.InvalidConfigurationException.class);
        get(admin().incrementalAlterConfigs(Map.of(offsetsTopic, List.of(new AlterConfigOp(
                new ConfigEntry("segment.ms", "86400000"), AlterConfigOp.OpType.SET)))).all());
        get(admin().alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(5))).all());
        assertThat(get(admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()).get(tp).offset())
                .as("the group coordinator still serves").isEqualTo(5);
    }

    // ---------------------------------------------------------------- config changes in the log

    @Test
    void everyConfigChangeIsLoggedNamingTheClientButNoSecretAndNoValidateOnly() throws Exception {
        String topic = BROKER.createTopic("config-log", 1, Map.of("retention.ms", "3600000"));
        ConfigResource topicResource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "0");
        String client = " for client 'spillway-it-admin' at ";
        try (CapturedLog log = CapturedLog.of(Class.forName("io.spillway.broker.handler.ConfigOverrides"))) {
            get(admin().incrementalAlterConfigs(Map.of(topicResource, List.of(
                    new AlterConfigOp(new ConfigEntry("segment.ms", "600000"), AlterConfigOp.OpType.SET))),
                    new AlterConfigsOptions().validateOnly(true)).all());
            assertThat(log.info()).as("validate_only changes nothing, so it logs nothing").isEmpty();

            get(admin().incrementalAlterConfigs(Map.of(topicResource, List.of(
                    new AlterConfigOp(new ConfigEntry("segment.ms", "600000"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact,delete"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE)))).all());
            assertThat(log.info()).singleElement().asString().startsWith("Changed configs of topic '" + topic + "'"
                    + client).endsWith(": set cleanup.policy=compact,delete, segment.ms=600000; deleted retention.ms");

            // A broker config the catalog does not know may be a secret: its name is logged, its value never.
            get(admin().incrementalAlterConfigs(Map.of(broker, List.of(new AlterConfigOp(
                    new ConfigEntry("custom.plugin.password", "hunter2"), AlterConfigOp.OpType.SET)))).all());
            get(admin().incrementalAlterConfigs(Map.of(broker, List.of(new AlterConfigOp(
                    new ConfigEntry("custom.plugin.password", null), AlterConfigOp.OpType.DELETE)))).all());
            assertThat(log.info()).hasSize(3).noneMatch(m -> m.contains("hunter2"));
            assertThat(log.info().get(1)).startsWith("Changed configs of broker 0" + client)
                    .endsWith(": set custom.plugin.password (sensitive, value not logged)");
            assertThat(log.info().get(2)).startsWith("Changed configs of broker 0" + client)
                    .endsWith(": deleted custom.plugin.password");

            // The same change again changes nothing and logs nothing.
            get(admin().incrementalAlterConfigs(Map.of(topicResource, List.of(
                    new AlterConfigOp(new ConfigEntry("segment.ms", "600000"), AlterConfigOp.OpType.SET)))).all());
            assertThat(log.info()).hasSize(3);
        }
    }

    // ---------------------------------------------------------------- createPartitions

    @Test
    void createPartitionsGrowsRejectsShrinkAndHonoursValidateOnly() throws Exception {
        String topic = BROKER.createTopic("grow", 1);
        get(admin().createPartitions(Map.of(topic, NewPartitions.increaseTo(3))).all());
        assertThat(describe(topic).partitions()).hasSize(3);

        // A producer created now sees three partitions and can write to the new ones.
        KafkaProducer<byte[], byte[]> producer = BROKER.producer();
        RecordMetadata md = producer.send(new ProducerRecord<>(topic, 2, null, "p2".getBytes(UTF_8))).get(30, TimeUnit.SECONDS);
        assertThat(md.partition()).isEqualTo(2);
        assertThat(md.offset()).isZero();
        KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer();
        TopicPartition tp2 = new TopicPartition(topic, 2);
        consumer.assign(List.of(tp2));
        consumer.seekToBeginning(List.of(tp2));
        List<ConsumerRecord<byte[], byte[]>> got = EmbeddedBroker.pollUntil(consumer, 1, Duration.ofSeconds(30));
        assertThat(got).hasSize(1);
        assertThat(new String(got.get(0).value(), UTF_8)).isEqualTo("p2");

        assertThat(failure(admin().createPartitions(Map.of(topic, NewPartitions.increaseTo(2))).all()))
                .as("shrink 3 -> 2").isInstanceOf(InvalidPartitionsException.class);
        assertThat(failure(admin().createPartitions(Map.of(topic, NewPartitions.increaseTo(3))).all()))
                .as("same count 3 -> 3").isInstanceOf(InvalidPartitionsException.class);
        assertThat(describe(topic).partitions()).hasSize(3);

        get(admin().createPartitions(Map.of(topic, NewPartitions.increaseTo(6)),
                new CreatePartitionsOptions().validateOnly(true)).all());
        assertThat(describe(topic).partitions()).as("after validateOnly").hasSize(3);
        assertThat(failure(admin().createPartitions(Map.of(topic, NewPartitions.increaseTo(1)),
                new CreatePartitionsOptions().validateOnly(true)).all())).isInstanceOf(InvalidPartitionsException.class);

        assertThat(failure(admin().createPartitions(Map.of(EmbeddedBroker.uniqueName("missing"),
                NewPartitions.increaseTo(2))).all())).isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    // ---------------------------------------------------------------- deleteRecords

    @Test
    void deleteRecordsMovesLowWatermark() throws Exception {
        String topic = BROKER.createTopic("delete-records", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "0"));
        for (int i = 0; i < 20; i++) {
            producer.send(new ProducerRecord<>(topic, 0, null, ("v" + i).getBytes(UTF_8))).get(30, TimeUnit.SECONDS);
        }
        assertThat(get(admin().deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(7))).lowWatermarks().get(tp))
                .lowWatermark()).isEqualTo(7);
        assertThat(get(admin().listOffsets(Map.of(tp, OffsetSpec.earliest())).all()).get(tp).offset()).isEqualTo(7);
        assertThat(get(admin().listOffsets(Map.of(tp, OffsetSpec.latest())).all()).get(tp).offset()).isEqualTo(20);

        KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer();
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<ConsumerRecord<byte[], byte[]>> got = EmbeddedBroker.pollUntil(consumer, 13, Duration.ofSeconds(30));
        assertThat(got).hasSize(13);
        assertThat(got.get(0).offset()).isEqualTo(7);
        assertThat(new String(got.get(0).value(), UTF_8)).isEqualTo("v7");

        // Moving backwards is a no-op that reports the current low watermark.
        assertThat(get(admin().deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(3))).lowWatermarks().get(tp))
                .lowWatermark()).isEqualTo(7);
        // Beyond the high watermark: OFFSET_OUT_OF_RANGE, nothing changes.
        assertThat(failure(admin().deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(21))).all()))
                .isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(get(admin().listOffsets(Map.of(tp, OffsetSpec.earliest())).all()).get(tp).offset()).isEqualTo(7);
        // Exactly the high watermark empties the partition.
        assertThat(get(admin().deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(20))).lowWatermarks().get(tp))
                .lowWatermark()).isEqualTo(20);
        assertThat(get(admin().listOffsets(Map.of(tp, OffsetSpec.earliest())).all()).get(tp).offset()).isEqualTo(20);
        // Producing continues at the old end.
        assertThat(producer.send(new ProducerRecord<>(topic, 0, null, "v20".getBytes(UTF_8))).get(30, TimeUnit.SECONDS)
                .offset()).isEqualTo(20);
    }

    // ---------------------------------------------------------------- listOffsets

    @Test
    void listOffsetsEarliestLatestMaxTimestampAndForTimestamp() throws Exception {
        String topic = BROKER.createTopic("list-offsets", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        long base = System.currentTimeMillis() - 600_000L;
        // Timestamps relative to base, in offset order, grouped in batches; out of order within and across batches.
        long[][] batches = {
                {1_000, 3_000, 2_000},
                {5_000, 4_000},
                {9_000, 2_500, 2_500, 7_000},
                {6_000},
                {8_000, 500},
        };
        List<Long> timestamps = new ArrayList<>();
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "1000"));
        for (long[] batch : batches) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (long rel : batch) {
                timestamps.add(base + rel);
                futures.add(producer.send(new ProducerRecord<>(topic, 0, base + rel, null,
                        ("at+" + rel).getBytes(UTF_8))));
            }
            producer.flush();
            for (Future<RecordMetadata> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        int count = timestamps.size();

        assertThat(offsetFor(tp, OffsetSpec.earliest()).offset()).isZero();
        assertThat(offsetFor(tp, OffsetSpec.latest()).offset()).isEqualTo(count);
        ListOffsetsResult.ListOffsetsResultInfo max = offsetFor(tp, OffsetSpec.maxTimestamp());
        assertThat(max.offset()).as("offset of the max timestamp").isEqualTo(timestamps.indexOf(base + 9_000));
        assertThat(max.timestamp()).isEqualTo(base + 9_000);

        // forTimestamp(T): the first offset whose timestamp is >= T, with that record's timestamp.
        List<Long> targets = new ArrayList<>(List.of(0L, base - 1, base + 9_001, Long.MAX_VALUE / 2));
        for (long rel = 0; rel <= 9_500; rel += 250) {
            targets.add(base + rel);
        }
        for (long t : timestamps) {
            targets.add(t);
            targets.add(t - 1);
            targets.add(t + 1);
        }
        for (long target : targets) {
            long expectedOffset = -1;
            for (int i = 0; i < count; i++) {
                if (timestamps.get(i) >= target) {
                    expectedOffset = i;
                    break;
                }
            }
            ListOffsetsResult.ListOffsetsResultInfo info = offsetFor(tp, OffsetSpec.forTimestamp(target));
            assertThat(info.offset()).as("offset for timestamp base%+d", target - base).isEqualTo(expectedOffset);
            if (expectedOffset >= 0) {
                assertThat(info.timestamp()).as("timestamp for target base%+d", target - base)
                        .isEqualTo(timestamps.get((int) expectedOffset));
            }
        }

        // After deleteRecords, earliest and timestamp lookups start at the new log start.
        get(admin().deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4))).all());
        assertThat(offsetFor(tp, OffsetSpec.earliest()).offset()).isEqualTo(4);
        assertThat(offsetFor(tp, OffsetSpec.forTimestamp(base)).offset()).as("lookup below the log start").isEqualTo(4);
    }

    private static ListOffsetsResult.ListOffsetsResultInfo offsetFor(TopicPartition tp, OffsetSpec spec) throws Exception {
        return get(admin().listOffsets(Map.of(tp, spec)).all()).get(tp);
    }

    // ---------------------------------------------------------------- cluster, log dirs, describeTopics

    @Test
    void describeClusterShowsOneNodeThatIsController() throws Exception {
        DescribeClusterResult cluster = admin().describeCluster();
        Collection<Node> nodes = get(cluster.nodes());
        assertThat(nodes).hasSize(1);
        Node node = nodes.iterator().next();
        assertThat(node.host()).isEqualTo("127.0.0.1");
        assertThat(node.port()).isEqualTo(BROKER.port());
        String clusterId = get(cluster.clusterId());
        assertThat(clusterId).isNotBlank();
        Node controller = get(cluster.controller());
        assertThat(controller).isNotNull();
        assertThat(controller.id()).isEqualTo(node.id());
        // stable across calls
        assertThat(get(admin().describeCluster().clusterId())).isEqualTo(clusterId);
    }

    @Test
    void describeLogDirsListsTheDataDirAndPartitionSizes() throws Exception {
        String topic = BROKER.createTopic("log-dirs", 2);
        KafkaProducer<byte[], byte[]> producer = BROKER.producer();
        for (int i = 0; i < 10; i++) {
            producer.send(new ProducerRecord<>(topic, 1, null, new byte[1000])).get(30, TimeUnit.SECONDS);
        }
        int nodeId = get(admin().describeCluster().nodes()).iterator().next().id();
        Map<Integer, Map<String, LogDirDescription>> dirs = get(admin().describeLogDirs(List.of(nodeId)).allDescriptions());
        assertThat(dirs).containsOnlyKeys(nodeId);
        assertThat(dirs.get(nodeId)).hasSize(1);
        LogDirDescription dir = dirs.get(nodeId).values().iterator().next();
        assertThat(dir.error()).isNull();
        assertThat(dir.totalBytes()).isPresent();
        assertThat(dir.usableBytes()).isPresent();
        assertThat(dir.usableBytes().getAsLong()).isLessThanOrEqualTo(dir.totalBytes().getAsLong());
        ReplicaInfo p0 = dir.replicaInfos().get(new TopicPartition(topic, 0));
        ReplicaInfo p1 = dir.replicaInfos().get(new TopicPartition(topic, 1));
        assertThat(p0).isNotNull();
        assertThat(p1).isNotNull();
        assertThat(p0.size()).isZero();
        assertThat(p1.size()).isGreaterThanOrEqualTo(10_000);
        assertThat(p1.isFuture()).isFalse();
    }

    @Test
    void describeTopicsByNameAndById() throws Exception {
        String name = EmbeddedBroker.uniqueName("by-id");
        CreateTopicsResult created = admin().createTopics(List.of(new NewTopic(name, 2, (short) 1)));
        Uuid id = get(created.topicId(name));
        TopicDescription byName = describe(name);
        assertThat(byName.topicId()).isEqualTo(id);
        Map<Uuid, TopicDescription> byId = get(admin().describeTopics(TopicCollection.ofTopicIds(List.of(id))).allTopicIds());
        assertThat(byId).containsOnlyKeys(id);
        assertThat(byId.get(id).name()).isEqualTo(name);
        assertThat(byId.get(id).partitions()).hasSize(2);
        assertThat(failure(admin().describeTopics(TopicCollection.ofTopicIds(List.of(Uuid.randomUuid()))).allTopicIds()))
                .isInstanceOf(UnknownTopicIdException.class);
        assertThat(failure(admin().describeTopics(List.of(EmbeddedBroker.uniqueName("nope"))).allTopicNames()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    // ---------------------------------------------------------------- auto-creation

    @Test
    void metadataRequestAutoCreatesTopicsByDefault() throws Exception {
        String name = EmbeddedBroker.uniqueName("auto-created");
        assertThat(topicNames()).doesNotContain(name);
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(ProducerConfig.CLIENT_ID_CONFIG, "auto-creator"));
        RecordMetadata md;
        try (CapturedLog log = CapturedLog.of(io.spillway.broker.TopicCreator.class)) {
            md = producer.send(new ProducerRecord<>(name, null, "hello".getBytes(UTF_8))).get(60, TimeUnit.SECONDS);
            assertThat(log.info()).as("the operator learns which client created the topic").singleElement().asString()
                    .startsWith("Auto-created topic " + name + " (1 partition) for client 'auto-creator' at ");
        }
        assertThat(md.offset()).isZero();
        TopicDescription description = describe(name);
        assertThat(description.partitions()).as("num.partitions=1").hasSize(1);
        // The Admin client itself never auto-creates (its Metadata requests do not allow it).
        String notCreated = EmbeddedBroker.uniqueName("admin-lookup");
        assertThat(failure(admin().describeTopics(List.of(notCreated)).allTopicNames()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(topicNames()).doesNotContain(notCreated);
    }

    @Test
    void autoCreationOffMakesProducerTimeOutAndCreatesNothing() throws Exception {
        Path dir = TempDirs.create("spillway-it-no-autocreate");
        try (SpillwayServer server = SpillwayServer.start(ServerConfig.builder().dataDir(dir).host("127.0.0.1").port(0)
                .set("num.partitions", "1").set("auto.create.topics.enable", "false").build());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap()));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap(),
                     ProducerConfig.MAX_BLOCK_MS_CONFIG, "3000"),
                     new org.apache.kafka.common.serialization.ByteArraySerializer(),
                     new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            String name = EmbeddedBroker.uniqueName("not-auto-created");
            // Kafka: the producer's Metadata request gets UNKNOWN_TOPIC_OR_PARTITION, it keeps asking until
            // max.block.ms and then fails the send with a TimeoutException "... not present in metadata ...".
            Throwable error = failure(producer.send(new ProducerRecord<>(name, null, "x".getBytes(UTF_8))));
            assertThat(error).isInstanceOf(TimeoutException.class).hasMessageContaining("not present in metadata");
            assertThat(admin.listTopics().names().get(WAIT_S, TimeUnit.SECONDS)).doesNotContain(name);
            assertThat(failure(admin.describeTopics(List.of(name)).allTopicNames()))
                    .isInstanceOf(UnknownTopicOrPartitionException.class);
            // Explicit creation still works, and then so does producing.
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get(WAIT_S, TimeUnit.SECONDS);
            assertThat(producer.send(new ProducerRecord<>(name, null, "y".getBytes(UTF_8))).get(30, TimeUnit.SECONDS)
                    .offset()).isZero();
        } finally {
            TempDirs.deleteQuietly(dir);
        }
    }

    // ---------------------------------------------------------------- topic rules enforced on produce

    @Test
    void compactedTopicRejectsRecordWithoutKey() throws Exception {
        String topic = BROKER.createTopic("compacted", 1, Map.of("cleanup.policy", "compact"));
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(ProducerConfig.RETRIES_CONFIG, "0",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false"));
        Throwable error = failure(producer.send(new ProducerRecord<>(topic, 0, null, "no key".getBytes(UTF_8))));
        assertThat(error).isInstanceOf(InvalidRecordException.class);
        RecordMetadata ok = producer.send(new ProducerRecord<>(topic, 0, "k".getBytes(UTF_8), "keyed".getBytes(UTF_8)))
                .get(30, TimeUnit.SECONDS);
        assertThat(ok.offset()).as("the rejected record took no offset").isZero();
        // a tombstone (key, null value) is fine on a compacted topic
        assertThat(producer.send(new ProducerRecord<>(topic, 0, "k".getBytes(UTF_8), null)).get(30, TimeUnit.SECONDS)
                .offset()).isEqualTo(1);
    }

    @Test
    void topicMaxMessageBytesIsEnforced() throws Exception {
        String topic = BROKER.createTopic("max-message", 1, Map.of("max.message.bytes", "10000"));
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "0"));
        Throwable error = failure(producer.send(new ProducerRecord<>(topic, 0, null, new byte[20_000])));
        assertThat(error).isInstanceOf(RecordTooLargeException.class);
        RecordMetadata ok = producer.send(new ProducerRecord<>(topic, 0, null, new byte[9_000])).get(30, TimeUnit.SECONDS);
        assertThat(ok.offset()).isZero();
        assertThat(get(admin().listOffsets(Map.of(new TopicPartition(topic, 0), OffsetSpec.latest())).all())
                .get(new TopicPartition(topic, 0)).offset()).isEqualTo(1);
    }

    @Test
    void timestampsOutsideTheTopicsBoundsAreRejected() throws Exception {
        String topic = BROKER.createTopic("ts-bounds", 1, Map.of(
                "message.timestamp.after.max.ms", "60000",
                "message.timestamp.before.max.ms", "3600000"));
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "0"));
        long now = System.currentTimeMillis();
        assertThat(failure(producer.send(new ProducerRecord<>(topic, 0, now + 3_600_000L, null, "future".getBytes(UTF_8)))))
                .as("one hour ahead with after.max.ms=60000").isInstanceOf(InvalidTimestampException.class);
        assertThat(failure(producer.send(new ProducerRecord<>(topic, 0, now - 7_200_000L, null, "past".getBytes(UTF_8)))))
                .as("two hours old with before.max.ms=3600000").isInstanceOf(InvalidTimestampException.class);
        RecordMetadata ok = producer.send(new ProducerRecord<>(topic, 0, now + 10_000L, null, "ok".getBytes(UTF_8)))
                .get(30, TimeUnit.SECONDS);
        assertThat(ok.offset()).isZero();

        // The broker default (log.message.timestamp.after.max.ms = 1 hour in Kafka 4) applies without overrides.
        String plain = BROKER.createTopic("ts-default", 1);
        assertThat(failure(producer.send(new ProducerRecord<>(plain, 0, now + 86_400_000L, null, "tomorrow".getBytes(UTF_8)))))
                .isInstanceOf(InvalidTimestampException.class);
        assertThat(producer.send(new ProducerRecord<>(plain, 0, now - 2 * 86_400_000L, null, "old".getBytes(UTF_8)))
                .get(30, TimeUnit.SECONDS).offset()).as("before.max.ms defaults to unlimited").isZero();
    }
}

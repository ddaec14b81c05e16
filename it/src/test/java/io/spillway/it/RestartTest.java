package io.spillway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.spillway.server.ServerConfig;
import io.spillway.server.SpillwayServer;
import io.spillway.testkit.TempDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DeletedRecords;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A clean stop and restart of an embedded broker on the same data directory keeps everything a client
 * can observe: topics, partition counts, topic configs (created and altered), records, log start
 * offsets after DeleteRecords, end offsets, and the idempotent-producer state that recognises a
 * retried batch.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestartTest {

    private static final String ORDERS = "restart-orders";
    private static final String PROFILES = "restart-profiles";
    private static final String PLAIN = "restart-plain";
    private static final int ORDERS_PER_PARTITION = 100;
    private static final long BASE_TS = 1_700_000_000_000L;

    private Path dataDir;
    private SpillwayServer server;

    @BeforeEach
    void setUp() {
        dataDir = TempDirs.create("spillway-restart");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            TempDirs.deleteQuietly(dataDir);
        }
    }

    private SpillwayServer start() throws Exception {
        return SpillwayServer.start(ServerConfig.builder()
                .dataDir(dataDir)
                .host("127.0.0.1")
                .port(0)
                .set("num.partitions", "1")
                .set("auto.create.topics.enable", "false")
                .build());
    }

    @Test
    void topicsConfigsRecordsAndOffsetsSurviveACleanRestart() throws Exception {
        server = start();
        Map<String, Map<String, String>> expectedConfigs = new LinkedHashMap<>();
        expectedConfigs.put(ORDERS, Map.of("retention.ms", "604800000", "cleanup.policy", "delete", "retention.bytes", "1073741824"));
        expectedConfigs.put(PROFILES, Map.of("cleanup.policy", "compact"));
        expectedConfigs.put(PLAIN, Map.of());
        Map<String, Integer> partitions = Map.of(ORDERS, 3, PROFILES, 2, PLAIN, 1);

        Snapshot before;
        try (Admin admin = admin()) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : expectedConfigs.keySet()) {
                topics.add(new NewTopic(t, partitions.get(t), (short) 1).configs(expectedConfigs.get(t)));
            }
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);

            // records: orders with headers and explicit timestamps, profiles with 3 versions per key
            Map<TopicPartition, List<Long>> offsets = new HashMap<>();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps())) {
                List<Future<RecordMetadata>> futures = new ArrayList<>();
                for (int i = 0; i < ORDERS_PER_PARTITION; i++) {
                    for (int p = 0; p < 3; p++) {
                        ProducerRecord<String, String> r = new ProducerRecord<>(ORDERS, p, BASE_TS + i, "order-" + p + "-" + i,
                                "{\"amount\":" + (i * 7 + p) + "}", List.of(new RecordHeader("i", bytes(Integer.toString(i)))));
                        futures.add(producer.send(r));
                    }
                }
                for (int version = 0; version < 3; version++) {
                    for (int k = 0; k < 20; k++) {
                        futures.add(producer.send(new ProducerRecord<>(PROFILES, k % 2, "user-" + k, "v" + version)));
                    }
                }
                futures.add(producer.send(new ProducerRecord<>(PLAIN, 0, "only", "record")));
                producer.flush();
                for (Future<RecordMetadata> f : futures) {
                    RecordMetadata md = f.get(30, TimeUnit.SECONDS);
                    offsets.computeIfAbsent(new TopicPartition(md.topic(), md.partition()), k -> new ArrayList<>()).add(md.offset());
                }
            }
            for (Map.Entry<TopicPartition, List<Long>> e : offsets.entrySet()) {
                List<Long> expected = new ArrayList<>();
                for (long o = 0; o < e.getValue().size(); o++) {
                    expected.add(o);
                }
                assertThat(e.getValue()).as("acknowledged offsets of %s", e.getKey()).isEqualTo(expected);
            }

            // DeleteRecords moves the log start offset
            Map<TopicPartition, DeletedRecords> deleted = new HashMap<>();
            for (Map.Entry<TopicPartition, KafkaFuture<DeletedRecords>> e : admin.deleteRecords(Map.of(
                    new TopicPartition(ORDERS, 0), RecordsToDelete.beforeOffset(40),
                    new TopicPartition(ORDERS, 1), RecordsToDelete.beforeOffset(ORDERS_PER_PARTITION))).lowWatermarks().entrySet()) {
                deleted.put(e.getKey(), e.getValue().get(30, TimeUnit.SECONDS));
            }
            assertThat(deleted.get(new TopicPartition(ORDERS, 0)).lowWatermark()).isEqualTo(40L);
            assertThat(deleted.get(new TopicPartition(ORDERS, 1)).lowWatermark()).isEqualTo(ORDERS_PER_PARTITION);

            before = snapshot(admin, partitions);
        }

        // what the clients see before the restart is what was written
        assertThat(before.partitionCounts).isEqualTo(new TreeMap<>(partitions));
        assertThat(before.earliest).containsEntry(new TopicPartition(ORDERS, 0), 40L)
                .containsEntry(new TopicPartition(ORDERS, 1), (long) ORDERS_PER_PARTITION)
                .containsEntry(new TopicPartition(ORDERS, 2), 0L)
                .containsEntry(new TopicPartition(PLAIN, 0), 0L);
        for (int p = 0; p < 3; p++) {
            assertThat(before.latest).containsEntry(new TopicPartition(ORDERS, p), (long) ORDERS_PER_PARTITION);
        }
        assertThat(before.latest).containsEntry(new TopicPartition(PROFILES, 0), 30L)
                .containsEntry(new TopicPartition(PROFILES, 1), 30L)
                .containsEntry(new TopicPartition(PLAIN, 0), 1L);
        assertOrders(before.records);
        for (Map.Entry<String, Map<String, String>> e : expectedConfigs.entrySet()) {
            assertThat(before.configs.get(e.getKey())).as("configs of %s before restart", e.getKey()).containsAllEntriesOf(e.getValue());
        }
        assertLatestProfileVersions(before.records.get(PROFILES));

        server.close();
        server = null;
        server = start();

        try (Admin admin = admin()) {
            Snapshot after = snapshot(admin, partitions);
            assertThat(after.topics).as("topics after restart").isEqualTo(before.topics);
            assertThat(after.partitionCounts).as("partition counts after restart").isEqualTo(before.partitionCounts);
            for (Map.Entry<String, Map<String, String>> e : expectedConfigs.entrySet()) {
                assertThat(after.configs.get(e.getKey())).as("configs of %s after restart", e.getKey()).containsAllEntriesOf(e.getValue());
                for (String key : e.getValue().keySet()) {
                    assertThat(after.sources.get(e.getKey()).get(key)).as("source of %s.%s after restart", e.getKey(), key)
                            .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
                }
            }
            assertThat(after.earliest).as("log start offsets after restart").isEqualTo(before.earliest);
            assertThat(after.latest).as("end offsets after restart").isEqualTo(before.latest);
            assertThat(describe(after.records.get(ORDERS))).as("orders after restart").isEqualTo(describe(before.records.get(ORDERS)));
            assertThat(describe(after.records.get(PLAIN))).as("plain after restart").isEqualTo(describe(before.records.get(PLAIN)));
            assertLatestProfileVersions(after.records.get(PROFILES));

            // the topics really are known, not recreated on demand
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic(ORDERS, 3, (short) 1))).all().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicExistsException.class);

            // a new idempotent producer continues each partition exactly at its end offset
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps())) {
                for (int p = 0; p < 3; p++) {
                    for (int i = 0; i < 5; i++) {
                        RecordMetadata md = producer.send(new ProducerRecord<>(ORDERS, p, "after-" + p + "-" + i, "x")).get(30, TimeUnit.SECONDS);
                        assertThat(md.offset()).as("offset of post-restart record %d on %s-%d", i, ORDERS, p)
                                .isEqualTo(ORDERS_PER_PARTITION + i);
                    }
                }
            }
            Map<TopicPartition, Long> ends = listOffsets(admin, partitionsOf(Map.of(ORDERS, 3)), OffsetSpec.latest());
            for (int p = 0; p < 3; p++) {
                assertThat(ends.get(new TopicPartition(ORDERS, p))).isEqualTo(ORDERS_PER_PARTITION + 5L);
            }
        }
    }

    @Test
    void streamTopicsTheirDefaultsRenamesAndNameRulesSurviveACleanRestart() throws Exception {
        String fraud = "/apps/fraud:card.activity";
        String iot = "/apps/iot:card.activity";
        server = start();
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("/apps/fraud", 1, (short) 1)
                    .configs(Map.of("retention.ms", "3600000")))).all().get(30, TimeUnit.SECONDS);
            admin.createTopics(List.of(new NewTopic(fraud, 1, (short) 1), new NewTopic(iot, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            producer.send(new ProducerRecord<>(fraud, "k", "fraud")).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(iot, "k", "iot")).get(30, TimeUnit.SECONDS);
        }
        String moved = "/apps/iot-moved:card.activity";
        try (Admin admin = admin()) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, iot), List.of(
                    new AlterConfigOp(new ConfigEntry("spillway.topic.rename.to", moved), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
        }

        server.close();
        server = null;
        server = start();

        try (Admin admin = admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(fraud, moved).doesNotContain(iot);
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("/apps/fraud:card_activity", 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS))
                    .as("the '.'/'_' collision rule knows the topics of before the restart")
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.InvalidTopicException.class);
            ConfigResource fraudTopic = new ConfigResource(ConfigResource.Type.TOPIC, fraud);
            ConfigEntry retention = admin.describeConfigs(List.of(fraudTopic)).all().get(30, TimeUnit.SECONDS)
                    .get(fraudTopic).get("retention.ms");
            assertThat(retention.value()).as("the stream's default after the restart").isEqualTo("3600000");
            assertThat(retention.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            for (String topic : List.of(fraud, moved)) {
                TopicPartition tp = new TopicPartition(topic, 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                List<String> values = EmbeddedBroker.pollUntil(consumer, 1, Duration.ofSeconds(30)).stream()
                        .map(ConsumerRecord::value).toList();
                assertThat(values).as(topic).containsExactly(topic.equals(fraud) ? "fraud" : "iot");
            }
        }
    }

    @Test
    void alteredTopicConfigsSurviveACleanRestart() throws Exception {
        String topic = "restart-altered";
        server = start();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1).configs(Map.of("retention.ms", "3600000"))))
                    .all().get(30, TimeUnit.SECONDS);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("retention.ms", "123456789"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            Config before = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(before.get("retention.ms").value()).isEqualTo("123456789");
            assertThat(before.get("cleanup.policy").value()).isEqualTo("compact");
        }

        server.close();
        server = null;
        server = start();

        try (Admin admin = admin()) {
            Config after = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(after.get("retention.ms").value()).as("altered retention.ms after restart").isEqualTo("123456789");
            assertThat(after.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(after.get("cleanup.policy").value()).as("altered cleanup.policy after restart").isEqualTo("compact");
            assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions())
                    .hasSize(2);
        }
    }

    @Test
    void retriedIdempotentBatchIsRecognisedAfterRestart() throws Exception {
        String topic = "restart-idempotence";
        server = start();
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        long producerId;
        short epoch;
        try (RawKafkaConnection conn = new RawKafkaConnection("127.0.0.1", server.port())) {
            InitProducerIdResponseData init = conn.initProducerId();
            assertThat(Errors.forCode(init.errorCode())).isEqualTo(Errors.NONE);
            assertThat(init.producerId()).isNotNegative();
            assertThat(init.producerEpoch()).isNotNegative();
            producerId = init.producerId();
            epoch = init.producerEpoch();

            assertProduced(conn.produce(topic, 0, batch(producerId, epoch, 0, 5)), 0);
            assertProduced(conn.produce(topic, 0, batch(producerId, epoch, 5, 5)), 5);
            // a retry before the restart is recognised too (sanity check of the same path)
            assertDuplicate(conn.produce(topic, 0, batch(producerId, epoch, 5, 5)), 5);
        }
        assertThat(endOffset(topic)).isEqualTo(10L);

        server.close();
        server = null;
        server = start();

        try (RawKafkaConnection conn = new RawKafkaConnection("127.0.0.1", server.port())) {
            // the same batches again, as a producer retrying after the restart would send them
            assertDuplicate(conn.produce(topic, 0, batch(producerId, epoch, 5, 5)), 5);
            assertDuplicate(conn.produce(topic, 0, batch(producerId, epoch, 0, 5)), 0);
            assertThat(endOffset(topic)).as("end offset after retried batches").isEqualTo(10L);

            // the next sequence is accepted right after, a gap is refused
            assertProduced(conn.produce(topic, 0, batch(producerId, epoch, 10, 5)), 10);
            ProduceResponseData.PartitionProduceResponse gap = conn.produce(topic, 0, batch(producerId, epoch, 20, 5));
            assertThat(Errors.forCode(gap.errorCode())).as("batch with a sequence gap (20 after 14)")
                    .isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        }
        assertThat(endOffset(topic)).isEqualTo(15L);

        // exactly values v0..v14, once each, in order
        List<ConsumerRecord<String, String>> records = consumeAll(Map.of(topic, 1)).get(topic);
        List<String> values = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
            assertThat(r.offset()).isEqualTo(values.size());
            values.add(r.value());
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            expected.add("v" + i);
        }
        assertThat(values).isEqualTo(expected);

        // and a real idempotent producer continues without a gap
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps())) {
            for (int i = 0; i < 3; i++) {
                assertThat(producer.send(new ProducerRecord<>(topic, 0, "k", "w" + i)).get(30, TimeUnit.SECONDS).offset())
                        .isEqualTo(15L + i);
            }
        }
    }

    private static void assertProduced(ProduceResponseData.PartitionProduceResponse r, long baseOffset) {
        assertThat(Errors.forCode(r.errorCode())).as("produce error (%s)", r.errorMessage()).isEqualTo(Errors.NONE);
        assertThat(r.baseOffset()).as("base offset").isEqualTo(baseOffset);
    }

    /** Kafka answers a duplicate of one of the last 5 batches with NONE and the original base offset. */
    private static void assertDuplicate(ProduceResponseData.PartitionProduceResponse r, long originalBaseOffset) {
        Errors error = Errors.forCode(r.errorCode());
        assertThat(error).as("error for a retried batch (%s)", r.errorMessage())
                .isIn(Errors.NONE, Errors.DUPLICATE_SEQUENCE_NUMBER);
        if (error == Errors.NONE) {
            assertThat(r.baseOffset()).as("base offset returned for the retried batch").isEqualTo(originalBaseOffset);
        }
    }

    private static MemoryRecords batch(long producerId, short epoch, int baseSequence, int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            int n = baseSequence + i;
            records[i] = new SimpleRecord(BASE_TS + n, bytes("k" + n), bytes("v" + n));
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSequence, records);
    }

    private long endOffset(String topic) throws Exception {
        try (Admin admin = admin()) {
            return listOffsets(admin, List.of(new TopicPartition(topic, 0)), OffsetSpec.latest()).get(new TopicPartition(topic, 0));
        }
    }

    // ---- snapshots of everything a client can see ----

    private static final class Snapshot {
        Set<String> topics;
        Map<String, Integer> partitionCounts;
        Map<String, Map<String, String>> configs = new HashMap<>();
        Map<String, Map<String, ConfigEntry.ConfigSource>> sources = new HashMap<>();
        Map<TopicPartition, Long> earliest;
        Map<TopicPartition, Long> latest;
        Map<String, List<ConsumerRecord<String, String>>> records;
    }

    private Snapshot snapshot(Admin admin, Map<String, Integer> partitions) throws Exception {
        Snapshot s = new Snapshot();
        s.topics = new TreeSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
        assertThat(s.topics).containsAll(partitions.keySet());
        Map<String, TopicDescription> descriptions = admin.describeTopics(partitions.keySet()).allTopicNames().get(30, TimeUnit.SECONDS);
        s.partitionCounts = new TreeMap<>();
        for (TopicDescription d : descriptions.values()) {
            s.partitionCounts.put(d.name(), d.partitions().size());
        }
        List<ConfigResource> resources = new ArrayList<>();
        for (String t : partitions.keySet()) {
            resources.add(new ConfigResource(ConfigResource.Type.TOPIC, t));
        }
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
        for (Map.Entry<ConfigResource, Config> e : configs.entrySet()) {
            Map<String, String> values = new HashMap<>();
            Map<String, ConfigEntry.ConfigSource> sources = new HashMap<>();
            for (ConfigEntry entry : e.getValue().entries()) {
                values.put(entry.name(), entry.value());
                sources.put(entry.name(), entry.source());
            }
            s.configs.put(e.getKey().name(), values);
            s.sources.put(e.getKey().name(), sources);
        }
        List<TopicPartition> tps = partitionsOf(partitions);
        s.earliest = listOffsets(admin, tps, OffsetSpec.earliest());
        s.latest = listOffsets(admin, tps, OffsetSpec.latest());
        s.records = consumeAll(partitions);
        return s;
    }

    private static List<TopicPartition> partitionsOf(Map<String, Integer> partitions) {
        List<TopicPartition> tps = new ArrayList<>();
        for (Map.Entry<String, Integer> e : new TreeMap<>(partitions).entrySet()) {
            for (int p = 0; p < e.getValue(); p++) {
                tps.add(new TopicPartition(e.getKey(), p));
            }
        }
        return tps;
    }

    private static Map<TopicPartition, Long> listOffsets(Admin admin, Collection<TopicPartition> tps, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (TopicPartition tp : tps) {
            request.put(tp, spec);
        }
        Map<TopicPartition, Long> result = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> result.put(tp, info.offset()));
        return result;
    }

    /** All records of the given topics from their log start to their end offset. */
    private Map<String, List<ConsumerRecord<String, String>>> consumeAll(Map<String, Integer> partitions) {
        List<TopicPartition> tps = partitionsOf(partitions);
        Map<String, List<ConsumerRecord<String, String>>> out = new HashMap<>();
        for (String t : partitions.keySet()) {
            out.put(t, new ArrayList<>());
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                boolean done = true;
                for (TopicPartition tp : tps) {
                    done &= consumer.position(tp, Duration.ofSeconds(10)) >= end.get(tp);
                }
                if (done) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    fail("could not consume up to %s within 30 s", end);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    out.get(r.topic()).add(r);
                }
            }
        }
        return out;
    }

    private static void assertOrders(Map<String, List<ConsumerRecord<String, String>>> records) {
        Map<Integer, List<ConsumerRecord<String, String>>> byPartition = new HashMap<>();
        for (ConsumerRecord<String, String> r : records.get(ORDERS)) {
            byPartition.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r);
        }
        int[] firstOffset = {40, ORDERS_PER_PARTITION, 0};
        for (int p = 0; p < 3; p++) {
            List<ConsumerRecord<String, String>> list = byPartition.getOrDefault(p, List.of());
            assertThat(list).as("orders partition %d", p).hasSize(ORDERS_PER_PARTITION - firstOffset[p]);
            for (int n = 0; n < list.size(); n++) {
                ConsumerRecord<String, String> r = list.get(n);
                int i = firstOffset[p] + n;
                assertThat(r.offset()).isEqualTo(i);
                assertThat(r.key()).isEqualTo("order-" + p + "-" + i);
                assertThat(r.value()).isEqualTo("{\"amount\":" + (i * 7 + p) + "}");
                assertThat(r.timestamp()).isEqualTo(BASE_TS + i);
                assertThat(new String(r.headers().lastHeader("i").value(), StandardCharsets.UTF_8)).isEqualTo(Integer.toString(i));
            }
        }
    }

    /** Compaction may or may not have run; either way the latest value of every key is v2, at increasing offsets. */
    private static void assertLatestProfileVersions(List<ConsumerRecord<String, String>> records) {
        Map<String, String> latest = new HashMap<>();
        Map<Integer, Long> lastOffset = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
            Long prev = lastOffset.put(r.partition(), r.offset());
            assertThat(prev == null || prev < r.offset()).as("offsets increase on %s-%d", r.topic(), r.partition()).isTrue();
            latest.put(r.key(), r.value());
        }
        assertThat(latest).hasSize(20);
        assertThat(new TreeSet<>(latest.values())).containsExactly("v2");
    }

    private static List<String> describe(List<ConsumerRecord<String, String>> records) {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
            StringBuilder headers = new StringBuilder();
            r.headers().forEach(h -> headers.append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8)).append(';'));
            out.add(r.topic() + "-" + r.partition() + "@" + r.offset() + " ts=" + r.timestamp() + " " + r.key() + "=" + r.value()
                    + " [" + headers + "]");
        }
        out.sort(null);
        return out;
    }

    private Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(p);
    }

    private Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }

    private Properties consumerProps() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

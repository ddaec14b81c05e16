package io.spillway.compat28;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.testkit.SpillwayProcess;
import io.spillway.testkit.TempDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Apache Kafka 2.8.2 Java client against a Spillway broker in a child JVM: admin (create, describe,
 * configs, list offsets), produce with acks=all with and without idempotence and with each codec the
 * 2.8 client ships, consume with assign/seek, and transactions (version 1) with offsets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Kafka28ClientCompatTest {

    private static final int PARTITIONS = 2;
    private static final int RECORDS_PER_PARTITION = 150;
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    private Path dataDir;
    private SpillwayProcess broker;
    private Admin admin;

    @BeforeAll
    void startBroker() {
        dataDir = TempDirs.create("spillway-compat28");
        broker = SpillwayProcess.builder()
                .name("compat28")
                .dataDir(dataDir)
                .set("auto.create.topics.enable", "false")
                .set("num.partitions", "1")
                .start();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        admin = Admin.create(p);
    }

    @AfterAll
    void stopBroker() {
        try {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
        } finally {
            try {
                if (broker != null) {
                    broker.close();
                }
            } finally {
                TempDirs.deleteQuietly(dataDir);
            }
        }
    }

    @Test
    void adminCreatesDescribesAndConfiguresTopics() throws Exception {
        String topic = "compat28-admin";
        NewTopic newTopic = new NewTopic(topic, 3, (short) 1)
                .configs(Map.of("retention.ms", "3600000", "cleanup.policy", "delete"));
        admin.createTopics(List.of(newTopic)).all().get(30, TimeUnit.SECONDS);

        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);

        TopicDescription description = admin.describeTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
        assertThat(description.name()).isEqualTo(topic);
        assertThat(description.isInternal()).isFalse();
        assertThat(description.partitions()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(description.partitions().get(i).partition()).isEqualTo(i);
            assertThat(description.partitions().get(i).leader()).isNotNull();
            assertThat(description.partitions().get(i).replicas()).hasSize(1);
            assertThat(description.partitions().get(i).isr()).hasSize(1);
        }

        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        ConfigEntry retention = config.get("retention.ms");
        assertThat(retention).as("retention.ms in %s", config).isNotNull();
        assertThat(retention.value()).isEqualTo("3600000");
        assertThat(retention.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("delete");

        // creating it again is refused with TOPIC_ALREADY_EXISTS
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TopicExistsException.class);

        // a fresh topic with no data has earliest == latest == 0 on every partition
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
            earliest.put(new TopicPartition(topic, i), OffsetSpec.earliest());
        }
        assertThat(admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values())
                .extracting(ListOffsetsResult.ListOffsetsResultInfo::offset).containsOnly(0L);
        assertThat(admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS).values())
                .extracting(ListOffsetsResult.ListOffsetsResultInfo::offset).containsOnly(0L);
    }

    @Test
    void describeTopicOfUnknownNameFails() {
        assertThatThrownBy(() -> admin.describeTopics(List.of("compat28-no-such-topic")).all().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @ParameterizedTest(name = "compression={0} idempotence={1}")
    @CsvSource({
        "none,   false",
        "none,   true",
        "gzip,   false",
        "gzip,   true",
        "lz4,    false",
        "lz4,    true",
        "snappy, false",
        "snappy, true",
    })
    void produceAndConsumeRoundTrip(String compression, boolean idempotence) throws Exception {
        String topic = "compat28-" + compression + "-" + (idempotence ? "idem" : "plain");
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);

        // produce: explicit partition, key, value (some null), headers and CreateTime timestamps
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(compression, idempotence))) {
            for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                for (int p = 0; p < PARTITIONS; p++) {
                    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, p, BASE_TIMESTAMP + i,
                            bytes("key-" + p + "-" + i), i % 25 == 24 ? null : bytes(value(p, i)),
                            List.<Header>of(new RecordHeader("seq", bytes(Integer.toString(i)))));
                    sent.add(record);
                    futures.add(producer.send(record));
                }
            }
            producer.flush();
        }
        Map<Integer, Long> nextOffset = new HashMap<>();
        for (int n = 0; n < futures.size(); n++) {
            RecordMetadata md = futures.get(n).get(30, TimeUnit.SECONDS);
            ProducerRecord<byte[], byte[]> record = sent.get(n);
            assertThat(md.topic()).isEqualTo(topic);
            assertThat(md.partition()).isEqualTo(record.partition());
            long expected = nextOffset.merge(md.partition(), 1L, Long::sum) - 1;
            assertThat(md.offset()).as("offset of send #%d on partition %d", n, md.partition()).isEqualTo(expected);
            assertThat(md.timestamp()).isEqualTo(record.timestamp());
        }

        // consume everything back with assign + seekToBeginning
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> received = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(30));
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps, Duration.ofSeconds(30));
            for (TopicPartition tp : tps) {
                assertThat(end.get(tp)).as("end offset of %s", tp).isEqualTo((long) RECORDS_PER_PARTITION);
                assertThat(begin.get(tp)).as("beginning offset of %s", tp).isZero();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int total = 0;
            while (total < PARTITIONS * RECORDS_PER_PARTITION && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    received.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new ArrayList<>()).add(r);
                    total++;
                }
            }
            assertThat(total).as("records consumed").isEqualTo(PARTITIONS * RECORDS_PER_PARTITION);
            // nothing more arrives
            assertThat(consumer.poll(Duration.ofMillis(300)).count()).isZero();

            // offsetsForTimes: the first record with timestamp >= BASE+100 is at offset 100
            Map<TopicPartition, Long> query = new HashMap<>();
            for (TopicPartition tp : tps) {
                query.put(tp, BASE_TIMESTAMP + 100);
            }
            Map<TopicPartition, OffsetAndTimestamp> byTime = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
            for (TopicPartition tp : tps) {
                assertThat(byTime.get(tp)).as("offsetsForTimes %s", tp).isNotNull();
                assertThat(byTime.get(tp).offset()).isEqualTo(100L);
                assertThat(byTime.get(tp).timestamp()).isEqualTo(BASE_TIMESTAMP + 100);
            }
        }
        for (int p = 0; p < PARTITIONS; p++) {
            List<ConsumerRecord<byte[], byte[]>> records = received.get(new TopicPartition(topic, p));
            assertThat(records).as("partition %d", p).hasSize(RECORDS_PER_PARTITION);
            for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                ConsumerRecord<byte[], byte[]> r = records.get(i);
                assertThat(r.offset()).isEqualTo(i);
                assertThat(str(r.key())).isEqualTo("key-" + p + "-" + i);
                if (i % 25 == 24) {
                    assertThat(r.value()).as("null value at %d", i).isNull();
                } else {
                    assertThat(str(r.value())).isEqualTo(value(p, i));
                }
                assertThat(r.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
                assertThat(r.timestamp()).isEqualTo(BASE_TIMESTAMP + i);
                Header seq = r.headers().lastHeader("seq");
                assertThat(seq).isNotNull();
                assertThat(str(seq.value())).isEqualTo(Integer.toString(i));
            }
        }

        // the admin client agrees on offsets
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (TopicPartition tp : tps) {
            latest.put(tp, OffsetSpec.latest());
            earliest.put(tp, OffsetSpec.earliest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS);
        for (TopicPartition tp : tps) {
            assertThat(ends.get(tp).offset()).isEqualTo((long) RECORDS_PER_PARTITION);
            assertThat(starts.get(tp).offset()).isZero();
        }
    }

    /**
     * The 2.8 client knows transactions version 1 only: AddPartitionsToTxn, AddOffsetsToTxn and TxnOffsetCommit
     * v3, EndTxn without an epoch bump, FindCoordinator for its transactional id; the broker advertises version 2,
     * which this client ignores.
     */
    @Test
    void transactionsCommitAbortAndSendOffsetsWithTheOldClient() throws Exception {
        String in = "compat28-txn-in";
        String out = "compat28-txn-out";
        admin.createTopics(List.of(new NewTopic(in, 1, (short) 1), new NewTopic(out, 1, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);
        Properties props = producerProps("none", true);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "compat28-txn");
        TopicPartition inTp = new TopicPartition(in, 0);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(out, 0, null, bytes("aborted")));
            // Without a flush the client may drop the batch itself when aborting (then only the marker is written).
            producer.flush();
            producer.sendOffsetsToTransaction(Map.of(inTp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(3)),
                    new org.apache.kafka.clients.consumer.ConsumerGroupMetadata("compat28-txn-group"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(out, 0, null, bytes("committed")));
            producer.sendOffsetsToTransaction(Map.of(inTp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(7)),
                    new org.apache.kafka.clients.consumer.ConsumerGroupMetadata("compat28-txn-group"));
            producer.commitTransaction();
        }
        Properties c = consumerProps();
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            TopicPartition outTp = new TopicPartition(out, 0);
            consumer.assign(List.of(outTp));
            consumer.seekToBeginning(List.of(outTp));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> values.add(str(r.value())));
            }
            consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(str(r.value())));
            assertThat(values).containsExactly("committed");
            assertThat(consumer.endOffsets(List.of(outTp))).containsEntry(outTp, 4L); // 2 records, 2 markers
        }
        assertThat(admin.listConsumerGroupOffsets("compat28-txn-group").partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS).get(inTp).offset()).isEqualTo(7);
    }

    private Properties producerProps(String compression, boolean idempotence) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(idempotence));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "4096"); // several batches per partition
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, idempotence ? "5" : "1");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    private Properties consumerProps() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "8192"); // several fetches per partition
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    private static String value(int partition, int i) {
        // compressible but not trivial: repeated words plus the sequence
        return "value p" + partition + " #" + i + " " + "spillway-compat ".repeat(1 + i % 7);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}

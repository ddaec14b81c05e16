package io.spillway.it;

import io.spillway.testkit.Ports;
import io.spillway.testkit.SpillwayProcess;
import io.spillway.testkit.TempDirs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restarts of a broker whose data spans many shared-log segments, after kill -9 and after a clean stop, with the
 * partition checkpoint and without it: every acknowledged record is read back once, in order. (A restart used to
 * delete every sealed segment as unused, because recovery retained segments before registering them.)
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MultiSegmentRestartTest {
    private static final List<String> TOPICS = List.of("seg-a", "seg-b", "/apps/seg:c");
    private static final String VALUE_PAD = "v".repeat(1000);

    private final Path dataDir = TempDirs.create("spillway-multi-segment");
    private SpillwayProcess broker;
    private int port;

    @AfterEach
    void tearDown() {
        if (broker != null) {
            broker.close();
        }
        TempDirs.deleteQuietly(dataDir);
    }

    private void start(boolean checkpoints) {
        broker = SpillwayProcess.builder().name("multi-segment").dataDir(dataDir).port(port)
                .set("spillway.wal.segment.bytes", "1048576")
                .set("spillway.checkpoint.interval.ms", checkpoints ? "200" : "0")
                .start();
    }

    private long segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("wal"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).count();
        }
    }

    private void produce(int from, int to) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.LINGER_MS_CONFIG, "2",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = from; i < to; i++) {
                for (String topic : TOPICS) {
                    sent.add(producer.send(new ProducerRecord<>(topic, 0, null, i + ":" + VALUE_PAD)));
                }
            }
            for (Future<?> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** Every topic holds exactly records 0 .. count-1, in order, at offsets 0 .. count-1. */
    private void assertAllThere(int count) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            List<TopicPartition> tps = TOPICS.stream().map(t -> new TopicPartition(t, 0)).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            assertThat(consumer.endOffsets(tps).values()).containsOnly((long) count);
            Map<String, Integer> next = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (next.values().stream().mapToInt(Integer::intValue).sum() < count * TOPICS.size()
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    int expected = next.getOrDefault(r.topic(), 0);
                    assertThat(r.offset()).as("offset in %s", r.topic()).isEqualTo(expected);
                    assertThat(r.value()).startsWith(expected + ":");
                    next.put(r.topic(), expected + 1);
                }
            }
            assertThat(next).containsOnlyKeys(TOPICS).allSatisfy((topic, n) -> assertThat(n).as(topic).isEqualTo(count));
        }
    }

    @Test
    void everyRecordSurvivesRestartsAcrossManySegmentsWithAndWithoutTheCheckpoint() throws Exception {
        port = Ports.freePort();
        start(true);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
            admin.createTopics(TOPICS.stream().map(t -> new NewTopic(t, 1, (short) 1)).toList()).all().get(30, TimeUnit.SECONDS);
        }
        produce(0, 2000);
        Thread.sleep(1000); // a checkpoint covers these
        produce(2000, 2500); // and these come after it
        assertThat(segmentFiles()).isGreaterThan(4);

        broker.kill9();
        start(true);
        assertAllThere(2500);
        assertThat(segmentFiles()).isGreaterThan(4);
        assertThat(broker.tail(400)).contains("from the checkpoint");

        produce(2500, 3000);
        broker.stop();
        start(true); // from the checkpoint written at the clean stop
        assertAllThere(3000);

        broker.kill9();
        start(false); // no checkpoint: the whole log is replayed
        assertAllThere(3000);
        assertThat(segmentFiles()).isGreaterThan(4);
    }

    private long walBytes() throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("wal"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    @Test
    void deletingAStreamFreesTheSegmentsOnlyItsTopicsUsed() throws Exception {
        port = Ports.freePort();
        start(true);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("/doomed/s:a", 1, (short) 1), new NewTopic("/doomed/s:b", 1, (short) 1),
                    new NewTopic("kept", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
                producer.send(new ProducerRecord<>("kept", 0, null, "first")).get(30, TimeUnit.SECONDS);
                List<Future<?>> sent = new ArrayList<>();
                for (int i = 0; i < 3000; i++) {
                    sent.add(producer.send(new ProducerRecord<>(i % 2 == 0 ? "/doomed/s:a" : "/doomed/s:b", 0, null,
                            i + ":" + VALUE_PAD)));
                }
                for (Future<?> f : sent) {
                    f.get(60, TimeUnit.SECONDS);
                }
                producer.send(new ProducerRecord<>("kept", 0, null, "last")).get(30, TimeUnit.SECONDS);
            }
            long before = walBytes();
            assertThat(before).isGreaterThan(3_000_000);

            admin.deleteTopics(List.of("/doomed/s")).all().get(30, TimeUnit.SECONDS);
            // only the first segment (the topic kept has its first record there) and the active one remain
            assertThat(walBytes()).isLessThan(2 * 1048576 + 1);
        }
        broker.kill9();
        start(true);
        assertThat(walBytes()).isLessThan(2 * 1048576 + 1);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            TopicPartition kept = new TopicPartition("kept", 0);
            consumer.assign(List.of(kept));
            consumer.seekToBeginning(List.of(kept));
            assertThat(EmbeddedBroker.pollUntil(consumer, 2, Duration.ofSeconds(30)))
                    .extracting(ConsumerRecord::value).containsExactly("first", "last");
        }
    }
}

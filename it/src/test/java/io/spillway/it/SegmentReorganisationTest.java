package io.spillway.it;

import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Disk space comes back when one topic's retention expires although another topic with unlimited retention wrote
 * into the same shared segments all along: the segment reorganiser moves the long-lived topic's batches out of the
 * sparse segments, and the next checkpoint frees them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SegmentReorganisationTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create()
            .set("spillway.wal.segment.bytes", "1048576")
            .set("log.retention.check.interval.ms", "200")
            .set("spillway.storage.reorganise.interval.ms", "300")
            .set("spillway.checkpoint.interval.ms", "300");

    private static long walBytes() throws IOException {
        try (Stream<Path> files = Files.list(BROKER.dataDir().resolve("wal"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    @Test
    void expiredDataOfOneTopicFreesDiskWhileAnotherTopicKeepsEverything() throws Exception {
        String shortLived = EmbeddedBroker.uniqueName("short-lived");
        String kept = EmbeddedBroker.uniqueName("kept-forever");
        BROKER.admin().createTopics(List.of(
                new NewTopic(shortLived, 1, (short) 1).configs(Map.of("retention.ms", "3000")),
                new NewTopic(kept, 1, (short) 1).configs(Map.of("retention.ms", "-1")))).all().get();
        long before = walBytes();
        String pad = "x".repeat(4000);
        List<String> keptValues = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrap(),
                ProducerConfig.LINGER_MS_CONFIG, "0",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            for (int i = 0; i < 2000; i++) {
                producer.send(new ProducerRecord<>(shortLived, "s" + i, pad));
                if (i % 20 == 0) {
                    String value = "kept-" + i;
                    keptValues.add(value);
                    producer.send(new ProducerRecord<>(kept, "k" + i, value)).get();
                }
            }
            producer.flush();
        }
        long written = walBytes() - before;
        assertThat(written).isGreaterThan(7L << 20);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long now = walBytes();
        while (now - before > written / 5 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            now = walBytes();
        }
        assertThat(now - before).as("bytes on disk after the short-lived topic expired (%d were written)", written)
                .isLessThan(written / 5);
        assertThat(readAll(kept)).containsExactlyElementsOf(keptValues);
    }

    @Test
    void retentionLogsWhatItRemovedFromWhichPartitionAndWhy() throws Exception {
        String byTime = EmbeddedBroker.uniqueName("expires");
        String bySize = EmbeddedBroker.uniqueName("capped");
        String kept = EmbeddedBroker.uniqueName("unlimited");
        try (CapturedLog log = CapturedLog.of(io.spillway.log.RetentionTask.class)) {
            // Written while nothing expires, so that the first pass that may remove anything removes it all.
            BROKER.admin().createTopics(List.of(
                    new NewTopic(byTime, 1, (short) 1).configs(Map.of("retention.ms", "-1")),
                    new NewTopic(bySize, 1, (short) 1).configs(Map.of("retention.ms", "-1")),
                    new NewTopic(kept, 1, (short) 1).configs(Map.of("retention.ms", "-1")))).all().get();
            long anHourAgo = System.currentTimeMillis() - 3_600_000;
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrap(),
                    ProducerConfig.LINGER_MS_CONFIG, "0",
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
                for (int i = 0; i < 5; i++) { // one batch each
                    for (String topic : List.of(byTime, bySize, kept)) {
                        producer.send(new ProducerRecord<>(topic, null, anHourAgo, "k" + i, "v" + i)).get();
                    }
                }
            }
            BROKER.admin().incrementalAlterConfigs(Map.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, byTime), List.of(new AlterConfigOp(
                            new ConfigEntry("retention.ms", "60000"), AlterConfigOp.OpType.SET)),
                    new ConfigResource(ConfigResource.Type.TOPIC, bySize), List.of(new AlterConfigOp(
                            new ConfigEntry("retention.bytes", "1"), AlterConfigOp.OpType.SET)))).all().get();
            String timeLine = log.awaitInfo(m -> m.contains(" of " + byTime + "-0 "), Duration.ofSeconds(30),
                    "about " + byTime + "-0");
            assertThat(timeLine).matches("Retention removed offsets 0 to 4 of " + byTime + "-0 \\(5 batches, \\d+ bytes\\) "
                    + "by retention.ms=60000; its log start offset is now 5");
            // retention.bytes=1 keeps the last batch: the log never becomes empty by size alone
            String sizeLine = log.awaitInfo(m -> m.contains(" of " + bySize + "-0 "), Duration.ofSeconds(30),
                    "about " + bySize + "-0");
            assertThat(sizeLine).matches("Retention removed offsets 0 to 3 of " + bySize + "-0 \\(4 batches, \\d+ bytes\\) "
                    + "by retention.bytes=1; its log start offset is now 4");
            Thread.sleep(1000); // several more passes, with nothing left to remove
            assertThat(log.info()).as("one line per partition trimmed, none for a pass that removes nothing")
                    .containsOnlyOnce(timeLine, sizeLine).noneMatch(m -> m.contains(kept));
        }
    }

    private static List<String> readAll(String topic) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrap(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}

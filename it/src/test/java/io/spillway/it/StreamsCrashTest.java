package io.spillway.it;

import io.spillway.testkit.Ports;
import io.spillway.testkit.SpillwayProcess;
import io.spillway.testkit.TempDirs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the broker (a child process) right after stream changes were acknowledged: the streams, their
 * defaults, a renamed topic with its records and committed offsets (kept in the stream's own offsets topic) and a
 * deleted stream with its offsets are all as they were answered.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StreamsCrashTest {
    private final Path dataDir = TempDirs.create("spillway-streams-crash");
    private SpillwayProcess broker;

    @AfterEach
    void tearDown() {
        if (broker != null) {
            broker.close();
        }
        TempDirs.deleteQuietly(dataDir);
    }

    private SpillwayProcess start(int port) {
        return SpillwayProcess.builder().name("streams-crash").dataDir(dataDir).port(port).start();
    }

    @Test
    void streamsDefaultsRenamesAndDeletesSurviveKillMinus9() throws Exception {
        broker = start(Ports.freePort());
        int port = broker.port();
        String bootstrap = broker.bootstrap();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic("/crash/fraud", Optional.of(2), Optional.empty())
                    .configs(Map.of("retention.ms", "3600000")))).all().get(30, TimeUnit.SECONDS);
            admin.createTopics(List.of(new NewTopic("/crash/fraud:cards", Optional.empty(), Optional.empty()),
                    new NewTopic("/crash/gone:t", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            producer.send(new ProducerRecord<>("/crash/fraud:cards", 1, "k", "v")).get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> committer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "crash-group",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            committer.commitSync(Map.of(new TopicPartition("/crash/fraud:cards", 1), new OffsetAndMetadata(1),
                    new TopicPartition("/crash/gone:t", 0), new OffsetAndMetadata(0)));
        }
        try (KafkaConsumer<String, String> committer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "crash-deleted",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            committer.commitSync(Map.of(new TopicPartition("/crash/fraud:cards", 0), new OffsetAndMetadata(0)));
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, "/crash/fraud:cards"),
                    List.of(new AlterConfigOp(new ConfigEntry("spillway.topic.rename.to", "/crash/fraud:card-activity"),
                            AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
            admin.deleteTopics(List.of("/crash/gone")).all().get(30, TimeUnit.SECONDS);
            admin.deleteConsumerGroups(List.of("crash-deleted")).all().get(30, TimeUnit.SECONDS);
        }
        broker.kill9();
        broker = start(port);

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .contains("/crash/fraud:card-activity").doesNotContain("/crash/fraud:cards", "/crash/gone:t");
            assertThat(admin.describeTopics(List.of("/crash/fraud:card-activity")).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get("/crash/fraud:card-activity").partitions()).hasSize(2);
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "/crash/fraud:card-activity");
            assertThat(admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic)
                    .get("retention.ms").value()).isEqualTo("3600000");
            assertThat(admin.listConsumerGroupOffsets("crash-group").partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS)).as("kept in /crash/fraud's own offsets topic, renamed along")
                    .containsOnlyKeys(new TopicPartition("/crash/fraud:card-activity", 1));
            assertThat(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS))
                    .contains("/crash/fraud:__consumer_offsets").doesNotContain("/crash/gone:__consumer_offsets");
            assertThat(admin.listGroups().all().get(30, TimeUnit.SECONDS)).as("a deleted group stays deleted")
                    .extracting(GroupListing::groupId).contains("crash-group").doesNotContain("crash-deleted");
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            TopicPartition tp = new TopicPartition("/crash/fraud:card-activity", 1);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            assertThat(EmbeddedBroker.pollUntil(consumer, 1, Duration.ofSeconds(30)))
                    .extracting(ConsumerRecord::value).containsExactly("v");
        }
    }
}

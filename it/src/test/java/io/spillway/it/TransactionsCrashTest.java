package io.spillway.it;

import io.spillway.testkit.Ports;
import io.spillway.testkit.SpillwayProcess;
import io.spillway.testkit.TempDirs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker (a child process) is killed with SIGKILL while a committed, an aborted and an open transaction
 * sit in its partitions. After the restart the aborted records are still skipped by read_committed readers
 * (the aborted-transaction index is rebuilt), the open transaction still holds the last stable offset back
 * (its records are never exposed) until the coordinator aborts it at its timeout, and the transactional id
 * serves a new producer instance.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransactionsCrashTest {
    private static final String TOPIC = "txn-crash";
    private Path dataDir;
    private SpillwayProcess broker;
    private final List<KafkaProducer<String, String>> clients = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        clients.forEach(c -> c.close(Duration.ZERO)); // the broker may be gone: do not wait for it
        if (broker != null) {
            broker.close();
        }
        TempDirs.deleteQuietly(dataDir);
    }

    private SpillwayProcess start(int port) {
        // frequent partition checkpoints, so that a restart restores transaction state from one and replays the rest
        return SpillwayProcess.builder().name("txn-crash").dataDir(dataDir).port(port)
                .set("spillway.checkpoint.interval.ms", "100").start();
    }

    private KafkaProducer<String, String> producer(String transactionalId, int timeoutMs) {
        KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Integer.toString(timeoutMs),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000"), new StringSerializer(), new StringSerializer());
        clients.add(p);
        p.initTransactions();
        return p;
    }

    private List<String> readCommitted() {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
            return values;
        }
    }

    private long lastStableOffset(Admin admin) throws Exception {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
    }

    @Test
    void transactionsKeepTheirOutcomeAcrossAKill() throws Exception {
        dataDir = TempDirs.create("spillway-txn-crash");
        int port = Ports.freePort();
        broker = start(port);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        KafkaProducer<String, String> decided = producer("decided", 60_000);
        decided.beginTransaction();
        decided.send(new ProducerRecord<>(TOPIC, 0, null, "committed-1"));
        decided.commitTransaction();
        decided.beginTransaction();
        decided.send(new ProducerRecord<>(TOPIC, 0, null, "aborted"));
        decided.flush();
        decided.abortTransaction();
        decided.beginTransaction();
        decided.send(new ProducerRecord<>(TOPIC, 0, null, "committed-2"));
        decided.commitTransaction();
        KafkaProducer<String, String> open = producer("left-open", 10_000);
        open.beginTransaction();
        open.send(new ProducerRecord<>(TOPIC, 0, null, "never-decided")).get(20, TimeUnit.SECONDS);
        // offsets: 0 committed-1, 1 commit, 2 aborted, 3 abort, 4 committed-2, 5 commit, 6 never-decided

        broker.kill9();
        clients.forEach(c -> c.close(Duration.ZERO)); // their broker is gone: do not wait to send anything
        clients.clear();
        broker = start(port);

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
            assertThat(lastStableOffset(admin)).as("the open transaction still holds the LSO").isEqualTo(6);
            assertThat(readCommitted()).containsExactly("committed-1", "committed-2");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (lastStableOffset(admin) < 8 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(lastStableOffset(admin)).as("aborted at its timeout after the restart").isEqualTo(8);
            assertThat(readCommitted()).containsExactly("committed-1", "committed-2");
        }
        KafkaProducer<String, String> successor = producer("left-open", 60_000);
        successor.beginTransaction();
        successor.send(new ProducerRecord<>(TOPIC, 0, null, "successor"));
        successor.commitTransaction();
        assertThat(readCommitted()).containsExactly("committed-1", "committed-2", "successor");
    }
}

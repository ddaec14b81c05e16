package io.spillway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.spillway.testkit.SpillwayProcess;
import io.spillway.testkit.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Durability under kill -9: a broker in a child JVM takes a stream of numbered records from an
 * idempotent acks=all producer and is killed with SIGKILL at a random moment, then restarted on the
 * same data directory (and port, so the producer's in-flight retries reach the new process). Every
 * acknowledged record must then be present exactly once, at the offset it was acknowledged with, in
 * send order per partition; records that were not acknowledged may or may not be there, but never twice.
 * The cycle repeats with data accumulating in the same directory.
 */
class CrashRecoveryTest {

    private static final String TOPIC = "crash-recovery";
    private static final int PARTITIONS = 4;
    private static final int CYCLES = 4;
    private static final int MAX_OUTSTANDING = 4000;

    private Path dataDir;
    private SpillwayProcess broker;

    @BeforeEach
    void setUp() {
        dataDir = TempDirs.create("spillway-crash");
    }

    @AfterEach
    void tearDown() {
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            TempDirs.deleteQuietly(dataDir);
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void acknowledgedRecordsSurviveKill9ExactlyOnceAndInOrder() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        log("seed %d (rerun with -Dcrash.seed=%d)", seed, seed);

        // Recovery from the partition checkpoint plus the log after it, or from the whole log; with the data in one
        // segment or spread over many small ones (the checkpoint point then lies in an older segment)
        String checkpointMs = List.of("0", "100", "1000").get(random.nextInt(3));
        String segmentBytes = List.of("268435456", "1048576").get(random.nextInt(2));
        log("checkpoint interval %s ms, segments of %s bytes", checkpointMs, segmentBytes);
        SpillwayProcess.Builder builder = SpillwayProcess.builder()
                .name("crash")
                .dataDir(dataDir)
                .set("auto.create.topics.enable", "false")
                .set("spillway.fsync", "true")
                .set("spillway.checkpoint.interval.ms", checkpointMs)
                .set("spillway.wal.segment.bytes", segmentBytes);
        broker = builder.start();
        builder.port(broker.port()); // restarts reuse the port: the producer's retries must find the new process
        createTopic();

        // every acknowledged record of every cycle: key -> (partition, offset)
        Map<String, Ack> acknowledged = new HashMap<>();
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            CycleOutcome outcome = produceAndKill(cycle, builder, 300 + random.nextInt(1701));
            acknowledged.putAll(outcome.acked);
            Verified v = verify(acknowledged, cycle);
            log("cycle %d: killed %d ms after the first ack; sent %d, acked %d (%d before the kill), failed %d; "
                            + "present after restart: %d of this cycle (%d unacknowledged), %d in total, end offsets %s",
                    cycle, outcome.killAfterMs, outcome.sent, outcome.acked.size(), outcome.ackedBeforeKill,
                    outcome.failed, v.presentByCycle.getOrDefault(cycle, 0),
                    v.presentByCycle.getOrDefault(cycle, 0) - outcome.acked.size(), v.total, v.endOffsets);
            assertThat(outcome.ackedBeforeKill)
                    .as("cycle %d: some records must have been acknowledged before the kill, or the cycle tests nothing", cycle)
                    .isPositive();
        }
    }

    private void createTopic() throws Exception {
        try (Admin admin = Admin.create(adminProps())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private CycleOutcome produceAndKill(int cycle, SpillwayProcess.Builder builder, int killAfterMs) throws Exception {
        Map<String, Ack> acked = new ConcurrentHashMap<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> senderError = new AtomicReference<>();
        Semaphore outstanding = new Semaphore(MAX_OUTSTANDING);

        KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps());
        try {
            Thread sender = new Thread(() -> {
                try {
                    for (int seq = 0; !stop.get(); seq++) {
                        while (!outstanding.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                            if (stop.get()) {
                                return;
                            }
                        }
                        String key = key(cycle, seq);
                        int partition = seq % PARTITIONS;
                        producer.send(new ProducerRecord<>(TOPIC, partition, key, value(key)), (md, e) -> {
                            if (e == null) {
                                acked.put(key, new Ack(md.partition(), md.offset()));
                            } else {
                                failed.incrementAndGet();
                            }
                            outstanding.release();
                        });
                        sent.incrementAndGet();
                    }
                } catch (Throwable t) {
                    // after the kill a send may time out waiting for metadata or buffer space; that is a
                    // failed (unacknowledged) send, not a test error
                    if (!stop.get()) {
                        senderError.set(t);
                    }
                }
            }, "crash-sender-" + cycle);
            sender.start();

            // the kill comes killAfterMs after the first acknowledgement, so every cycle has acked data at risk
            long firstAckDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (acked.isEmpty() && senderError.get() == null && System.nanoTime() < firstAckDeadline) {
                Thread.sleep(5);
            }
            assertThat(senderError.get()).as("sender error before the first acknowledgement").isNull();
            assertThat(acked).as("cycle %d: no send was acknowledged within 20 s (failed: %d)", cycle, failed.get()).isNotEmpty();
            Thread.sleep(killAfterMs);
            int ackedBeforeKill = acked.size();
            int exit = broker.kill9();
            stop.set(true);
            assertThat(exit).as("exit code after SIGKILL").isEqualTo(137);
            sender.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(sender.isAlive()).as("sender thread stopped").isFalse();
            assertThat(senderError.get()).as("sender error before the kill").isNull();

            broker = builder.start();

            // every send completes: acknowledged after retrying against the restarted broker, or failed
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
            while (acked.size() + failed.get() < sent.get() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(acked.size() + failed.get())
                    .as("completed sends of cycle %d (acked %d, failed %d)", cycle, acked.size(), failed.get())
                    .isEqualTo(sent.get());
            return new CycleOutcome(Map.copyOf(acked), ackedBeforeKill, failed.get(), sent.get(), killAfterMs);
        } finally {
            stop.set(true);
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Reads every partition from the beginning and checks it against what was acknowledged. */
    private Verified verify(Map<String, Ack> acknowledged, int upToCycle) throws Exception {
        try (Admin admin = Admin.create(adminProps())) {
            TopicDescription d = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC);
            assertThat(d.partitions()).as("partitions of %s after restart", TOPIC).hasSize(PARTITIONS);
        }
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            tps.add(new TopicPartition(TOPIC, p));
        }
        Map<String, Ack> found = new HashMap<>();
        Map<Integer, Integer> presentByCycle = new TreeMap<>();
        Map<TopicPartition, Long> endOffsets;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            endOffsets = consumer.endOffsets(tps, Duration.ofSeconds(30));
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps, Duration.ofSeconds(30));
            Map<TopicPartition, Long> expectedOffset = new HashMap<>();
            Map<String, Integer> lastSeqByPartitionAndCycle = new HashMap<>();
            for (TopicPartition tp : tps) {
                assertThat(begin.get(tp)).as("log start offset of %s", tp).isZero();
                expectedOffset.put(tp, 0L);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!caughtUp(consumer, tps, endOffsets)) {
                if (System.nanoTime() > deadline) {
                    fail("could not read up to the end offsets %s within 30 s; positions reached %s",
                            endOffsets, positions(consumer, tps));
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    assertThat(r.offset()).as("offsets of %s are contiguous (record %s)", tp, r.key())
                            .isEqualTo(expectedOffset.get(tp));
                    expectedOffset.put(tp, r.offset() + 1);
                    assertThat(r.value()).as("value of %s at %s@%d", r.key(), tp, r.offset()).isEqualTo(value(r.key()));
                    int cycle = cycleOf(r.key());
                    int seq = seqOf(r.key());
                    assertThat(cycle).as("cycle of %s", r.key()).isBetween(0, upToCycle);
                    assertThat(r.partition()).as("partition of %s", r.key()).isEqualTo(seq % PARTITIONS);
                    Ack previous = found.put(r.key(), new Ack(r.partition(), r.offset()));
                    if (previous != null) {
                        fail("record %s is present twice: at %s@%d and at %s@%d", r.key(), tp, previous.offset, tp, r.offset());
                    }
                    Integer lastSeq = lastSeqByPartitionAndCycle.put(r.partition() + "/" + cycle, seq);
                    if (lastSeq != null && lastSeq >= seq) {
                        fail("send order broken on %s: %s at offset %d follows seq %d of the same producer",
                                tp, r.key(), r.offset(), lastSeq);
                    }
                    presentByCycle.merge(cycle, 1, Integer::sum);
                }
            }
            for (TopicPartition tp : tps) {
                assertThat(expectedOffset.get(tp)).as("records read from %s", tp).isEqualTo(endOffsets.get(tp));
            }
        }
        List<String> missing = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        for (Map.Entry<String, Ack> e : acknowledged.entrySet()) {
            Ack at = found.get(e.getKey());
            if (at == null) {
                missing.add(e.getKey() + " (acked at " + e.getValue() + ")");
            } else if (e.getValue().offset >= 0 && !at.equals(e.getValue())) {
                moved.add(e.getKey() + " acked at " + e.getValue() + " but found at " + at);
            }
        }
        missing.sort(null);
        moved.sort(null);
        assertThat(missing).as("acknowledged records missing after kill -9 and restart (%d of %d)",
                missing.size(), acknowledged.size()).isEmpty();
        assertThat(moved).as("acknowledged records found at another offset than acknowledged").isEmpty();
        long total = 0;
        for (long end : endOffsets.values()) {
            total += end;
        }
        return new Verified(presentByCycle, total, endOffsets);
    }

    private static boolean caughtUp(KafkaConsumer<String, String> consumer, List<TopicPartition> tps, Map<TopicPartition, Long> end) {
        for (TopicPartition tp : tps) {
            if (consumer.position(tp, Duration.ofSeconds(10)) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }

    private static Map<TopicPartition, Long> positions(KafkaConsumer<String, String> consumer, List<TopicPartition> tps) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicPartition tp : tps) {
            positions.put(tp, consumer.position(tp, Duration.ofSeconds(10)));
        }
        return positions;
    }

    private Properties adminProps() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return p;
    }

    private Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "50");
        p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "500");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }

    private Properties consumerProps() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }

    private static String key(int cycle, int seq) {
        return String.format("c%d-%08d", cycle, seq);
    }

    private static int cycleOf(String key) {
        return Integer.parseInt(key.substring(1, key.indexOf('-')));
    }

    private static int seqOf(String key) {
        return Integer.parseInt(key.substring(key.indexOf('-') + 1));
    }

    /** Deterministic value derived from the key, so any corruption or mix-up is detected. */
    private static String value(String key) {
        int n = seqOf(key) % 37;
        return key + "|" + "abcdefghij".repeat(1 + n) + "|" + Integer.toHexString(key.hashCode());
    }

    private static void log(String format, Object... args) {
        System.out.printf("[CrashRecoveryTest] " + format + "%n", args);
    }

    private record Ack(int partition, long offset) {
        @Override
        public String toString() {
            return TOPIC + "-" + partition + "@" + offset;
        }
    }

    private record CycleOutcome(Map<String, Ack> acked, int ackedBeforeKill, int failed, int sent, int killAfterMs) {
    }

    private record Verified(Map<Integer, Integer> presentByCycle, long total, Map<TopicPartition, Long> endOffsets) {
    }
}

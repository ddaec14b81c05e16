package io.spillway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.testkit.SpillwayProcess;
import io.spillway.testkit.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kill -9 of the broker while a share consumer acknowledges: after the restart, no record whose acknowledgement
 * the broker confirmed (ACCEPT or REJECT) is delivered again, and every other record is (the records the consumer
 * held, those it had not reached, those whose acknowledgement was in flight at the kill).
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ShareCrashTest {
    private static final String TOPIC = "share-crash";
    private static final String GROUP = "share-crash-g";
    private static final int RECORDS = 3_000;

    private Path dataDir;
    private SpillwayProcess broker;

    @AfterEach
    void cleanUp() {
        if (broker != null) {
            broker.close();
        }
        TempDirs.deleteQuietly(dataDir);
    }

    private SpillwayProcess start(int port) {
        return SpillwayProcess.builder().name("share-crash").dataDir(dataDir).port(port)
                .set("spillway.checkpoint.interval.ms", "200").start();
    }

    private KafkaShareConsumer<String, String> consumer(String mode) {
        return new KafkaShareConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, mode,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50",
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000"), new StringDeserializer(),
                new StringDeserializer());
    }

    @Test
    void confirmedAcknowledgementsSurviveKillNineAndTheRestIsDeliveredAgain() throws Exception {
        dataDir = TempDirs.create("spillway-share-crash");
        broker = start(0);
        int port = broker.port();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, GROUP), List.of(
                    new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
                    .all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "v" + i));
            }
            producer.flush();
        }

        // Accept three of four records, reject the fourth; an offset counts as done once commitSync confirmed it.
        Set<Long> confirmed = ConcurrentHashMap.newKeySet();
        // acknowledged but not (yet) confirmed: stored or not, depending on when the kill came
        Set<Long> attempted = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        Thread acknowledging = new Thread(() -> {
            KafkaShareConsumer<String, String> consumer = consumer("explicit");
            try {
                consumer.subscribe(List.of(TOPIC));
                while (!stop.get()) {
                    List<Long> acked = new ArrayList<>();
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        consumer.acknowledge(r, r.offset() % 4 == 3 ? AcknowledgeType.REJECT : AcknowledgeType.ACCEPT);
                        acked.add(r.offset());
                    }
                    attempted.addAll(acked);
                    Thread.sleep(40); // paced, so that the kill comes with most of the topic still to do
                    Map<TopicIdPartition, Optional<KafkaException>> results = consumer.commitSync();
                    if (!acked.isEmpty() && !results.isEmpty()
                            && results.values().stream().allMatch(Optional::isEmpty)) {
                        confirmed.addAll(acked);
                    }
                }
            } catch (RuntimeException e) {
                // the broker went away under us: expected
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                consumer.close(Duration.ZERO);
            }
        }, "share-crash-consumer");
        acknowledging.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (confirmed.size() < RECORDS / 4 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(confirmed.size()).as("acknowledgements confirmed before the kill").isGreaterThanOrEqualTo(RECORDS / 4);
        broker.kill9();
        // Taken right after the kill: everything the broker could have stored is in it (and a few acknowledged
        // from the client's buffer after the kill, which only widens the "maybe stored" set).
        Set<Long> attemptedAtKill = new HashSet<>(attempted);
        Set<Long> confirmedAtKill = new HashSet<>(confirmed);
        stop.set(true);
        acknowledging.join(30_000);
        confirmedAtKill.addAll(confirmed); // a commit answered just before the kill but counted after it

        broker = start(port);
        Map<Long, Integer> delivered = new HashMap<>();
        try (KafkaShareConsumer<String, String> consumer = consumer("implicit")) {
            consumer.subscribe(List.of(TOPIC));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int quiet = 0;
            while (System.nanoTime() < until && quiet < 5) {
                var records = consumer.poll(Duration.ofMillis(300));
                Set<Long> known = new HashSet<>(delivered.keySet());
                known.addAll(confirmedAtKill);
                known.addAll(attemptedAtKill);
                quiet = records.isEmpty() && known.size() >= RECORDS ? quiet + 1 : 0;
                for (ConsumerRecord<String, String> r : records) {
                    assertThat(r.value()).isEqualTo("v" + r.offset());
                    delivered.merge(r.offset(), 1, Integer::sum);
                }
            }
        }
        System.out.printf("share crash: %d confirmed before the kill, %d in flight, %d delivered after the restart%n",
                confirmedAtKill.size(), attemptedAtKill.size() - confirmedAtKill.size(), delivered.size());
        assertThat(delivered.size()).as("records delivered after the restart").isGreaterThanOrEqualTo(
                RECORDS - attemptedAtKill.size());
        Set<Long> again = new HashSet<>(delivered.keySet());
        again.retainAll(confirmedAtKill);
        assertThat(again).as("confirmed acknowledgements are never delivered again").isEmpty();
        assertThat(delivered.values()).as("each remaining record once").allMatch(n -> n == 1);
        Set<Long> all = new HashSet<>(delivered.keySet());
        all.addAll(confirmedAtKill);
        all.addAll(attemptedAtKill);
        assertThat(all).as("every record either acknowledged before the kill or delivered after it").hasSize(RECORDS);
    }
}

package io.spillway.bench.txncheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.testkit.RepoLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault the checker depends on, for Spillway today (the checker run itself stops at initTransactions()): a
 * broker killed with SIGKILL comes back on the same port and data directory with its acknowledged records.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrashableBrokerTest {

    @Test
    void spillwayComesBackOnTheSamePortWithItsData(@TempDir Path runDir) throws Exception {
        try (CrashableBroker broker = CrashableSpillway.start(RepoLayout.repoRoot(), runDir, Map.of())) {
            String bootstrap = broker.bootstrap();
            Properties a = new Properties();
            a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (Admin admin = Admin.create(a)) {
                admin.createTopics(List.of(new NewTopic("t", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                    new StringSerializer())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("t", i % 2, null, new TxnRecord(0, 0, i, 0, 1).encode())).get();
                }
            }

            broker.kill9();
            broker.restart();

            assertThat(broker.bootstrap()).isEqualTo(bootstrap);
            ReadResult r = TopicReads.readAll(bootstrap, "t", 2, IsolationLevel.READ_UNCOMMITTED, Duration.ofSeconds(60));
            assertThat(r.complete()).as(String.join("; ", r.problems())).isTrue();
            assertThat(r.records()).extracting(o -> o.record().txn()).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L,
                    5L, 6L, 7L, 8L, 9L);
        }
    }
}

package io.spillway.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.ThrottlingQuotaExceededException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Client quotas (KIP-546 admin API; producer_byte_rate, consumer_byte_rate, controller_mutation_rate enforced as
 * Kafka does) and stream quotas (a storage quota, a produce byte rate shared by the stream's clients), driven by
 * the real Java clients. The quota window is 3 samples of a second, so a throttled client settles within seconds.
 */
class QuotasTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create()
            .set("quota.window.num", "3")
            .set("quota.window.size.seconds", "1");

    private static final int RECORD_BYTES = 1024;
    private static final double BYTE_RATE = 512 * 1024;

    @Test
    void quotasAreSetDescribedAndRemovedThroughTheAdminApi() throws Exception {
        Admin admin = BROKER.admin();
        String user = EmbeddedBroker.uniqueName("user");
        ClientQuotaEntity userAndClient = entity(ClientQuotaEntity.USER, user, ClientQuotaEntity.CLIENT_ID, "app");
        ClientQuotaEntity defaultUser = entity(ClientQuotaEntity.USER, null);
        admin.alterClientQuotas(List.of(
                new ClientQuotaAlteration(userAndClient, List.of(
                        new ClientQuotaAlteration.Op("producer_byte_rate", 1048576.0),
                        new ClientQuotaAlteration.Op("request_percentage", 50.5))),
                new ClientQuotaAlteration(defaultUser, List.of(
                        new ClientQuotaAlteration.Op("consumer_byte_rate", 2097152.0))))).all().get();

        Map<ClientQuotaEntity, Map<String, Double>> exact = admin.describeClientQuotas(ClientQuotaFilter.containsOnly(
                List.of(ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.USER, user),
                        ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.CLIENT_ID, "app")))).entities().get();
        assertThat(exact).isEqualTo(Map.of(userAndClient,
                Map.of("producer_byte_rate", 1048576.0, "request_percentage", 50.5)));
        Map<ClientQuotaEntity, Map<String, Double>> defaults = admin.describeClientQuotas(ClientQuotaFilter.containsOnly(
                List.of(ClientQuotaFilterComponent.ofDefaultEntity(ClientQuotaEntity.USER)))).entities().get();
        assertThat(defaults).isEqualTo(Map.of(defaultUser, Map.of("consumer_byte_rate", 2097152.0)));
        // Non-strict: every entity with a specified user, whatever else it has.
        Map<ClientQuotaEntity, Map<String, Double>> anyUser = admin.describeClientQuotas(ClientQuotaFilter.contains(
                List.of(ClientQuotaFilterComponent.ofEntityType(ClientQuotaEntity.USER)))).entities().get();
        assertThat(anyUser).containsKey(userAndClient).doesNotContainKey(defaultUser);

        admin.alterClientQuotas(List.of(new ClientQuotaAlteration(userAndClient, List.of(
                new ClientQuotaAlteration.Op("producer_byte_rate", null))))).all().get();
        assertThat(admin.describeClientQuotas(ClientQuotaFilter.containsOnly(List.of(
                ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.USER, user),
                ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.CLIENT_ID, "app")))).entities().get())
                .isEqualTo(Map.of(userAndClient, Map.of("request_percentage", 50.5)));
        admin.alterClientQuotas(List.of(
                new ClientQuotaAlteration(userAndClient, List.of(new ClientQuotaAlteration.Op("request_percentage", null))),
                new ClientQuotaAlteration(defaultUser, List.of(new ClientQuotaAlteration.Op("consumer_byte_rate", null)))))
                .all().get();
        assertThat(admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get())
                .doesNotContainKeys(userAndClient, defaultUser);
    }

    @Test
    void badQuotaAlterationsAreRefusedWithInvalidRequest() {
        Admin admin = BROKER.admin();
        ClientQuotaEntity user = entity(ClientQuotaEntity.USER, "someone");
        assertRefused(admin, new ClientQuotaAlteration(user, List.of(new ClientQuotaAlteration.Op("no_such_quota", 1.0))),
                "no_such_quota");
        assertRefused(admin, new ClientQuotaAlteration(user, List.of(new ClientQuotaAlteration.Op("producer_byte_rate", -5.0))),
                "greater than 0");
        assertRefused(admin, new ClientQuotaAlteration(user, List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 1.5))),
                "whole number");
        assertRefused(admin, new ClientQuotaAlteration(entity(ClientQuotaEntity.IP, "127.0.0.1", ClientQuotaEntity.USER, "x"),
                List.of(new ClientQuotaAlteration.Op("connection_creation_rate", 5.0))), "ip");
        assertRefused(admin, new ClientQuotaAlteration(entity(ClientQuotaEntity.IP, "127.0.0.1"),
                List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 5.0))), "ip");
    }

    @Test
    void aProducerOverItsByteRateIsThrottledToItAndLosesNothing() throws Exception {
        String topic = EmbeddedBroker.uniqueName("throttled-produce");
        BROKER.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        String clientId = EmbeddedBroker.uniqueName("slow-producer");
        setQuota(entity(ClientQuotaEntity.CLIENT_ID, clientId), "producer_byte_rate", BYTE_RATE);

        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.BUFFER_MEMORY_CONFIG, Integer.toString(256 * 1024),
                ProducerConfig.LINGER_MS_CONFIG, "5"));
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + Duration.ofSeconds(4).toNanos();
        long end = start + Duration.ofSeconds(10).toNanos();
        long ackedAtMeasureStart = -1;
        int sent = 0;
        while (System.nanoTime() < end) {
            if (ackedAtMeasureStart < 0 && System.nanoTime() >= measureFrom) {
                ackedAtMeasureStart = acked.get();
            }
            producer.send(new ProducerRecord<>(topic, 0, null, new byte[RECORD_BYTES]), (metadata, error) -> {
                if (error == null) {
                    acked.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
            });
            sent++;
        }
        long measuredRecords = acked.get() - ackedAtMeasureStart;
        double seconds = (System.nanoTime() - measureFrom) / 1e9;
        double rate = measuredRecords * RECORD_BYTES / seconds;
        double throttleMax = metric(producer.metrics(), "produce-throttle-time-max");
        producer.flush();

        System.out.printf("[QuotasTest] producer at %.0f bytes/s against producer_byte_rate %.0f (%.3f), "
                + "throttle max %.0f ms%n", rate, BYTE_RATE, rate / BYTE_RATE, throttleMax);
        assertThat(rate).as("produce rate in bytes/s against a quota of %s", BYTE_RATE)
                .isBetween(BYTE_RATE * 0.9, BYTE_RATE * 1.1);
        assertThat(throttleMax).as("produce-throttle-time-max").isGreaterThan(0);
        assertThat(failed.get()).isZero();
        assertThat(acked.get()).isEqualTo(sent);
        try (Admin admin = BROKER.newAdmin(Map.of())) {
            long end0 = admin.listOffsets(Map.of(new TopicPartition(topic, 0),
                    org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get()
                    .get(new TopicPartition(topic, 0)).offset();
            assertThat(end0).as("records in the log").isEqualTo(sent);
        }
    }

    @Test
    void aConsumerOverItsByteRateIsThrottledToItAndMissesNothing() throws Exception {
        String topic = EmbeddedBroker.uniqueName("throttled-fetch");
        BROKER.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        int records = 6 * 1024; // 6 MiB: the window's allowance, then about 10 seconds at the quota
        KafkaProducer<byte[], byte[]> producer = BROKER.producer();
        for (int i = 0; i < records; i++) {
            producer.send(new ProducerRecord<>(topic, 0, null, new byte[RECORD_BYTES]));
        }
        producer.flush();
        String clientId = EmbeddedBroker.uniqueName("slow-consumer");
        setQuota(entity(ClientQuotaEntity.CLIENT_ID, clientId), "consumer_byte_rate", BYTE_RATE);

        // Each poll hands over whole fetch responses, so the rate is measured from one response to another.
        KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer(Map.of(ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100000"));
        consumer.assign(List.of(new TopicPartition(topic, 0)));
        long start = System.nanoTime();
        long measureFrom = start + Duration.ofSeconds(3).toNanos();
        long received = 0;
        long receivedAtMeasureStart = -1;
        long measureStarted = 0;
        long measureTo = start + Duration.ofMillis(8500).toNanos();
        long receivedAtMeasureEnd = -1;
        long measureEnded = 0;
        long nextOffset = 0;
        while (received < records && System.nanoTime() < start + Duration.ofSeconds(60).toNanos()) {
            ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
            for (var r : batch) {
                assertThat(r.offset()).as("offsets in order, none skipped").isEqualTo(nextOffset++);
                received++;
            }
            long now = System.nanoTime();
            if (receivedAtMeasureStart < 0 && now >= measureFrom && !batch.isEmpty()) {
                receivedAtMeasureStart = received;
                measureStarted = now;
            } else if (receivedAtMeasureStart >= 0 && now <= measureTo && !batch.isEmpty()) {
                receivedAtMeasureEnd = received;
                measureEnded = now;
            }
        }
        // From one response's arrival to another's: the records of every response after the first.
        double seconds = (measureEnded - measureStarted) / 1e9;
        double rate = (receivedAtMeasureEnd - receivedAtMeasureStart) * (double) RECORD_BYTES / seconds;
        System.out.printf("[QuotasTest] consumer at %.0f bytes/s against consumer_byte_rate %.0f (%.3f)%n", rate,
                BYTE_RATE, rate / BYTE_RATE);
        assertThat(received).isEqualTo(records);
        assertThat(seconds).as("seconds measured").isGreaterThan(3);
        assertThat(rate).as("fetch rate in bytes/s against a quota of %s", BYTE_RATE)
                .isBetween(BYTE_RATE * 0.9, BYTE_RATE * 1.1);
        assertThat(metric(consumer.metrics(), "fetch-throttle-time-max")).isGreaterThan(0);
    }

    @Test
    void topicCreationOverTheControllerMutationRateIsRefusedOrWaitedFor() throws Exception {
        String clientId = EmbeddedBroker.uniqueName("mutator");
        setQuota(entity(ClientQuotaEntity.CLIENT_ID, clientId), "controller_mutation_rate", 2.0);
        try (Admin admin = BROKER.newAdmin(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, clientId));
             Admin sameClientId = BROKER.newAdmin(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, clientId))) {
            sameClientId.listTopics().names().get(); // connected, so its next request goes out at once
            // The bucket holds a window's worth (6); one request may take it into debt (and that client is told to
            // pause), and while in debt any request of the client-id is refused.
            admin.createTopics(List.of(new NewTopic(EmbeddedBroker.uniqueName("m"), 10, (short) 1))).all().get();
            String refused = EmbeddedBroker.uniqueName("m");
            assertThatThrownBy(() -> sameClientId.createTopics(List.of(new NewTopic(refused, 1, (short) 1)),
                    new CreateTopicsOptions().retryOnQuotaViolation(false)).all().get())
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(ThrottlingQuotaExceededException.class)
                    .satisfies(e -> assertThat(((ThrottlingQuotaExceededException) e).throttleTimeMs()).isPositive());
            assertThat(BROKER.admin().listTopics().names().get()).doesNotContain(refused);
            // By default the admin client waits out the throttle and retries.
            long started = System.nanoTime();
            sameClientId.createTopics(List.of(new NewTopic(refused, 1, (short) 1))).all().get();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(300));
            assertThat(BROKER.admin().listTopics().names().get()).contains(refused);
        }
    }

    @Test
    void aStreamAtItsStorageQuotaRefusesRecordsUntilRaised() throws Exception {
        String stream = "/" + EmbeddedBroker.uniqueName("quota");
        String topic = stream + ":full";
        Admin admin = BROKER.admin();
        admin.createTopics(List.of(new NewTopic(stream, 1, (short) 1)
                .configs(Map.of("spillway.stream.storage.quota.bytes", "100000")))).all().get();
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(ProducerConfig.RETRIES_CONFIG, "0"));
        Throwable refusal = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int accepted = 0;
        while (refusal == null && System.nanoTime() < deadline) {
            try {
                producer.send(new ProducerRecord<>(topic, new byte[10_000])).get();
                accepted++;
                Thread.sleep(20);
            } catch (ExecutionException e) {
                refusal = e.getCause();
            }
        }
        assertThat(refusal).isInstanceOf(PolicyViolationException.class).hasMessageContaining("storage quota");
        assertThat(accepted).isBetween(9, 200);

        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, stream), List.of(
                new AlterConfigOp(new ConfigEntry("spillway.stream.storage.quota.bytes", "100000000"),
                        AlterConfigOp.OpType.SET)))).all().get();
        producer.send(new ProducerRecord<>(topic, new byte[10_000])).get();
    }

    @Test
    void aStreamByteRateIsSharedByAllOfItsProducers() throws Exception {
        String stream = "/" + EmbeddedBroker.uniqueName("rated");
        Admin admin = BROKER.admin();
        admin.createTopics(List.of(new NewTopic(stream, 1, (short) 1)
                .configs(Map.of("spillway.stream.producer.byte.rate", Long.toString((long) BYTE_RATE))))).all().get();
        List<String> topics = List.of(stream + ":a", stream + ":b");
        admin.createTopics(topics.stream().map(t -> new NewTopic(t, 1, (short) 1)).toList()).all().get();
        List<KafkaProducer<byte[], byte[]>> producers = topics.stream().map(t -> BROKER.producer(Map.of(
                ProducerConfig.BUFFER_MEMORY_CONFIG, Integer.toString(256 * 1024),
                ProducerConfig.LINGER_MS_CONFIG, "5"))).toList();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(6).toNanos();
        AtomicLong acked = new AtomicLong();
        while (System.nanoTime() < end) {
            for (int i = 0; i < producers.size(); i++) {
                producers.get(i).send(new ProducerRecord<>(topics.get(i), new byte[RECORD_BYTES]),
                        (m, e) -> acked.incrementAndGet());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // Two windows' allowance up front, then the quota: well below what two unthrottled producers write.
        double ceiling = (BYTE_RATE * seconds + 2 * BYTE_RATE) * 1.2;
        assertThat(acked.get() * (double) RECORD_BYTES).as("bytes both producers wrote").isLessThan(ceiling);
        assertThat(metric(producers.get(0).metrics(), "produce-throttle-time-max")
                + metric(producers.get(1).metrics(), "produce-throttle-time-max")).isGreaterThan(0);
    }

    @Test
    void aClientOverItsRequestPercentageIsThrottledAndServed() throws Exception {
        String topic = EmbeddedBroker.uniqueName("request-time");
        BROKER.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        String clientId = EmbeddedBroker.uniqueName("busy");
        // 0.01% of a thread is 100 microseconds of handling a second: a few requests exceed it.
        setQuota(entity(ClientQuotaEntity.CLIENT_ID, clientId), "request_percentage", 0.01);
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(ProducerConfig.CLIENT_ID_CONFIG, clientId));
        for (int i = 0; i < 5; i++) {
            producer.send(new ProducerRecord<>(topic, new byte[100])).get();
        }
        assertThat(metric(producer.metrics(), "produce-throttle-time-max")).isGreaterThan(0);
        try (Admin admin = BROKER.newAdmin(Map.of())) {
            assertThat(admin.listOffsets(Map.of(new TopicPartition(topic, 0),
                    org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get()
                    .get(new TopicPartition(topic, 0)).offset()).isEqualTo(5);
        }
    }

    @Test
    void connectionsFromAnAddressOverItsCreationRateAreClosed() throws Exception {
        ClientQuotaEntity loopback = entity(ClientQuotaEntity.IP, "127.0.0.1");
        setQuota(loopback, "connection_creation_rate", 1.0); // a burst of 3 (the window), then one a second
        int closed = 0;
        List<java.net.Socket> sockets = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                sockets.add(new java.net.Socket(BROKER.host(), BROKER.port()));
            }
            for (java.net.Socket socket : sockets) {
                socket.setSoTimeout(300);
                try {
                    if (socket.getInputStream().read() < 0) {
                        closed++;
                    }
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // accepted and kept: the broker waits for a request
                } catch (java.io.IOException reset) {
                    closed++;
                }
            }
        } finally {
            for (java.net.Socket socket : sockets) {
                socket.close();
            }
            BROKER.admin().alterClientQuotas(List.of(new ClientQuotaAlteration(loopback,
                    List.of(new ClientQuotaAlteration.Op("connection_creation_rate", null))))).all().get();
        }
        // 8 connections at once against a burst of 3 (then one a second): the last ones are closed.
        assertThat(closed).isBetween(4, 5);
        BROKER.admin().listTopics().names().get(); // the quota is gone: connections are accepted again
    }

    private static void assertRefused(Admin admin, ClientQuotaAlteration alteration, String message) {
        assertThatThrownBy(() -> admin.alterClientQuotas(List.of(alteration)).all().get())
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvalidRequestException.class).hasMessageContaining(message);
    }

    private static void setQuota(ClientQuotaEntity entity, String key, double value) throws Exception {
        BROKER.admin().alterClientQuotas(List.of(new ClientQuotaAlteration(entity,
                List.of(new ClientQuotaAlteration.Op(key, value))))).all().get();
    }

    private static ClientQuotaEntity entity(String type, String name) {
        return new ClientQuotaEntity(Collections.singletonMap(type, name));
    }

    private static ClientQuotaEntity entity(String type1, String name1, String type2, String name2) {
        Map<String, String> parts = new HashMap<>();
        parts.put(type1, name1);
        parts.put(type2, name2);
        return new ClientQuotaEntity(parts);
    }

    private static double metric(Map<MetricName, ? extends Metric> metrics, String name) {
        return metrics.entrySet().stream().filter(e -> e.getKey().name().equals(name))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .filter(v -> !Double.isNaN(v)).max().orElse(0);
    }
}

package io.spillway.it;

import io.spillway.server.ServerConfig;
import io.spillway.server.SpillwayServer;
import io.spillway.testkit.TempDirs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The HTTP listener of a real broker: /health, /ready, a bad path, and /metrics scraped after known traffic from the
 * real Kafka clients (100 records of 1000 bytes produced, consumed and committed by a group, then 10 more), with the
 * numbers checked: per-topic and total records and bytes, requests per API, fsyncs, connections, group lag.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MetricsTest {
    private static final String TOPIC = "t";
    private static final String GROUP = "g";
    private static final int VALUE_BYTES = 1000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private Path dataDir;
    private SpillwayServer server;
    private KafkaProducer<byte[], byte[]> producer;

    @BeforeEach
    void setUp() throws Exception {
        dataDir = TempDirs.create("spillway-metrics");
        server = SpillwayServer.start(ServerConfig.builder().dataDir(dataDir).host("127.0.0.1").port(0)
                .set("num.partitions", "1")
                .set("spillway.http.listener", "127.0.0.1:0")
                .build());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(p);
    }

    @AfterEach
    void tearDown() {
        try {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
            if (server != null) {
                server.close();
            }
        } finally {
            TempDirs.deleteQuietly(dataDir);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every sample of a scrape by its series ("name{labels}"). */
    private Map<String, Double> scrape() throws Exception {
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    private static double sample(Map<String, Double> samples, String series) {
        assertThat(samples).as("series " + series).containsKey(series);
        return samples.get(series);
    }

    private void produce(int records) throws Exception {
        byte[] value = new byte[VALUE_BYTES];
        for (int i = 0; i < records; i++) {
            producer.send(new ProducerRecord<>(TOPIC, value));
        }
        producer.flush();
    }

    private int consumeAllAndCommit(int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        int consumed = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumed < expected && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                consumed += records.count();
            }
            consumer.commitSync(Duration.ofSeconds(30));
        }
        return consumed;
    }

    @Test
    void healthReadyAndABadPath() throws Exception {
        assertThat(server.httpPort()).isPositive();
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");
        assertThat(get("/ready").statusCode()).isEqualTo(200);
        HttpResponse<String> bad = get("/no-such-page");
        assertThat(bad.statusCode()).isEqualTo(404);
        assertThat(bad.body()).contains("No such path: /no-such-page");
    }

    @Test
    void anHttpPortInUseFailsTheStartAndLeavesNothingBehind() throws Exception {
        Path otherDir = TempDirs.create("spillway-metrics-port-in-use");
        try {
            int taken = server.httpPort();
            ServerConfig clash = ServerConfig.builder().dataDir(otherDir).host("127.0.0.1").port(0)
                    .set("spillway.http.listener", "127.0.0.1:" + taken).build();
            assertThatThrownBy(() -> SpillwayServer.start(clash))
                    .hasMessageContaining("port " + taken + " is already in use")
                    .hasMessageContaining("spillway.http.listener");
            // the failed start closed what it had opened: the data directory can be used at once
            try (SpillwayServer again = SpillwayServer.start(ServerConfig.builder().dataDir(otherDir).host("127.0.0.1")
                    .port(0).set("spillway.http.enable", "false").build())) {
                assertThat(again.httpPort()).isEqualTo(-1);
            }
        } finally {
            TempDirs.deleteQuietly(otherDir);
        }
    }

    @Test
    void metricsAfterKnownTraffic() throws Exception {
        Map<String, Double> before = scrape();
        assertThat(before).doesNotContainKey("spillway_topic_produce_records_total{topic=\"t\"}");

        produce(100);
        assertThat(consumeAllAndCommit(100)).isEqualTo(100);
        Map<String, Double> after = scrape();

        double producedBytes = sample(after, "spillway_topic_produce_bytes_total{topic=\"t\"}");
        assertThat(sample(after, "spillway_topic_produce_records_total{topic=\"t\"}")).isEqualTo(100);
        assertThat(producedBytes).isBetween(100.0 * VALUE_BYTES, 100.0 * VALUE_BYTES + 5_000); // + batch/record headers
        assertThat(sample(after, "spillway_produce_records_total")).isEqualTo(100);
        assertThat(sample(after, "spillway_produce_bytes_total")).isEqualTo(producedBytes);
        assertThat(sample(after, "spillway_topic_fetch_bytes_total{topic=\"t\"}")).isGreaterThanOrEqualTo(producedBytes);
        assertThat(sample(after, "spillway_topic_fetch_records_total{topic=\"t\"}")).isGreaterThanOrEqualTo(100);
        assertThat(sample(after, "spillway_fetch_bytes_total")).isGreaterThanOrEqualTo(producedBytes);

        assertThat(sample(after, "spillway_requests_total{api=\"PRODUCE\"}"))
                .isGreaterThan(before.getOrDefault("spillway_requests_total{api=\"PRODUCE\"}", 0.0));
        assertThat(sample(after, "spillway_requests_total{api=\"FETCH\"}"))
                .isGreaterThan(before.getOrDefault("spillway_requests_total{api=\"FETCH\"}", 0.0));
        assertThat(sample(after, "spillway_request_duration_seconds_count{api=\"PRODUCE\"}"))
                .isEqualTo(sample(after, "spillway_requests_total{api=\"PRODUCE\"}"));
        assertThat(sample(after, "spillway_request_duration_seconds_bucket{api=\"PRODUCE\",le=\"+Inf\"}"))
                .isEqualTo(sample(after, "spillway_requests_total{api=\"PRODUCE\"}"));

        assertThat(sample(after, "spillway_wal_fsync_seconds_count")).isPositive();
        assertThat(sample(after, "spillway_wal_fsync_batch_bytes_sum")).isGreaterThanOrEqualTo(producedBytes);
        assertThat(sample(after, "spillway_wal_size_bytes")).isGreaterThanOrEqualTo(producedBytes);
        assertThat(sample(after, "spillway_wal_segments")).isGreaterThanOrEqualTo(1);
        assertThat(sample(after, "spillway_topics")).isGreaterThanOrEqualTo(2); // t and __consumer_offsets
        assertThat(sample(after, "spillway_partitions")).isGreaterThanOrEqualTo(2);
        assertThat(sample(after, "spillway_connections{listener=\"PLAINTEXT\"}")).isGreaterThanOrEqualTo(1); // the producer

        assertThat(sample(after, "spillway_consumer_group_lag_records{group=\"g\"}")).isZero();
        assertThat(sample(after, "spillway_consumer_groups")).isEqualTo(1);
        assertThat(after.keySet()).anyMatch(series -> series.startsWith("jvm_memory_used_bytes"))
                .anyMatch(series -> series.startsWith("jvm_threads_live_threads"))
                .anyMatch(series -> series.startsWith("process_uptime_seconds"));

        produce(10);
        Map<String, Double> later = scrape();
        assertThat(sample(later, "spillway_consumer_group_lag_records{group=\"g\"}")).isEqualTo(10);
        assertThat(sample(later, "spillway_topic_produce_records_total{topic=\"t\"}")).isEqualTo(110);
    }
}

package io.spillway.it;

import io.spillway.server.ServerConfig;
import io.spillway.server.SpillwayServer;
import io.spillway.testkit.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-process Spillway broker per test class, in a fresh temporary data directory, with helpers for
 * real kafka-clients producers, consumers and an admin client. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedBroker BROKER = EmbeddedBroker.create().set("num.partitions", "1");
 * }</pre>
 *
 * Every client made through it is closed, broker and data directory are removed after the class.
 */
final class EmbeddedBroker implements BeforeAllCallback, AfterAllCallback {

    private static final AtomicInteger TOPIC_SEQUENCE = new AtomicInteger();

    private final Map<String, String> settings = new LinkedHashMap<>();
    private final Deque<AutoCloseable> clients = new ArrayDeque<>();
    private Path dataDir;
    private SpillwayServer server;
    private Admin admin;

    private EmbeddedBroker() {
        settings.put("num.partitions", "1");
    }

    static EmbeddedBroker create() {
        return new EmbeddedBroker();
    }

    /** A broker setting (Kafka name), applied when the broker starts. */
    EmbeddedBroker set(String key, String value) {
        settings.put(key, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dataDir = TempDirs.create("spillway-it-" + context.getRequiredTestClass().getSimpleName());
        server = SpillwayServer.start(ServerConfig.builder()
                .dataDir(dataDir)
                .host("127.0.0.1")
                .port(0)
                .setAll(settings)
                .build());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        long t0 = System.nanoTime();
        closeClients();
        long t1 = System.nanoTime();
        if (server != null) {
            server.close();
            server = null;
        }
        long t2 = System.nanoTime();
        TempDirs.deleteQuietly(dataDir);
        if (t2 - t0 > TimeUnit.SECONDS.toNanos(3)) {
            System.out.printf("[EmbeddedBroker] slow teardown: clients closed in %d ms, broker in %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(t1 - t0), TimeUnit.NANOSECONDS.toMillis(t2 - t1));
        }
    }

    SpillwayServer server() {
        return server;
    }

    String bootstrap() {
        return server.bootstrap();
    }

    String host() {
        return "127.0.0.1";
    }

    int port() {
        return server.port();
    }

    Path dataDir() {
        return dataDir;
    }

    /** A topic name not used before in this JVM. */
    static String uniqueName(String prefix) {
        return prefix + "-" + TOPIC_SEQUENCE.incrementAndGet() + "-" + Long.toString(System.nanoTime() & 0xffffff, 36);
    }

    /** The shared admin client (closed after the class). */
    synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                    AdminClientConfig.CLIENT_ID_CONFIG, "spillway-it-admin",
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000"));
            clients.push(admin);
        }
        return admin;
    }

    /** A new admin client with extra settings, closed after the class (or earlier by the test). */
    synchronized Admin newAdmin(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
        config.putAll(overrides);
        Admin a = Admin.create(config);
        clients.push(a);
        return a;
    }

    /** Creates a topic with a unique name and returns the name. */
    String createTopic(String prefix, int partitions, Map<String, String> configs) throws Exception {
        String name = uniqueName(prefix);
        admin().createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                .all().get(60, TimeUnit.SECONDS);
        return name;
    }

    String createTopic(String prefix, int partitions) throws Exception {
        return createTopic(prefix, partitions, Map.of());
    }

    /** A byte[] producer with acks=all and the given overrides; closed after the class. */
    synchronized KafkaProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
        config.putAll(overrides);
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        clients.push(producer);
        return producer;
    }

    KafkaProducer<byte[], byte[]> producer() {
        return producer(Map.of());
    }

    /** A byte[] consumer without a group (use assign/seek), with the given overrides; closed after the class. */
    synchronized KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "200");
        config.putAll(overrides);
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        clients.push(consumer);
        return consumer;
    }

    KafkaConsumer<byte[], byte[]> consumer() {
        return consumer(Map.of());
    }

    /**
     * Polls until {@code count} records have arrived or {@code timeout} has passed; returns what arrived
     * (the caller asserts on the count, so a short read fails with a useful message).
     */
    static <K, V> List<ConsumerRecord<K, V>> pollUntil(KafkaConsumer<K, V> consumer, int count, Duration timeout) {
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < count && System.nanoTime() < deadline) {
            ConsumerRecords<K, V> records = consumer.poll(Duration.ofMillis(200));
            records.forEach(out::add);
        }
        return out;
    }

    /** Closes every client made through this extension, newest first. */
    synchronized void closeClients() {
        while (!clients.isEmpty()) {
            AutoCloseable c = clients.pop();
            try {
                if (c instanceof KafkaProducer<?, ?> p) {
                    p.close(Duration.ofSeconds(10));
                } else if (c instanceof KafkaConsumer<?, ?> k) {
                    k.close(CloseOptions.timeout(Duration.ofSeconds(2))); // no group: nothing to commit
                } else if (c instanceof Admin a) {
                    a.close(Duration.ofSeconds(10));
                } else {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("[EmbeddedBroker] closing " + c + " failed: " + e);
            }
        }
        admin = null;
    }
}

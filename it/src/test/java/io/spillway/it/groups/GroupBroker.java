package io.spillway.it.groups;

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
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The broker a consumer-group test class runs against: an in-process Spillway broker in a fresh data
 * directory (the default), or, with {@code -Dgroups.bootstrap=host:port}, an already running broker such
 * as Apache Kafka, so the same tests can be checked against the reference implementation. Register it on
 * a static field with {@code @RegisterExtension}.
 *
 * <p>The in-process broker gets the group settings these tests rely on; an external Kafka broker must be
 * configured the same way (see {@link #GROUP_SETTINGS}). Every client made through this class is closed
 * after the test class. Thread safe.
 */
final class GroupBroker implements BeforeAllCallback, AfterAllCallback {

    /** System property naming an external broker to run against instead of an in-process Spillway. */
    static final String EXTERNAL_BOOTSTRAP = "groups.bootstrap";

    /**
     * Broker settings (Kafka's names) that keep group tests fast: no initial rebalance delay, and session
     * timeouts of 6 s for both group protocols (KIP-848's defaults are 45 s, too slow to wait out).
     */
    static final Map<String, String> GROUP_SETTINGS = Map.of(
            "group.initial.rebalance.delay.ms", "0",
            "group.min.session.timeout.ms", "6000",
            "group.consumer.session.timeout.ms", "6000",
            "group.consumer.min.session.timeout.ms", "6000",
            "group.consumer.heartbeat.interval.ms", "500",
            "group.consumer.min.heartbeat.interval.ms", "500");

    /** Client session timeout for classic-protocol consumers (the broker's minimum). */
    static final int SESSION_TIMEOUT_MS = 6000;

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Map<String, String> settings = new LinkedHashMap<>(GROUP_SETTINGS);
    private final Deque<AutoCloseable> clients = new ArrayDeque<>();
    private Path dataDir;
    private SpillwayServer server;
    private String bootstrap;
    private Admin admin;
    private KafkaProducer<String, String> sharedProducer;

    private GroupBroker() {
        settings.put("num.partitions", "1");
    }

    static GroupBroker create() {
        return new GroupBroker();
    }

    /** True when the tests run against an external broker ({@value #EXTERNAL_BOOTSTRAP}). */
    static boolean external() {
        String b = System.getProperty(EXTERNAL_BOOTSTRAP);
        return b != null && !b.isBlank();
    }

    /** A broker setting (Kafka name) for the in-process broker. */
    GroupBroker set(String key, String value) {
        settings.put(key, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (external()) {
            bootstrap = System.getProperty(EXTERNAL_BOOTSTRAP).trim();
            return;
        }
        dataDir = TempDirs.create("spillway-groups-" + context.getRequiredTestClass().getSimpleName());
        server = SpillwayServer.start(ServerConfig.builder()
                .dataDir(dataDir)
                .host("127.0.0.1")
                .port(0)
                .setAll(settings)
                .build());
        bootstrap = server.bootstrap();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        closeClients();
        if (server != null) {
            server.close();
            server = null;
        }
        TempDirs.deleteQuietly(dataDir);
    }

    String bootstrap() {
        return bootstrap;
    }

    String host() {
        return bootstrap.substring(0, bootstrap.lastIndexOf(':'));
    }

    int port() {
        return Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    }

    /** A name (topic, group, client id) not used before, also across runs against an external broker. */
    static String uniqueName(String prefix) {
        return prefix + "-" + SEQUENCE.incrementAndGet() + "-" + Long.toString(System.nanoTime() & 0xffffffL, 36);
    }

    /** The shared admin client (closed after the class). */
    synchronized Admin admin() {
        if (admin == null) {
            admin = newAdmin(Map.of());
        }
        return admin;
    }

    /** A new admin client, closed after the class (or earlier by the test). */
    synchronized Admin newAdmin(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, uniqueName("groups-admin"));
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        config.putAll(overrides);
        Admin a = Admin.create(config);
        clients.push(a);
        return a;
    }

    /** Creates a topic with a unique name and returns the name. */
    String createTopic(String prefix, int partitions) throws Exception {
        String name = uniqueName(prefix);
        admin().createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);
        return name;
    }

    /** A String producer with acks=all and the given overrides; closed after the class. */
    synchronized KafkaProducer<String, String> producer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        config.putAll(overrides);
        KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        clients.push(producer);
        return producer;
    }

    /** The shared producer (acks=all), closed after the class. */
    synchronized KafkaProducer<String, String> producer() {
        if (sharedProducer == null) {
            sharedProducer = producer(Map.of());
        }
        return sharedProducer;
    }

    /**
     * Consumer settings for a member of {@code groupId} using {@code protocol}: auto-commit off, reading
     * from the earliest offset, fast heartbeats; the classic protocol gets a 6 s session timeout (the
     * consumer protocol takes session timeout and heartbeat interval from the broker).
     */
    Map<String, Object> consumerConfig(String groupId, GroupProtocolCase protocol) {
        return consumerConfig(bootstrap, groupId, protocol);
    }

    /** {@link #consumerConfig(String, GroupProtocolCase)} for any broker. */
    static Map<String, Object> consumerConfig(String bootstrap, String groupId, GroupProtocolCase protocol) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, uniqueName(groupId + "-member"));
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        config.put(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG, "50");
        config.put(ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "500");
        config.putAll(protocol.settings());
        return config;
    }

    /** A String consumer in {@code groupId} ({@link #consumerConfig}) with the given overrides; closed after the class. */
    synchronized KafkaConsumer<String, String> consumer(String groupId, GroupProtocolCase protocol,
                                                       Map<String, Object> overrides) {
        Map<String, Object> config = consumerConfig(groupId, protocol);
        config.putAll(overrides);
        KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        clients.push(consumer);
        return consumer;
    }

    /** A consumer without a group (assign/seek only), closed after the class. */
    synchronized KafkaConsumer<String, String> plainConsumer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        clients.push(consumer);
        return consumer;
    }

    /** Closes every client made through this extension, newest first; close failures are only printed. */
    synchronized void closeClients() {
        List<AutoCloseable> toClose = new ArrayList<>(clients);
        clients.clear();
        for (AutoCloseable c : toClose) {
            closeQuietly(c);
        }
        admin = null;
        sharedProducer = null;
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            if (c instanceof KafkaProducer<?, ?> p) {
                p.close(Duration.ofSeconds(5));
            } else if (c instanceof KafkaConsumer<?, ?> k) {
                k.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } else if (c instanceof Admin a) {
                a.close(Duration.ofSeconds(5));
            } else {
                c.close();
            }
        } catch (Exception e) {
            System.err.println("[GroupBroker] closing " + c + " failed: " + e);
        }
    }
}

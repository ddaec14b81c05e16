package io.spillway.it.exactlyonce;

import io.spillway.server.ServerConfig;
import io.spillway.server.SpillwayServer;
import io.spillway.testkit.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The broker the exactly-once test runs against: an in-process Spillway broker in a fresh data directory
 * (the default), or, with {@code -D}{@value #EXTERNAL_BOOTSTRAP}{@code =host:port}, an already running
 * broker such as Apache Kafka, the reference implementation. Register it on a static field with
 * {@code @RegisterExtension}; the admin client and the in-process broker are closed after the class.
 *
 * <p>An external single-node Apache Kafka needs the settings of Kafka's own one-node
 * {@code config/server.properties} for its internal topics, {@code offsets.topic.replication.factor=1},
 * {@code transaction.state.log.replication.factor=1} and {@code transaction.state.log.min.isr=1}, and
 * should have {@link #BROKER_SETTINGS} (the in-process broker gets them too) to keep the test within its
 * time budget.
 */
final class StreamsBroker implements BeforeAllCallback, AfterAllCallback {

    /** System property naming an external broker to run against instead of an in-process Spillway. */
    static final String EXTERNAL_BOOTSTRAP = "streams.bootstrap";

    /**
     * Broker settings (Kafka's names) that keep the test within its time budget: no delay before the first
     * rebalance of a group; session timeouts of 6 s allowed, for the classic and the streams (KIP-1071)
     * group protocol (a killed app's member is only dropped when its session expires); and a check for
     * timed-out transactions every second rather than every 10 s (a run restarted on a fresh state dir
     * has a new transactional id, so the killed run's open transaction is only aborted when it times out,
     * and until then it holds back the last stable offset).
     */
    static final Map<String, String> BROKER_SETTINGS = Map.of(
            "group.initial.rebalance.delay.ms", "0",
            "group.min.session.timeout.ms", "6000",
            "group.streams.session.timeout.ms", "6000",
            "group.streams.min.session.timeout.ms", "6000",
            "group.streams.heartbeat.interval.ms", "1000",
            "group.streams.min.heartbeat.interval.ms", "1000",
            "transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");

    private Path dataDir;
    private SpillwayServer server;
    private String bootstrap;
    private Admin admin;

    private StreamsBroker() {
    }

    static StreamsBroker create() {
        return new StreamsBroker();
    }

    /** True when the test runs against an external broker ({@value #EXTERNAL_BOOTSTRAP}). */
    static boolean external() {
        String b = System.getProperty(EXTERNAL_BOOTSTRAP);
        return b != null && !b.isBlank();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (external()) {
            bootstrap = System.getProperty(EXTERNAL_BOOTSTRAP).trim();
        } else {
            dataDir = TempDirs.create("spillway-exactlyonce-" + context.getRequiredTestClass().getSimpleName());
            server = SpillwayServer.start(ServerConfig.builder()
                    .dataDir(dataDir)
                    .host("127.0.0.1")
                    .port(0)
                    .setAll(BROKER_SETTINGS)
                    .build());
            bootstrap = server.bootstrap();
        }
        admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000"));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
        TempDirs.deleteQuietly(dataDir);
    }

    String bootstrap() {
        return bootstrap;
    }

    /** What the test ran against, for its report. */
    String describe() {
        return external() ? "external broker " + bootstrap : "in-process Spillway " + bootstrap;
    }

    Admin admin() {
        return admin;
    }

    void createTopic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
}

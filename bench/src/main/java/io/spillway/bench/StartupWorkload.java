package io.spillway.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Workload "startup": what an operator waits for. Per round, after dropping the page cache: the time from launching
 * a broker on a fresh data directory until a client is served (the harness's ready check, then an Admin
 * describeCluster answered; for Kafka this includes formatting its storage, which a fresh KRaft node needs), the
 * broker's memory (RSS) once serving, idle; then, with {@value #TOPICS} topics created, the time from kill -9 until it
 * serves again on the same data and port (the start-up settings check, recovery and listener included).
 */
final class StartupWorkload {
    static final int TOPICS = 100;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

    private final WorkloadHarness harness;
    private final ComparisonTable table;
    /** A smoke run measures the fresh start only: the many-topics workload already restarts after kill -9. */
    private final boolean smoke;

    StartupWorkload(WorkloadHarness harness, ComparisonTable table, boolean smoke) {
        this.harness = harness;
        this.table = table;
        this.smoke = smoke;
    }

    static final ComparisonTable.Metric FRESH = new ComparisonTable.Metric("start-up",
            "fresh data directory to serving", "s", false, 2);
    static final ComparisonTable.Metric IDLE_RSS = new ComparisonTable.Metric("start-up",
            "broker RSS, serving and idle", "MiB", false, 0);
    static final ComparisonTable.Metric RESTART = new ComparisonTable.Metric("start-up",
            "kill -9 to serving again, " + TOPICS + " topics", "s", false, 2);

    /** The method, for the report's list of workloads. */
    static String method() {
        return "per round, after dropping the page cache: launch to the first describeCluster answered on a fresh data "
                + "directory (the harness's ready line and port check, then Admin; Kafka's time includes "
                + "kafka-storage format), the broker's VmRSS one second later, idle; then " + TOPICS + " topics created "
                + "(1 partition each), kill -9, and the time from launching it again on the same data and port to the "
                + "next describeCluster answered (not in --smoke runs)";
    }

    void round(Contender c) {
        PageCache.dropAll();
        long launched = System.nanoTime();
        try (Target t = harness.start(c)) {
            try (Admin admin = admin(t)) {
                admin.describeCluster().nodes().get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                double fresh = (System.nanoTime() - launched) / 1e9;
                table.add(FRESH, c, fresh);
                Thread.sleep(1000);
                long rss = t.pid().isPresent() ? ProcStats.rssBytes(t.pid().getAsLong()) : -1;
                if (rss > 0) {
                    table.add(IDLE_RSS, c, rss / 1048576.0);
                }
                admin.createTopics(java.util.stream.IntStream.range(0, TOPICS)
                        .mapToObj(i -> new NewTopic("startup-" + i, 1, (short) 1)).toList())
                        .all().get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                harness.out().printf(java.util.Locale.ROOT, "  fresh start %.2f s, idle RSS %d MiB%n", fresh,
                        rss >> 20);
            }
            if (!smoke && t instanceof CrashRestartable crashable) {
                crashable.kill9();
                long relaunched = System.nanoTime();
                crashable.restart();
                try (Admin admin = admin(t)) {
                    admin.describeCluster().nodes().get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
                double restart = (System.nanoTime() - relaunched) / 1e9;
                table.add(RESTART, c, restart);
                harness.out().printf(java.util.Locale.ROOT, "  kill -9 to serving again %.2f s%n", restart);
            }
        } catch (Exception e) {
            harness.failed("start-up", c, e);
        }
    }

    private static Admin admin(Target t) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, t.bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000"));
    }
}

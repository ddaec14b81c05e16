package io.spillway.it.groups;

import io.spillway.testkit.SpillwayProcess;
import io.spillway.testkit.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A broker a test can stop cleanly, kill with SIGKILL and start again on the same data and port: a
 * Spillway child process ({@link SpillwayProcess}) by default, or, with {@code -Dgroups.bootstrap}, an
 * external broker driven by shell commands given as {@code -Dgroups.external.stop=...},
 * {@code -Dgroups.external.kill=...} and {@code -Dgroups.external.start=...} (each must return once done;
 * the test then waits for the listener). Not thread safe.
 */
final class RestartableBroker implements AutoCloseable {

    private final String name;
    private SpillwayProcess.Builder builder;
    private SpillwayProcess process;
    private Path dataDir;
    private String bootstrap;

    private RestartableBroker(String name) {
        this.name = name;
    }

    /** True if this test can restart the broker it runs against. */
    static boolean supported() {
        return !GroupBroker.external() || System.getProperty("groups.external.start") != null;
    }

    static RestartableBroker start(String name) {
        RestartableBroker b = new RestartableBroker(name);
        if (GroupBroker.external()) {
            b.bootstrap = System.getProperty(GroupBroker.EXTERNAL_BOOTSTRAP).trim();
            return b;
        }
        b.dataDir = TempDirs.create("spillway-groups-" + name);
        b.builder = SpillwayProcess.builder().name(name).dataDir(b.dataDir).set("num.partitions", "1");
        GroupBroker.GROUP_SETTINGS.forEach(b.builder::set);
        b.process = b.builder.start();
        b.builder.port(b.process.port()); // restarts reuse the port
        b.bootstrap = b.process.bootstrap();
        return b;
    }

    String bootstrap() {
        return bootstrap;
    }

    /** Clean stop (SIGTERM). */
    void stop() throws Exception {
        if (process != null) {
            process.stop(Duration.ofSeconds(30));
        } else {
            run("groups.external.stop");
        }
    }

    /** SIGKILL: no shutdown hook, nothing flushed that was not already. */
    void kill9() throws Exception {
        if (process != null) {
            assertExit(process.kill9());
        } else {
            run("groups.external.kill");
        }
    }

    private static void assertExit(int code) {
        if (code != 137) {
            throw new AssertionError("exit code after SIGKILL: " + code);
        }
    }

    /** Starts again on the same data directory and port, and waits until it answers admin requests. */
    void restart() throws Exception {
        if (builder != null) {
            process = builder.start();
        } else {
            run("groups.external.start");
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000"))) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        }
    }

    /** Log tail of the Spillway child, for failure messages. */
    String tail() {
        return process == null ? "(external broker)" : process.logFile() + ":\n" + process.tail(30);
    }

    private static void run(String property) throws Exception {
        String command = System.getProperty(property);
        if (command == null) {
            throw new IllegalStateException("-D" + property + " is needed to restart an external broker");
        }
        Process p = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(property + " command failed: " + command);
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
        TempDirs.deleteQuietly(dataDir);
    }
}

package io.spillway.bench.txncheck;

import io.spillway.bench.BenchMain;
import io.spillway.testkit.Ports;
import io.spillway.testkit.SpillwayProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Spillway as the system under test: a child broker ({@link SpillwayProcess}) on a fresh data directory
 * and a fixed port, with its default durability (fsync before acknowledging). A restart starts the same builder
 * again, so the new process uses the same data directory and port; each start writes its own log file.
 *
 * <p>Not thread safe (see {@link CrashableBroker}).
 */
final class CrashableSpillway implements CrashableBroker {

    private final SpillwayProcess.Builder builder;
    private final Path dataDir;
    private final int port;
    private SpillwayProcess process;
    private int restarts;

    private CrashableSpillway(SpillwayProcess.Builder builder, Path dataDir, int port, SpillwayProcess process) {
        this.builder = builder;
        this.dataDir = dataDir;
        this.port = port;
        this.process = process;
    }

    /** Starts a fresh broker with its data and logs in {@code runDir}. */
    static CrashableSpillway start(Path repoRoot, Path runDir, Map<String, String> settings) {
        Path dataDir = runDir.resolve("spillway-data");
        int port = Ports.freePort();
        SpillwayProcess.Builder b = SpillwayProcess.builder().repoRoot(repoRoot).dataDir(dataDir).port(port)
                .name("txncheck-spillway").logDir(runDir).startupTimeout(Duration.ofSeconds(90));
        settings.forEach(b::set);
        return new CrashableSpillway(b, dataDir, port, b.start());
    }

    @Override
    public String title() {
        return "Spillway";
    }

    @Override
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void kill9() {
        process.kill9();
    }

    @Override
    public void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("Spillway pid " + process.pid() + " is still running");
        }
        process = builder.start();
        restarts++;
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public Path logFile() {
        return process.logFile();
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Broker", "Spillway, child JVM started by the harness (SpillwayProcess), default durability (fsync before ack)");
        m.put("Command", "`" + BenchMain.abbreviateClasspath(process.command(), "<classpath>") + "`");
        m.put("Data dir", dataDir.toString());
        m.put("Restarts", restarts + " (same data directory and port; one log file per start, the last: " + process.logFile() + ")");
        return m;
    }

    @Override
    public void close() {
        process.close();
    }
}

package io.spillway.it.exactlyonce;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of the {@link SensorTotalsApp} Kafka Streams app in a child JVM (the test classpath), from
 * start to {@link #kill() SIGKILL} or {@link #stop(Duration) clean stop}. A reader thread follows the
 * child's reports (state, progress, errors) and copies all its output to a log file, so a failure can
 * show what the app last did. {@link #close()} always leaves no process behind. Thread safe.
 */
final class StreamsAppProcess implements AutoCloseable {

    /** Logging of the child: Kafka's WARN and above (see the resource). */
    private static final String LOGBACK_CONFIG = "exactlyonce-app-logback.xml";
    private static final int RECENT_LINES = 40;
    /**
     * Where the child's RocksDB puts its native library (15 MB). By default every JVM extracts it to a new
     * file in the temp dir that only a normal exit deletes, so each SIGKILL would leave one behind; in one
     * fixed directory every run overwrites the same file.
     */
    private static final Path ROCKSDB_LIBRARY_DIR = Paths.get("target", "exactlyonce-rocksdb-lib").toAbsolutePath();

    private final String name;
    private final Path logFile;
    private final Process process;
    private final Thread reader;
    private final Deque<String> recentOutput = new ArrayDeque<>();
    /** Notified on every report and when the child's output ends, for {@link #awaitProcessed}. */
    private final Object reports = new Object();
    private volatile String state = "(none reported)";
    private volatile long processed;
    private volatile String error;
    private volatile boolean stopped;

    private StreamsAppProcess(String name, Path logFile, Process process) {
        this.name = name;
        this.logFile = logFile;
        this.process = process;
        this.reader = new Thread(this::follow, "streams-app-" + name);
        this.reader.setDaemon(true);
    }

    /** Starts the app reading {@code inputTopic} and writing {@code outputTopic} with these Streams configs. */
    static StreamsAppProcess start(String name, String inputTopic, String outputTopic,
                                   Map<String, String> streamsConfig, Path logFile) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=" + LOGBACK_CONFIG,
                "-cp", System.getProperty("java.class.path"),
                SensorTotalsApp.class.getName(), inputTopic, outputTopic));
        streamsConfig.forEach((k, v) -> cmd.add(k + "=" + v));
        Files.createDirectories(logFile.getParent());
        Files.createDirectories(ROCKSDB_LIBRARY_DIR);
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        builder.environment().put("ROCKSDB_SHAREDLIB_DIR", ROCKSDB_LIBRARY_DIR.toString());
        Process process = builder.start();
        StreamsAppProcess app = new StreamsAppProcess(name, logFile, process);
        app.reader.start();
        return app;
    }

    private void follow() {
        try (BufferedReader in =
                     new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             BufferedWriter log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                log.write(line);
                log.newLine();
                log.flush();
                if (line.startsWith(SensorTotalsApp.PREFIX)) {
                    handleReport(line.substring(SensorTotalsApp.PREFIX.length()));
                } else {
                    synchronized (recentOutput) {
                        recentOutput.addLast(line);
                        if (recentOutput.size() > RECENT_LINES) {
                            recentOutput.removeFirst();
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the child is gone
        } finally {
            synchronized (reports) {
                reports.notifyAll();
            }
        }
    }

    private void handleReport(String report) {
        String[] f = report.split(" ", 2);
        switch (f[0]) {
            case "STATE" -> state = f[1];
            case "PROCESSED" -> processed = Long.parseLong(f[1]);
            case "ERROR" -> error = f[1];
            case "STOPPED" -> stopped = true;
            default -> {
                // a report this parent does not know needs no action
            }
        }
        synchronized (reports) {
            reports.notifyAll();
        }
    }

    /** Aggregates computed by this run so far (committed or not). */
    long processed() {
        return processed;
    }

    /**
     * Waits until this run has computed at least {@code aggregates} aggregates; fails if it dies first or
     * the timeout passes. Returns as soon as the report arrives, so that a kill right after lands close to
     * the intended point.
     */
    void awaitProcessed(long aggregates, Duration timeout) throws InterruptedException {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        synchronized (reports) {
            while (processed < aggregates) {
                if (error != null || !process.isAlive()) {
                    throw new AssertionError(name + " failed before computing " + aggregates + " aggregates: "
                            + describe());
                }
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
                if (leftMs <= 0) {
                    throw new AssertionError("Timed out after " + timeout + " waiting for " + name + " to compute "
                            + aggregates + " aggregates: " + describe());
                }
                reports.wait(Math.min(leftMs, 100)); // also re-checks that the process lives
            }
        }
    }

    /** Fails when the app reported a dead stream thread or exited on its own. */
    void assertHealthy() {
        if (error != null || !process.isAlive()) {
            throw new AssertionError(name + " is not running: " + describe());
        }
    }

    /** SIGKILL: no commit, no transaction abort, no LeaveGroup; returns once the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " survived SIGKILL for 30 s");
        }
        reader.join(5000);
    }

    /** Asks the app to close cleanly (commit, close its clients) and waits for it to exit. */
    void stop(Duration timeout) throws IOException, InterruptedException {
        OutputStream stdin = process.getOutputStream();
        stdin.write("STOP\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not stop within " + timeout + " of STOP: " + describe());
        }
        reader.join(5000);
        if (!stopped) {
            throw new AssertionError(name + " exited without a clean close: " + describe());
        }
    }

    /** Name, process, last reported state and progress, error, and the child's last log lines. */
    String describe() {
        StringBuilder sb = new StringBuilder(name).append(" (pid ").append(process.pid())
                .append(process.isAlive() ? ", running" : ", exited " + process.exitValue())
                .append("): state ").append(state).append(", ").append(processed).append(" aggregates");
        if (error != null) {
            sb.append(", stream thread died: ").append(error);
        }
        sb.append("; log ").append(logFile.toAbsolutePath()).append(", last lines:");
        synchronized (recentOutput) {
            recentOutput.forEach(l -> sb.append("\n  ").append(l));
        }
        return sb.toString();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        reader.join(5000);
    }
}

package io.spillway.it.exactlyonce;

import io.spillway.it.groups.Await;
import io.spillway.testkit.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The successive runs of the Streams app under one application id, each a new child JVM
 * ({@link StreamsAppProcess}) with the same configs, on the state dir of the run before or on a fresh one
 * as each {@link KillPlan.Kill} says. Run {@code n} logs to {@code <logDir>/run-<n>.log}; the state dirs
 * are temporary and deleted by {@link #close()}. Used by the test thread only.
 */
final class AppRuns implements AutoCloseable {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final String inputTopic;
    private final String outputTopic;
    private final Map<String, String> streamsConfig;
    private final Path logDir;
    private final Path stateRoot = TempDirs.create("spillway-exactlyonce-state");
    private int run;
    private Path stateDir;

    /** {@code streamsConfig}: every Streams config but {@code state.dir}, which this class chooses. */
    AppRuns(String inputTopic, String outputTopic, Map<String, String> streamsConfig, Path logDir) {
        this.inputTopic = inputTopic;
        this.outputTopic = outputTopic;
        this.streamsConfig = Map.copyOf(streamsConfig);
        this.logDir = logDir;
        this.stateDir = stateRoot.resolve("state-1");
    }

    /**
     * Starts the next run, waits until it has computed {@code kill.afterAggregates()} aggregates, kills it
     * with SIGKILL, and picks the state dir of the next run.
     */
    void runAndKill(KillPlan.Kill kill, Duration timeout) throws Exception {
        long startNs = System.nanoTime();
        try (StreamsAppProcess app = startNext()) {
            app.awaitProcessed(kill.afterAggregates(), timeout);
            app.kill();
            System.out.printf("[StreamsExactlyOnceTest] killed run %d after %d aggregates, %d ms after its start%n",
                    run, app.processed(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
        }
        if (kill.freshStateDir()) {
            stateDir = stateRoot.resolve("state-" + (run + 1));
        }
    }

    /**
     * Starts the next run, waits until {@code done} (checked every 50 ms while the app is healthy; its
     * exceptions count as "not yet"), then stops the app cleanly. {@code progress} describes a timeout.
     */
    void runUntil(String what, Duration timeout, Callable<Boolean> done, Callable<String> progress) throws Exception {
        try (StreamsAppProcess app = startNext()) {
            Await.until(what, timeout, () -> {
                app.assertHealthy();
                return done.call();
            }, () -> progress.call() + "; " + app.describe());
            app.stop(STOP_TIMEOUT);
        }
    }

    private StreamsAppProcess startNext() throws Exception {
        run++;
        Map<String, String> config = new LinkedHashMap<>(streamsConfig);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return StreamsAppProcess.start("app run " + run, inputTopic, outputTopic, config,
                logDir.resolve("run-" + run + ".log"));
    }

    @Override
    public void close() {
        TempDirs.deleteQuietly(stateRoot);
    }
}

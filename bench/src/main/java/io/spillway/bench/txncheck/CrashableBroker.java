package io.spillway.bench.txncheck;

import java.nio.file.Path;
import java.util.Map;

/**
 * A single broker under test that the checker can kill with SIGKILL and start again on the same data directory and
 * port, so that clients keep their bootstrap address across the crash.
 *
 * <p>Not thread safe: the run's control thread starts, kills, restarts and closes it; {@link #bootstrap()} is fixed
 * for the broker's life and may be read from any thread.
 */
public interface CrashableBroker extends AutoCloseable {

    /** What is under test, for the report, e.g. "Apache Kafka 4.4.0". */
    String title();

    /** {@code host:port}; the same after every restart. */
    String bootstrap();

    /** SIGKILL, then wait until the process is gone. */
    void kill9();

    /** Start again on the same data directory and port; returns once the broker serves clients. */
    void restart();

    /** The broker's data directory; kept after {@link #close()} for a post-mortem (the run deletes it if it passed). */
    Path dataDir();

    /** The broker's log (all starts appended or one file per start: see {@link #describe()}). */
    Path logFile();

    /** Label → value lines for the report (version, settings, data directory, logs). */
    Map<String, String> describe();

    /** Stops the broker (gracefully if it can); keeps its data directory. Never throws. */
    @Override
    void close();
}

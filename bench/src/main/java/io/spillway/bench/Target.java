package io.spillway.bench;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A broker under test: something that answers the Kafka protocol at {@link #bootstrap()}, either started
 * by the harness (and stopped by {@link #close()}) or already running elsewhere.
 *
 * <p>The side-by-side comparison with Apache Kafka adds one more implementation (a launcher for a Kafka
 * broker in KRaft mode on its own fresh data directory); workloads and reports only see this interface.
 */
public interface Target extends AutoCloseable {

    /** Short label for tables and report sections, e.g. "spillway" or "kafka". */
    String name();

    /** {@code host:port} for {@code bootstrap.servers}. */
    String bootstrap();

    /** What is under test, as label → value lines for the report (version, durability settings, data dir, heap). */
    Map<String, String> describe();

    /** The command line that started the broker, when the harness started it. */
    Optional<List<String>> launchCommand();

    /** Process id of the broker, when the harness started it (for jcmd/JFR). */
    OptionalLong pid();

    /** Stops the broker if the harness started it (gracefully, so that e.g. a JFR recording is written) and cleans up. */
    @Override
    void close();
}

package io.spillway.server.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Options every client subcommand shares: where the broker is, how to authenticate, how long to wait and how to
 * print. A picocli mixin, so each subcommand shows them in its own help and accepts them after its name.
 */
public final class ClientOptions {

    /** Bootstrap address used when neither the flag nor SPILLWAY_BOOTSTRAP says otherwise. */
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    /** How long a command waits for the broker when --timeout-ms is not given. */
    public static final int DEFAULT_TIMEOUT_MS = 15_000;

    /** How results are printed. */
    public enum Format { table, json }

    @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT",
            description = "Broker to talk to (env SPILLWAY_BOOTSTRAP; default " + DEFAULT_BOOTSTRAP + ").")
    String bootstrap;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*, ...) for the connection.")
    Path commandConfig;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
            description = "table (for people, default) or json (one JSON document, for scripts).")
    Format output = Format.table;

    @Option(names = "--timeout-ms", paramLabel = "MS",
            description = "How long to wait for the broker before giving up with exit code 3 (default "
                    + DEFAULT_TIMEOUT_MS + "); consume also stops after this long without a new record.")
    Integer timeoutMs;

    @Option(names = {"-v", "--verbose"}, description = "Print client warnings and stack traces of errors on stderr.")
    boolean verbose;

    /** The bootstrap address: the flag, else SPILLWAY_BOOTSTRAP, else the default. */
    public String bootstrap() {
        if (bootstrap != null && !bootstrap.isBlank()) {
            return bootstrap.trim();
        }
        String env = System.getenv("SPILLWAY_BOOTSTRAP");
        return env != null && !env.isBlank() ? env.trim() : DEFAULT_BOOTSTRAP;
    }

    public int timeoutMs() {
        return timeoutMs != null ? timeoutMs : DEFAULT_TIMEOUT_MS;
    }

    public boolean json() {
        return output == Format.json;
    }

    public boolean verbose() {
        return verbose;
    }
}

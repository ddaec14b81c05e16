package io.spillway.server;

import io.spillway.meta.config.StaticSettingsCheck;
import io.spillway.server.cli.Cli;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code spillway} command line: {@code serve} runs the broker; the client commands of
 * {@link io.spillway.server.cli.Cli} (topic, stream, group, produce, consume, status, config) talk to one.
 */
@Command(name = "spillway", mixinStandardHelpOptions = true, version = "Spillway " + SpillwayServer.VERSION,
        description = "Kafka-compatible event streaming platform.",
        subcommands = {Main.Serve.class})
public final class Main implements Runnable {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The whole command line: serve, the client commands, then help. */
    static CommandLine commandLine() {
        CommandLine root = Cli.install(new CommandLine(new Main()));
        root.addSubcommand(new CommandLine.HelpCommand());
        // Spillway's own settings come from the catalog, so --help and docs/configuration.md list the same ones.
        List<String> footer = new ArrayList<>(List.of("", "Spillway's own settings (--set name=value or a properties "
                + "file line; Kafka's broker settings use their Kafka names, see " + ConfigReference.PAGE + "):"));
        ConfigReference.ownSettings().forEach(line -> footer.add("  " + line));
        root.getSubcommands().get("serve").getCommandSpec().usageMessage().width(120).footer(footer.toArray(String[]::new));
        // serve: a failed start is one line for the operator and exit code 1 (StartupFailure), the stack trace only
        // at DEBUG; the client commands keep their own handler
        IExecutionExceptionHandler clientErrors = root.getExecutionExceptionHandler();
        root.setExecutionExceptionHandler((ex, command, parseResult) ->
                command.getCommandSpec().userObject() instanceof Serve serve
                        ? StartupFailure.report(ex, serve.resolved != null ? serve.resolved.dataDir() : null)
                        : clientErrors.handleExecutionException(ex, command, parseResult));
        return root;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Runs a single-node broker serving the Kafka protocol.",
                    "Settings come from flags, then SPILLWAY_* environment variables, then the properties file, "
                            + "then defaults."})
    static final class Serve implements Callable<Integer> {
        /** What SPILLWAY_LOG_LEVEL may say (any case). */
        static final List<String> LOG_LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

        /** Every SPILLWAY_* variable the launcher scripts, the server or the tools read. */
        static final List<String> KNOWN_VARIABLES = List.of("SPILLWAY_BENCH_HEAP", "SPILLWAY_BOOTSTRAP", "SPILLWAY_CONFIG",
                "SPILLWAY_DATA_DIR", "SPILLWAY_HEAP", "SPILLWAY_HOME", "SPILLWAY_HOST", "SPILLWAY_JAVA",
                "SPILLWAY_LOG_LEVEL", "SPILLWAY_NO_BUILD", "SPILLWAY_PORT");

        @Option(names = "--data-dir", description = "Data directory (env SPILLWAY_DATA_DIR; default ./data).")
        Path dataDir;

        @Option(names = "--host", description = "Listener address (env SPILLWAY_HOST; default 127.0.0.1).")
        String host;

        @Option(names = "--port", description = "Listener port, 0 picks a free one (env SPILLWAY_PORT; default 9092).")
        Integer port;

        @Option(names = "--config", description = "Properties file with broker settings (env SPILLWAY_CONFIG).")
        Path configFile;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "A broker setting by its Kafka name (e.g. num.partitions=3) or spillway.* name; repeatable.")
        Map<String, String> settings = new LinkedHashMap<>();

        /** What {@link #resolve} built last, so that a failed start can name the data directory. */
        ServerConfig resolved;

        @Override
        public Integer call() throws Exception {
            checkVariables(System.getenv());
            ServerConfig config = resolve(System.getenv());
            ignored.forEach(line -> LoggerFactory.getLogger(Main.class).warn("Ignored {}", line));
            SpillwayServer server = SpillwayServer.start(config);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "spillway-shutdown"));
            stopped.await();
            return 0;
        }

        ServerConfig resolve(Map<String, String> env) throws IOException {
            Properties file = new Properties();
            Path propertiesPath = configFile != null ? configFile
                    : env.get("SPILLWAY_CONFIG") != null ? Paths.get(env.get("SPILLWAY_CONFIG")) : null;
            if (propertiesPath != null) {
                try {
                    // UTF-8 (Properties.load of a stream would read ISO-8859-1), without the BOM some editors write
                    String text = Files.readString(propertiesPath, StandardCharsets.UTF_8);
                    file.load(new StringReader(text.startsWith("\uFEFF") ? text.substring(1) : text));
                } catch (IOException e) {
                    String source = configFile != null ? "--config" : "SPILLWAY_CONFIG";
                    String why = e instanceof NoSuchFileException ? "does not exist"
                            : e instanceof AccessDeniedException ? "cannot be read: permission denied"
                            : e instanceof CharacterCodingException ? "is not UTF-8 text"
                            : "cannot be read: " + e.getMessage();
                    throw new IllegalArgumentException("Properties file " + propertiesPath.toAbsolutePath() + " ("
                            + source + ") " + why + "; give the path of a readable file or leave out " + source, e);
                }
            }
            ServerConfig.Builder builder = ServerConfig.builder();
            file.stringPropertyNames().forEach(k -> builder.set(k, file.getProperty(k).trim()));
            builder.setAll(settings);
            // Kafka's log.dirs (or log.dir) names the data directory too, so a server.properties from Kafka keeps its data path.
            builder.dataDir(dataDir != null ? dataDir : Paths.get(first(env.get("SPILLWAY_DATA_DIR"),
                    setting("data.dir", file), setting("log.dirs", file), setting("log.dir", file),
                    ServerConfig.DEFAULT_DATA_DIR.toString())));
            builder.host(host != null ? host : first(env.get("SPILLWAY_HOST"), file.getProperty("listener.host"),
                    ServerConfig.DEFAULT_HOST));
            builder.port(port != null ? port(String.valueOf(port), "--port")
                    : env.get("SPILLWAY_PORT") != null && !env.get("SPILLWAY_PORT").isBlank()
                    ? port(env.get("SPILLWAY_PORT"), "SPILLWAY_PORT")
                    : port(first(file.getProperty("listener.port"), String.valueOf(ServerConfig.DEFAULT_PORT)),
                    "listener.port"));
            resolved = builder.build();
            noteIgnored(env, file, resolved);
            return resolved;
        }

        /** {@code value} as a TCP port, or an error naming {@code source} (a flag, variable or setting). */
        private static int port(String value, String source) {
            try {
                int p = Integer.parseInt(value.trim());
                if (p >= 0 && p <= 65535) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // reported below, with the source
            }
            throw new IllegalArgumentException("Invalid value " + value.trim() + " for " + source
                    + ": must be a port number 0-65535");
        }

        /**
         * Warns about a {@code SPILLWAY_LOG_LEVEL} that is not a level (INFO is used) and a {@code SPILLWAY_*}
         * environment variable nothing reads: a typo (SPILLWAY_DATADIR) would otherwise leave the default in force
         * without a word.
         */
        static void checkVariables(Map<String, String> env) {
            String level = env.get("SPILLWAY_LOG_LEVEL");
            if (level != null && !LOG_LEVELS.contains(level.trim().toUpperCase(java.util.Locale.ROOT))) {
                // logback would read an unknown level as DEBUG and an empty one as "inherit" (WARN): neither was meant
                ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.spillway"))
                        .setLevel(ch.qos.logback.classic.Level.INFO);
                if (!level.isBlank()) { // set but empty means the default
                    LoggerFactory.getLogger(Main.class).warn("SPILLWAY_LOG_LEVEL={} is not a log level ({}); logging "
                            + "at INFO", level, String.join(", ", LOG_LEVELS));
                }
            }
            for (String name : new java.util.TreeSet<>(env.keySet())) {
                if (name.startsWith("SPILLWAY_") && !KNOWN_VARIABLES.contains(name)) {
                    String nearest = StaticSettingsCheck.nearest(name, KNOWN_VARIABLES);
                    LoggerFactory.getLogger(Main.class).warn("Environment variable {} is not one Spillway reads and is "
                            + "ignored{}; known: {}", name, nearest == null ? "" : " (did you mean " + nearest + "?)",
                            String.join(", ", KNOWN_VARIABLES));
                }
            }
        }

        /** What {@link #resolve} found given but overridden by something else; logged at start. */
        final List<String> ignored = new ArrayList<>();

        /** Notes the places that named the data directory or the Kafka port and lost to another, so none is silent. */
        private void noteIgnored(Map<String, String> env, Properties file, ServerConfig config) {
            Map<String, String> dataDirSources = new LinkedHashMap<>();
            if (dataDir != null) {
                dataDirSources.put("--data-dir", dataDir.toString());
            }
            dataDirSources.put("SPILLWAY_DATA_DIR", env.get("SPILLWAY_DATA_DIR"));
            for (String name : List.of("data.dir", "log.dirs", "log.dir")) {
                dataDirSources.put(name, setting(name, file));
            }
            dataDirSources.values().removeIf(v -> v == null || v.isBlank());
            String winner = null;
            for (Map.Entry<String, String> e : dataDirSources.entrySet()) {
                if (winner == null) {
                    winner = e.getKey();
                } else if (!Paths.get(e.getValue().trim()).equals(config.dataDir())) {
                    ignored.add(e.getKey() + "=" + e.getValue().trim() + " (the data directory is " + config.dataDir()
                            + ", from " + winner + ")");
                }
            }
            if (setting("listeners", file) != null) {
                Map<String, String> listenerSources = new LinkedHashMap<>();
                listenerSources.put("--host", host);
                listenerSources.put("--port", port == null ? null : port.toString());
                listenerSources.put("SPILLWAY_HOST", env.get("SPILLWAY_HOST"));
                listenerSources.put("SPILLWAY_PORT", env.get("SPILLWAY_PORT"));
                listenerSources.put("listener.host", file.getProperty("listener.host"));
                listenerSources.put("listener.port", file.getProperty("listener.port"));
                listenerSources.forEach((name, value) -> {
                    if (value != null && !value.isBlank()) {
                        ignored.add(name + "=" + value.trim() + " (listeners is set and names every address)");
                    }
                });
            }
        }

        /** A setting from --set, else from the properties file. */
        private String setting(String name, Properties file) {
            String given = settings.get(name);
            return given != null ? given : file.getProperty(name);
        }

        private static String first(String... candidates) {
            for (String c : candidates) {
                if (c != null && !c.isBlank()) {
                    return c.trim();
                }
            }
            return null;
        }
    }
}

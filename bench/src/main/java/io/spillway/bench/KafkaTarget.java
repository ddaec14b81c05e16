package io.spillway.bench;

import io.spillway.testkit.Ports;
import io.spillway.testkit.SpillwayProcess;
import io.spillway.testkit.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An Apache Kafka broker started by the harness as a child JVM: a single KRaft node (broker and controller in
 * one process) on a fresh temporary data directory, from the jars that the {@code bench-kafka} module resolves
 * from Maven Central ({@code bench-kafka/target/kafka.classpath}). The JVM options are those of Kafka's own
 * {@code kafka-server-start.sh}, except the heap, which is set equal to Spillway's for a fair comparison.
 *
 * <p>Durability is Kafka's default (acknowledge from the page cache, flush in the background) unless
 * {@link Options#flushEveryMessage(boolean)} sets {@code log.flush.interval.messages=1}, which makes Kafka fsync
 * the log after every append, before it acknowledges.
 *
 * <p>Crash testing: {@link #kill9()} kills the broker with SIGKILL and {@link #restart()} starts it again with the
 * same command, on the same data directory and the same ports, so clients reconnect to the same bootstrap address.
 *
 * <p>A JVM shutdown hook kills every broker still running, so an aborted run leaves none behind.
 *
 * <p>Not thread safe: one thread starts, kills, restarts and closes a broker; {@link #bootstrap()} and
 * {@link #isAlive()} may be read from any thread.
 */
public final class KafkaTarget implements Target, CrashRestartable {

    /** Where the bench-kafka module writes the broker's runtime classpath, relative to the repository root. */
    public static final String CLASSPATH_FILE = "bench-kafka/target/kafka.classpath";
    /** The line Kafka logs once the broker serves clients. */
    static final String READY_LINE = "Kafka Server started";

    /** Brokers still running, killed by a shutdown hook if the harness JVM ends without closing them. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "kafka-target-reaper"));
    }

    private static Process register(Process p) {
        LIVE.add(p);
        p.onExit().thenRun(() -> LIVE.remove(p));
        return p;
    }

    /** How to start the broker. */
    public static final class Options {
        private Path repoRoot;
        private String heap = "2g";
        private boolean flushEveryMessage;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final List<String[]> extraListeners = new java.util.ArrayList<>();
        private Path logDir;
        private String label = "kafka";
        private Path home;

        public Options repoRoot(Path v) {
            this.repoRoot = v;
            return this;
        }

        /** Maximum (and initial) heap, as Kafka's start script sets both (default 2g, Spillway's default). */
        public Options heap(String v) {
            this.heap = v;
            return this;
        }

        /** {@code log.flush.interval.messages=1}: fsync before acknowledging (Kafka's default is not to). */
        public Options flushEveryMessage(boolean v) {
            this.flushEveryMessage = v;
            return this;
        }

        /** A second client listener {@code name} with {@code protocol} on 127.0.0.1:{@code port} (its settings via {@link #setting}). */
        public Options extraListener(String name, String protocol, int port) {
            extraListeners.add(new String[] {name, protocol, Integer.toString(port)});
            return this;
        }

        /** An extra server.properties entry. */
        public Options setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        public Options logDir(Path v) {
            this.logDir = v;
            return this;
        }

        /**
         * Directory for the broker's configuration and data, kept after {@link #close()} (for a post-mortem of the
         * data files); default a fresh temporary directory, deleted on close.
         */
        public Options home(Path v) {
            this.home = v;
            return this;
        }

        /** Name in tables and reports (default "kafka"). */
        public Options label(String v) {
            this.label = v;
            return this;
        }
    }

    private final Options options;
    private volatile Process process;
    private final Path home;
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final List<String> command;
    private final Map<String, String> serverProperties;
    private final String version;

    private KafkaTarget(Options options, Process process, Path home, Path dataDir, Path logFile, int port,
                        List<String> command, Map<String, String> serverProperties, String version) {
        this.options = options;
        this.process = process;
        this.home = home;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.port = port;
        this.command = command;
        this.serverProperties = serverProperties;
        this.version = version;
    }

    /** The broker's classpath from {@value #CLASSPATH_FILE}; fails with a build hint when it is missing. */
    static String classpath(Path repoRoot) {
        Path file = repoRoot.resolve(CLASSPATH_FILE);
        try {
            String cp = Files.readString(file, StandardCharsets.UTF_8).trim();
            for (String entry : cp.split(":")) {
                if (!entry.isBlank() && !Files.exists(Paths.get(entry))) {
                    throw new IllegalStateException(entry + " (listed in " + file + ") is missing; rebuild with: "
                            + "mvn -B -DskipTests install -pl bench -am");
                }
            }
            return cp;
        } catch (IOException e) {
            throw new IllegalStateException("The Apache Kafka broker is not resolved (" + file + " is missing); build "
                    + "with: mvn -B -DskipTests install -pl bench -am", e);
        }
    }

    /** Kafka's version, from the kafka_2.13 jar name on the classpath. */
    static String version(String classpath) {
        for (String entry : classpath.split(":")) {
            String name = Paths.get(entry).getFileName().toString();
            if (name.startsWith("kafka_2.13-") && name.endsWith(".jar")) {
                return name.substring("kafka_2.13-".length(), name.length() - ".jar".length());
            }
        }
        return "unknown";
    }

    /** Formats a fresh data directory (KRaft) and starts the broker; returns once it logs that it has started. */
    public static KafkaTarget start(Options o) {
        Path root = o.repoRoot != null ? o.repoRoot : io.spillway.testkit.RepoLayout.repoRoot();
        String cp = classpath(root);
        Path home = o.home != null ? o.home.toAbsolutePath() : TempDirs.create("spillway-bench-kafka");
        try {
            Files.createDirectories(home);
            Path data = home.resolve("data");
            Files.createDirectories(data);
            int port = Ports.freePort();
            int controllerPort = Ports.freePort();
            while (controllerPort == port) {
                controllerPort = Ports.freePort();
            }
            Map<String, String> props = serverProperties(data, port, controllerPort, o);
            Path config = home.resolve("server.properties");
            StringBuilder sb = new StringBuilder("# written by spillway-bench (KafkaTarget)\n");
            props.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
            Files.writeString(config, sb.toString(), StandardCharsets.UTF_8);
            Path log4j = home.resolve("log4j2.properties");
            Files.writeString(log4j, """
                    # Kafka's broker log, INFO and above, to stdout (redirected to the log file by the harness)
                    appender.out.type = Console
                    appender.out.name = STDOUT
                    appender.out.layout.type = PatternLayout
                    appender.out.layout.pattern = [%d] %p %m (%c)%n
                    rootLogger.level = INFO
                    rootLogger.appenderRef.out.ref = STDOUT
                    """, StandardCharsets.UTF_8);
            String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
            Path logDir = o.logDir != null ? o.logDir : Paths.get("target", "kafka-logs");
            Files.createDirectories(logDir);
            Path logFile = logDir.resolve(o.label + "-" + System.currentTimeMillis() + ".log").toAbsolutePath();

            // "kafka-storage.sh format": a new cluster id and the KRaft metadata bootstrap in the data dir
            List<String> format = new ArrayList<>(List.of(java, "-Xmx256m", "-Dlog4j2.configurationFile=" + log4j,
                    "-cp", cp, "kafka.tools.StorageTool", "format", "--cluster-id=" + clusterId(), // "=": an id may start with '-'
                    "--config", config.toString()));
            Process f = new ProcessBuilder(format).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            if (!f.waitFor(120, TimeUnit.SECONDS) || f.exitValue() != 0) {
                f.destroyForcibly();
                throw new IllegalStateException("kafka-storage format failed; log " + logFile + ":\n"
                        + SpillwayProcess.tail(logFile, 30));
            }

            // the JVM options of kafka-server-start.sh / kafka-run-class.sh, heap aside
            List<String> cmd = new ArrayList<>(List.of(java, "-Xms" + o.heap, "-Xmx" + o.heap, "-server",
                    "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35",
                    "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true",
                    "-Dlog4j2.configurationFile=" + log4j, "-cp", cp, "kafka.Kafka", config.toString()));
            Process p = register(new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start());
            p.getOutputStream().close();
            KafkaTarget t = new KafkaTarget(o, p, home, data, logFile, port, List.copyOf(cmd), props, version(cp));
            t.awaitReady(Duration.ofSeconds(120), 0);
            return t;
        } catch (IOException e) {
            deleteHome(o, home);
            throw new UncheckedIOException("cannot start Apache Kafka", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deleteHome(o, home);
            throw new IllegalStateException("interrupted while starting Apache Kafka", e);
        } catch (RuntimeException e) {
            deleteHome(o, home);
            throw e;
        }
    }

    /** Deletes the broker's directory unless the caller chose it ({@link Options#home(Path)}). */
    private static void deleteHome(Options o, Path home) {
        if (o.home == null) {
            TempDirs.deleteQuietly(home);
        }
    }

    /**
     * server.properties of a single KRaft node, as in Kafka's config/server.properties for a one-node
     * quickstart: replication factor 1 for the internal topics and no initial rebalance delay.
     *
     * <p>Share groups (the share workload) need nothing more: "format" gives a 4.4 cluster the feature levels of its
     * release, {@code share.version=2} among them, which turns share groups on (the 4.0 preview's
     * {@code group.share.enable} is gone; {@code group.coordinator.rebalance.protocols} is deprecated in favour of the
     * feature levels and left at its default); and the share coordinator's state topic {@code __share_group_state}
     * gets replication factor 1 and min.isr 1 here, without which (defaults 3 and 2) one node could not create it.
     */
    static Map<String, String> serverProperties(Path data, int port, int controllerPort, Options o) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("process.roles", "broker,controller");
        m.put("node.id", "1");
        m.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        m.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        m.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        m.put("controller.listener.names", "CONTROLLER");
        m.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        m.put("inter.broker.listener.name", "PLAINTEXT");
        m.put("log.dirs", data.toString());
        m.put("num.partitions", "1");
        m.put("offsets.topic.replication.factor", "1");
        m.put("transaction.state.log.replication.factor", "1");
        m.put("transaction.state.log.min.isr", "1");
        m.put("share.coordinator.state.topic.replication.factor", "1");
        m.put("share.coordinator.state.topic.min.isr", "1");
        m.put("group.initial.rebalance.delay.ms", "0");
        if (o.flushEveryMessage) {
            m.put("log.flush.interval.messages", "1");
        }
        for (String[] l : o.extraListeners) {
            m.put("listeners", m.get("listeners") + "," + l[0] + "://127.0.0.1:" + l[2]);
            m.put("advertised.listeners", m.get("advertised.listeners") + "," + l[0] + "://127.0.0.1:" + l[2]);
            m.put("listener.security.protocol.map", m.get("listener.security.protocol.map") + "," + l[0] + ":" + l[1]);
        }
        m.putAll(o.settings);
        return m;
    }

    /** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (what "random-uuid" prints). */
    static String clusterId() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Waits until the log holds more than {@code readyLinesBefore} ready lines and the listener accepts connections. */
    private void awaitReady(Duration timeout, long readyLinesBefore) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                deleteHome(options, home);
                throw new IllegalStateException("Apache Kafka exited during startup (exit code " + process.exitValue()
                        + "); log " + logFile + ":\n" + SpillwayProcess.tail(logFile, 40));
            }
            if (readyLines() > readyLinesBefore && Ports.isListening("127.0.0.1", port, Duration.ofSeconds(1))) {
                return;
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("Apache Kafka did not start within " + timeout + "; log " + logFile + ":\n"
                + SpillwayProcess.tail(logFile, 40));
    }

    /** How often the broker has logged {@value #READY_LINE} so far (once per start; the log is appended across restarts). */
    private long readyLines() {
        try (Stream<String> lines = Files.lines(logFile, StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains(READY_LINE)).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /**
     * Kills the broker with SIGKILL (no controlled shutdown, nothing flushed that the OS does not already hold) and
     * waits for it to be gone. The data directory is kept for {@link #restart()}.
     *
     * @return the exit code (137 on Linux)
     */
    @Override
    public int kill9() {
        Process p = process;
        p.destroyForcibly();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Apache Kafka pid " + p.pid() + " still alive 30 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Apache Kafka to die", e);
        }
        return p.exitValue();
    }

    /**
     * Starts the broker again after {@link #kill9()}: the same command on the same data directory and ports (Kafka
     * recovers its logs as after a crash); returns once it logs that it has started again.
     *
     * @throws IllegalStateException if the broker is still running, or does not come back within 120 s (it is then
     *                               stopped, and its directory deleted unless {@link Options#home(Path)} chose it, as
     *                               after a failed {@link #start(Options)})
     */
    @Override
    public void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("Apache Kafka pid " + process.pid() + " is still running");
        }
        long before = readyLines();
        try {
            Process p = register(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start());
            p.getOutputStream().close();
            process = p;
            awaitReady(Duration.ofSeconds(120), before);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart Apache Kafka", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting Apache Kafka", e);
        }
    }

    @Override
    public String name() {
        return options.label;
    }

    @Override
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    /** The last lines of the broker log. */
    public String tail(int lines) {
        return SpillwayProcess.tail(logFile, lines);
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Broker", "Apache Kafka " + version + " (kafka_2.13 from Maven Central), single KRaft node (broker+controller), "
                + "child JVM started by the harness (same java)");
        m.put("Durability", options.flushEveryMessage
                ? "log.flush.interval.messages=1: fsync after every append, before the acknowledgement"
                : "Kafka default: acknowledged from the page cache, fsync left to the OS and log.flush.* (never by default)");
        m.put("server.properties", serverProperties.toString());
        m.put("Data dir", dataDir + (options.home == null ? " (fresh temporary directory, deleted afterwards)" : " (kept)"));
        m.put("Broker log", logFile.toString());
        return m;
    }

    @Override
    public Optional<List<String>> launchCommand() {
        return Optional.of(command);
    }

    @Override
    public OptionalLong pid() {
        return OptionalLong.of(process.pid());
    }

    /**
     * Stops the broker with SIGTERM (a controlled shutdown), force-kills it after 2 minutes, deletes the data (unless
     * {@link Options#home(Path)} chose the directory).
     */
    @Override
    public void close() {
        Process process = this.process;
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    System.err.println("spillway-bench: Apache Kafka pid " + process.pid()
                            + " did not stop within 120 s of SIGTERM; killing it");
                    process.destroyForcibly();
                    process.waitFor(30, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            deleteHome(options, home);
        }
    }
}

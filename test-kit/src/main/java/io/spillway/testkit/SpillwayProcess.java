package io.spillway.testkit;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Spillway broker running as a child JVM, started from the repository's built classpath
 * ({@code java -cp server/target/classes:<server/target/spillway.classpath> io.spillway.server.Main serve ...}).
 *
 * <p>The child's stdout and stderr go to a log file under {@code target/spillway-logs/} of the current
 * working directory (a module directory when run by Surefire); {@link #start()} waits, bounded, for the
 * line containing {@code Kafka listener on <host>:<port>}.
 *
 * <p>Every started child is also registered in a JVM shutdown hook that kills it, so a crashed or
 * interrupted test run leaves no broker behind. Tests should still call {@link #close()} in a
 * {@code finally} block or {@code @AfterEach}.
 */
public final class SpillwayProcess implements AutoCloseable {

    /** Matches the broker's ready line, e.g. "Spillway is ready: Kafka listener on 127.0.0.1:41233, data in /x". */
    static final Pattern READY = Pattern.compile("Kafka listener on (\\[[^\\]]+\\]|[^\\s:,]+):(\\d+)");

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : LIVE) {
                p.destroyForcibly();
            }
        }, "spillway-test-kit-reaper"));
    }

    private final Process process;
    private final Path logFile;
    private final Path dataDir;
    private final String host;
    private final int port;
    private final Thread pump;
    private final List<String> command;

    private SpillwayProcess(Process process, Path logFile, Path dataDir, String host, int port, Thread pump,
                            List<String> command) {
        this.process = process;
        this.logFile = logFile;
        this.dataDir = dataDir;
        this.host = host;
        this.port = port;
        this.pump = pump;
        this.command = command;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** "host:port" of the Kafka listener, for {@code bootstrap.servers}. */
    public String bootstrap() {
        return host + ":" + port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The file receiving the child's stdout and stderr. */
    public Path logFile() {
        return logFile;
    }

    /** The full command line used to start the child. */
    public List<String> command() {
        return command;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, if the child has exited. */
    public Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    /**
     * Number of open file descriptors of the child (entries of {@code /proc/<pid>/fd}).
     *
     * @throws UnsupportedOperationException where there is no /proc (not Linux)
     */
    public long openFileDescriptors() {
        Path fdDir = Paths.get("/proc", Long.toString(pid()), "fd");
        if (!Files.isDirectory(fdDir)) {
            if (!Files.isDirectory(Paths.get("/proc/self/fd"))) {
                throw new UnsupportedOperationException("/proc/<pid>/fd is not available on this platform");
            }
            throw new IllegalStateException("Broker process " + pid() + " is not running");
        }
        try (Stream<Path> fds = Files.list(fdDir)) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + fdDir, e);
        }
    }

    /**
     * Kills the child with SIGKILL (no shutdown hooks, no flush) and waits for it to be gone.
     *
     * @return the exit code (137 on Linux)
     */
    public int kill9() {
        process.destroyForcibly();
        int code = awaitExit(Duration.ofSeconds(30));
        finishPump();
        return code;
    }

    /**
     * Stops the child gracefully (SIGTERM, which runs the broker's shutdown hook) and waits up to
     * {@code timeout} for it to exit.
     *
     * @return the exit code
     * @throws IllegalStateException if the broker did not exit in time (it is then killed)
     */
    public int stop(Duration timeout) {
        if (!process.isAlive()) {
            finishPump();
            return process.exitValue();
        }
        // SIGTERM through the handle: Process.destroy() also closes our end of the child's stdout, so the lines the
        // broker logs while it shuts down ("Spillway stopped", the shared log's fsync times) would be lost.
        process.toHandle().destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                awaitExit(Duration.ofSeconds(30));
                finishPump();
                throw new IllegalStateException("Broker pid " + pid() + " did not stop within " + timeout
                        + " after SIGTERM and was killed; see " + logFile + "\n" + tail(40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("Interrupted while stopping the broker", e);
        } finally {
            LIVE.remove(process);
        }
        finishPump();
        return process.exitValue();
    }

    /** {@link #stop(Duration)} with a 30 s bound. */
    public int stop() {
        return stop(Duration.ofSeconds(30));
    }

    /** Stops the child if still running: gracefully when it can, otherwise by force. Never throws. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                stop(Duration.ofSeconds(20));
            }
        } catch (RuntimeException e) {
            System.err.println("[spillway-test-kit] " + e.getMessage());
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
                try {
                    awaitExit(Duration.ofSeconds(30));
                } catch (RuntimeException e) {
                    System.err.println("[spillway-test-kit] " + e.getMessage());
                }
            }
            LIVE.remove(process);
            finishPump();
        }
    }

    /** The last {@code lines} lines of the child's log, for failure messages. */
    public String tail(int lines) {
        return tail(logFile, lines);
    }

    @Override
    public String toString() {
        return "SpillwayProcess[pid=" + pid() + ", bootstrap=" + bootstrap() + ", data=" + dataDir + ", log=" + logFile + "]";
    }

    private int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("Broker pid " + pid() + " still alive " + timeout + " after kill");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for broker pid " + pid() + " to exit", e);
        }
        LIVE.remove(process);
        return process.exitValue();
    }

    private void finishPump() {
        try {
            pump.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code lines} lines of a log file, for failure messages. */
    public static String tail(Path file, int lines) {
        Deque<String> last = new ArrayDeque<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                last.addLast(line);
                if (last.size() > lines) {
                    last.removeFirst();
                }
            }
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
        return String.join("\n", last);
    }

    /** Options for starting a broker child process. A builder can start several processes (restarts). */
    public static final class Builder {
        private Path dataDir;
        private String host = "127.0.0.1";
        private int port;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>(List.of("-Xms64m", "-Xmx1g", "-XX:+ExitOnOutOfMemoryError"));
        private final Map<String, String> env = new LinkedHashMap<>();
        private Duration startupTimeout = Duration.ofSeconds(60);
        private String name = "spillway";
        private Path logDir = Paths.get("target", "spillway-logs");
        private Path repoRoot;
        private String javaCommand;

        private Builder() {
        }

        /** Required: the broker's data directory ({@code --data-dir}). */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** Listener port; 0 (the default) lets the broker pick a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** A broker config passed as {@code --set key=value}. */
        public Builder set(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** Extra JVM option for the child, e.g. "-Xmx256m" (later options win over the defaults). */
        public Builder jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        /** Environment variable for the child. */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /** Bound for the ready line to appear; default 60 s. */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = timeout;
            return this;
        }

        /** Label used in the log file name. */
        public Builder name(String name) {
            this.name = name.replaceAll("[^A-Za-z0-9._-]", "_");
            return this;
        }

        /** Where log files go; default {@code target/spillway-logs} relative to the working directory. */
        public Builder logDir(Path logDir) {
            this.logDir = logDir;
            return this;
        }

        /** Repository root holding the built server; default {@link RepoLayout#repoRoot()}. */
        public Builder repoRoot(Path repoRoot) {
            this.repoRoot = repoRoot;
            return this;
        }

        /** The java executable for the child; default the one running this JVM. */
        public Builder javaCommand(String javaCommand) {
            this.javaCommand = javaCommand;
            return this;
        }

        /** The command line that {@link #start()} would run. */
        public List<String> command() {
            if (dataDir == null) {
                throw new IllegalStateException("dataDir is required");
            }
            Path root = repoRoot != null ? repoRoot : RepoLayout.repoRoot();
            String java = javaCommand != null ? javaCommand
                    : Paths.get(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>();
            cmd.add(java);
            cmd.addAll(jvmArgs);
            cmd.add("-cp");
            cmd.add(RepoLayout.serverClasspathString(root));
            cmd.add(RepoLayout.MAIN_CLASS);
            cmd.add("serve");
            cmd.add("--data-dir");
            cmd.add(dataDir.toAbsolutePath().toString());
            cmd.add("--host");
            cmd.add(host);
            cmd.add("--port");
            cmd.add(Integer.toString(port));
            for (Map.Entry<String, String> e : settings.entrySet()) {
                cmd.add("--set");
                cmd.add(e.getKey() + "=" + e.getValue());
            }
            if (!settings.containsKey("spillway.http.listener")) {
                // brokers of tests run side by side (and restart on fixed Kafka ports): none may want HTTP port 8080
                cmd.add("--set");
                cmd.add("spillway.http.listener=" + host + ":0");
            }
            return List.copyOf(cmd);
        }

        /**
         * Starts the child and waits (bounded by the startup timeout) for its ready line.
         *
         * @throws IllegalStateException if the broker exits or does not become ready in time; the message
         *                               carries the tail of its log
         */
        public SpillwayProcess start() {
            List<String> cmd = command();
            Path log;
            try {
                Files.createDirectories(logDir);
                Files.createDirectories(dataDir);
                String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS"));
                log = logDir.resolve(name + "-" + stamp + "-" + SEQUENCE.incrementAndGet() + ".log").toAbsolutePath();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            Map<String, String> childEnv = pb.environment();
            for (String k : List.of("SPILLWAY_DATA_DIR", "SPILLWAY_HOST", "SPILLWAY_PORT", "SPILLWAY_CONFIG")) {
                childEnv.remove(k);
            }
            childEnv.putAll(env);
            Process process;
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start " + cmd.get(0), e);
            }
            LIVE.add(process);
            try {
                process.getOutputStream().close(); // the broker reads nothing from stdin
            } catch (IOException ignored) {
                // nothing to do: the child may already have exited, which the ready wait reports
            }
            CompletableFuture<String[]> ready = new CompletableFuture<>();
            Path logFile = log;
            Thread pump = new Thread(() -> pump(process, logFile, cmd, ready), "spillway-log-" + process.pid());
            pump.setDaemon(true);
            pump.start();
            String[] hostPort;
            try {
                hostPort = ready.get(startupTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                    pump.join(5000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                LIVE.remove(process);
                throw new IllegalStateException("Broker did not print its ready line within " + startupTimeout
                        + "; log " + logFile + ":\n" + tail(logFile, 60));
            } catch (ExecutionException e) {
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                    pump.join(5000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                LIVE.remove(process);
                throw new IllegalStateException("Broker exited before it was ready (exit code "
                        + (process.isAlive() ? "?" : process.exitValue()) + "); log " + logFile + ":\n"
                        + tail(logFile, 60), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException("Interrupted while waiting for the broker", e);
            }
            String readyHost = hostPort[0].startsWith("[") ? hostPort[0].substring(1, hostPort[0].length() - 1) : hostPort[0];
            return new SpillwayProcess(process, logFile, dataDir, readyHost, Integer.parseInt(hostPort[1]), pump, cmd);
        }

        private static void pump(Process process, Path logFile, List<String> cmd, CompletableFuture<String[]> ready) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 BufferedWriter out = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
                out.write("# pid " + process.pid() + ": " + String.join(" ", cmd));
                out.newLine();
                out.flush();
                String line;
                while ((line = in.readLine()) != null) {
                    out.write(line);
                    out.newLine();
                    out.flush();
                    if (!ready.isDone()) {
                        Matcher m = READY.matcher(line);
                        if (m.find()) {
                            ready.complete(new String[] {m.group(1), m.group(2)});
                        }
                    }
                }
                out.write("# end of output");
                out.newLine();
            } catch (IOException e) {
                ready.completeExceptionally(e);
            } finally {
                ready.completeExceptionally(new IllegalStateException("broker output ended without a ready line"));
            }
        }
    }
}

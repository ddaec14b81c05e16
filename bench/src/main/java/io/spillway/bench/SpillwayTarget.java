package io.spillway.bench;

import io.spillway.testkit.SpillwayProcess;
import io.spillway.testkit.TempDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * A Spillway broker started by the harness as a child JVM ({@link SpillwayProcess}) on a fresh temporary
 * data directory (unless one is given), with the broker's default durability (fsync before ack) unless
 * overridden by a setting. {@link #close()} stops it with SIGTERM and deletes the temporary directory.
 */
public final class SpillwayTarget implements Target, CrashRestartable {

    /** How to start the broker. Mutable, with fluent setters. */
    public static final class Options {
        private Path repoRoot;
        private Path dataDir;
        private boolean keepData;
        private String heap = "2g";
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private Path logDir;
        private Path jfrFile;

        /** Repository root with the built server (default: {@link io.spillway.testkit.RepoLayout#repoRoot()}). */
        public Options repoRoot(Path v) {
            this.repoRoot = v;
            return this;
        }

        /** Data directory to use and keep (default: a fresh temporary directory, deleted on close). */
        public Options dataDir(Path v) {
            this.dataDir = v;
            return this;
        }

        /** Keep a temporary data directory after close. */
        public Options keepData(boolean v) {
            this.keepData = v;
            return this;
        }

        /** Maximum heap of the broker JVM (default 2g, as bin/spillway). */
        public Options heap(String v) {
            this.heap = v;
            return this;
        }

        /** A broker setting passed as {@code --set key=value}. */
        public Options settings(Map<String, String> v) {
            settings.putAll(v);
            return this;
        }

        /** An extra JVM option for the broker (after the defaults, so it wins). */
        public Options jvmArgs(List<String> v) {
            jvmArgs.addAll(v);
            return this;
        }

        /** Where the broker's stdout/stderr log goes (default: target/spillway-logs of the working directory). */
        public Options logDir(Path v) {
            this.logDir = v;
            return this;
        }

        /** Record the broker with JFR (profile settings) into this file; written when the broker stops. */
        public Options jfrFile(Path v) {
            this.jfrFile = v;
            return this;
        }
    }

    private final SpillwayProcess.Builder builder;
    private SpillwayProcess process;
    private final Path dataDir;
    private final boolean deleteData;
    private final Options options;
    private final List<String> brokerJvmArgs;
    private String logSummary = "(broker still running)";

    private SpillwayTarget(SpillwayProcess.Builder builder, SpillwayProcess process, Path dataDir, boolean deleteData,
                           Options options, List<String> brokerJvmArgs) {
        this.builder = builder;
        this.process = process;
        this.dataDir = dataDir;
        this.deleteData = deleteData;
        this.options = options;
        this.brokerJvmArgs = brokerJvmArgs;
    }

    /** Starts the broker and waits for its ready line. */
    public static SpillwayTarget start(Options o) {
        boolean temp = o.dataDir == null;
        Path dir = temp ? TempDirs.create("spillway-bench-data") : o.dataDir.toAbsolutePath();
        List<String> jvm = new ArrayList<>(List.of("-Xms256m", "-Xmx" + o.heap, "-XX:+UseG1GC"));
        if (o.jfrFile != null) {
            jvm.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + o.jfrFile.toAbsolutePath());
        }
        jvm.addAll(o.jvmArgs);
        SpillwayProcess.Builder b = SpillwayProcess.builder().dataDir(dir).name("bench-broker")
                .startupTimeout(Duration.ofSeconds(120));
        if (o.repoRoot != null) {
            b.repoRoot(o.repoRoot);
        }
        if (o.logDir != null) {
            b.logDir(o.logDir);
        }
        jvm.forEach(b::jvmArg);
        o.settings.forEach(b::set);
        try {
            return new SpillwayTarget(b, b.start(), dir, temp && !o.keepData, o, List.copyOf(jvm));
        } catch (RuntimeException e) {
            if (temp) {
                TempDirs.deleteQuietly(dir);
            }
            throw e;
        }
    }

    @Override
    public String name() {
        return "spillway";
    }

    @Override
    public String bootstrap() {
        return process.bootstrap();
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Broker", "Spillway, started by the harness as a child JVM (same java as the harness)");
        String fsync = options.settings.get("spillway.fsync");
        m.put("Durability", fsync == null ? "spillway.fsync=true (default): produce is acknowledged only after fsync"
                : "spillway.fsync=" + fsync + " (overridden)");
        Map<String, String> others = new LinkedHashMap<>(options.settings);
        others.remove("spillway.fsync");
        m.put("Broker settings", others.isEmpty() ? "defaults" : others.toString());
        m.put("Broker JVM options", String.join(" ", brokerJvmArgs));
        m.put("Data dir", dataDir + (deleteData ? " (fresh temporary directory, deleted afterwards)" : ""));
        m.put("Broker log", process.logFile() + " " + logSummary);
        return m;
    }

    @Override
    public Optional<List<String>> launchCommand() {
        return Optional.of(process.command());
    }

    @Override
    public OptionalLong pid() {
        return OptionalLong.of(process.pid());
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public int kill9() {
        return process.kill9();
    }

    @Override
    public void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("Spillway pid " + process.pid() + " is still running");
        }
        process.close();
        process = builder.port(process.port()).start();
    }

    public Path logFile() {
        return process.logFile();
    }

    /** Bytes below the data directory (while it exists). */
    public long dataDirBytes() {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            process.stop(Duration.ofSeconds(90));
        } catch (RuntimeException e) {
            System.err.println("spillway-bench: " + e.getMessage());
        } finally {
            process.close();
            logSummary = summarizeLog(process.logFile());
            if (deleteData) {
                TempDirs.deleteQuietly(dataDir);
            }
        }
    }

    /**
     * What the broker logged when it stopped about its shared log's fsyncs ("12,345 fsyncs: p50 ... max ..."), once
     * it was stopped; empty when it did not (killed, or nothing was fsynced).
     */
    Optional<String> fsyncSummary() {
        try (Stream<String> lines = Files.lines(process.logFile(), StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains("Shared log in ") && l.contains(" fsyncs: p50 "))
                    .reduce((first, second) -> second)
                    .map(l -> l.substring(l.indexOf(": ", l.indexOf("Shared log in ")) + 2));
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** "(n WARN, m ERROR lines)" for the broker log. */
    static String summarizeLog(Path log) {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            long[] counts = new long[2];
            lines.forEach(l -> {
                if (l.contains(" WARN ")) {
                    counts[0]++;
                } else if (l.contains(" ERROR ")) {
                    counts[1]++;
                }
            });
            return "(" + counts[0] + " WARN, " + counts[1] + " ERROR lines)";
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}

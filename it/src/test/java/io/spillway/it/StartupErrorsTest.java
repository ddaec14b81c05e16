package io.spillway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.spillway.server.ServerConfig;
import io.spillway.server.SpillwayServer;
import io.spillway.testkit.RepoLayout;
import io.spillway.testkit.TempDirs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bin/spillway serve} that cannot start says why in one line ("Spillway cannot start: ...", naming the port or
 * path and what to do) and exits with 1, without a stack trace unless SPILLWAY_LOG_LEVEL=DEBUG. Every case runs the
 * real launcher (a JVM start, about a second); add cases with {@link #failedStart}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StartupErrorsTest {

    private static final String PREFIX = "Spillway cannot start: ";
    /** A Java stack-trace line ("\tat io.spillway...", "Caused by: ...") or an uncaught exception's first line. */
    private static final Pattern STACK_TRACE = Pattern.compile("(?m)^\\s+at |^Caused by: |Exception in thread");

    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempDirs.create("spillway-startup-errors");
    }

    @AfterEach
    void tearDown() {
        TempDirs.deleteQuietly(dir);
    }

    @Test
    void kafkaPortInUseNamesTheListenerAndPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Result r = failedStart(Map.of(), "serve", "--data-dir", dir.resolve("data").toString(),
                    "--port", String.valueOf(port), "--set", "spillway.http.listener=127.0.0.1:0");
            r.assertOneLine("Kafka listener PLAINTEXT cannot bind 127.0.0.1:" + port + ": port " + port
                    + " is already in use", "--port", "listeners");

            // with debug logging the stack trace follows, for whoever debugs
            Result debug = failedStart(Map.of("SPILLWAY_LOG_LEVEL", "DEBUG"), "serve",
                    "--data-dir", dir.resolve("data").toString(), "--port", String.valueOf(port),
                    "--set", "spillway.http.listener=127.0.0.1:0");
            assertThat(debug.exitCode()).as(debug.output()).isEqualTo(1);
            assertThat(debug.line()).contains("cannot bind 127.0.0.1:" + port);
            assertThat(debug.output()).containsPattern("(?m)^\\s+at ").contains("BindException");
        }
    }

    @Test
    void failedStartReleasesTheDataDirectory() throws Exception {
        Path data = dir.resolve("data");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            ServerConfig config = ServerConfig.builder().dataDir(data).host("127.0.0.1").port(port)
                    .set("spillway.http.listener", "127.0.0.1:0").build();
            assertThatThrownBy(() -> SpillwayServer.start(config)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Kafka listener PLAINTEXT cannot bind 127.0.0.1:" + port);
        }
        // the lock, the metadata store and the shared log of the failed start were released: the same process can
        // open the directory again
        try (SpillwayServer again = SpillwayServer.start(ServerConfig.builder().dataDir(data).host("127.0.0.1")
                .port(0).build())) {
            assertThat(again.port()).isPositive();
        }
    }

    @Test
    void httpPortInUseNamesTheSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Result r = failedStart(Map.of(), "serve", "--data-dir", dir.resolve("data").toString(), "--port", "0",
                    "--set", "spillway.http.listener=127.0.0.1:" + port);
            r.assertOneLine("HTTP listener cannot bind 127.0.0.1:" + port + ": port " + port + " is already in use",
                    "spillway.http.listener");
        }
    }

    @Test
    void dataDirectoryInUseByAnotherBroker() throws Exception {
        Path data = dir.resolve("data");
        try (SpillwayServer running = SpillwayServer.start(ServerConfig.builder().dataDir(data).host("127.0.0.1")
                .port(0).build())) {
            Result r = failedStart(Map.of(), "serve", "--data-dir", data.toString(), "--port", "0");
            r.assertOneLine("Data directory " + data.toAbsolutePath()
                    + " is in use by another Spillway process; stop it or choose another --data-dir");
        }
    }

    @Test
    void dataDirectoryThatCannotBeADirectory() throws Exception {
        Path plain = Files.writeString(dir.resolve("plain"), "not a directory");
        Result below = failedStart(Map.of(), "serve", "--data-dir", plain.resolve("data").toString(), "--port", "0");
        below.assertOneLine("cannot use data directory " + plain.resolve("data").toAbsolutePath()
                + ": a regular file is in the way", "--data-dir");

        Result itself = failedStart(Map.of("SPILLWAY_DATA_DIR", plain.toString()), "serve", "--port", "0");
        itself.assertOneLine("cannot use data directory " + plain.toAbsolutePath(), "--data-dir");
    }

    @Test
    void dataDirectoryWithoutPermission() throws Exception {
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(readOnly), "running as root: permissions do not stop it");
            Result r = failedStart(Map.of(), "serve", "--data-dir", readOnly.resolve("data").toString(),
                    "--port", "0");
            r.assertOneLine("cannot use data directory " + readOnly.resolve("data").toAbsolutePath()
                    + ": permission denied", "--data-dir");
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void badLauncherSettings() throws Exception {
        String data = dir.resolve("data").toString();
        Path missing = dir.resolve("missing.properties");
        failedStart(Map.of(), "serve", "--data-dir", data, "--config", missing.toString())
                .assertOneLine("Properties file " + missing.toAbsolutePath() + " (--config) does not exist");
        failedStart(Map.of("SPILLWAY_CONFIG", missing.toString()), "serve", "--data-dir", data)
                .assertOneLine("Properties file " + missing.toAbsolutePath() + " (SPILLWAY_CONFIG) does not exist");
        failedStart(Map.of("SPILLWAY_PORT", "abc"), "serve", "--data-dir", data)
                .assertOneLine("Invalid value abc for SPILLWAY_PORT: must be a port number 0-65535");
        failedStart(Map.of(), "serve", "--data-dir", data, "--port", "70000")
                .assertOneLine("Invalid value 70000 for --port: must be a port number 0-65535");
        failedStart(Map.of(), "serve", "--data-dir", data, "--set", "listeners=PLAINTEXT://127.0.0.1:99999")
                .assertOneLine("Invalid port in 'PLAINTEXT://127.0.0.1:99999' of listeners");
        failedStart(Map.of(), "serve", "--data-dir", dir.resolve("data-host").toString(), "--host", "no.such.host.invalid",
                "--port", "0")
                .assertOneLine("Kafka listener PLAINTEXT cannot bind no.such.host.invalid:0: host no.such.host.invalid "
                        + "cannot be resolved", "--host");
        failedStart(Map.of(), "serve", "--data-dir", data, "--port", "0", "--set", "num.partitions=")
                .assertOneLine("Invalid value '' for configuration num.partitions");
        // settings are checked before anything is opened: one line naming the setting, the value and what is allowed
        failedStart(Map.of(), "serve", "--data-dir", data, "--port", "0", "--set", "spillway.fsync=maybe")
                .assertOneLine("Invalid value maybe for configuration spillway.fsync: must be true or false");
        failedStart(Map.of(), "serve", "--data-dir", data, "--port", "0", "--set", "num.partitions=abc")
                .assertOneLine("Invalid value abc for configuration num.partitions: must be a whole number");
        failedStart(Map.of(), "serve", "--data-dir", data, "--port", "0", "--set", "num.io.threads=0")
                .assertOneLine("Invalid value 0 for configuration num.io.threads: must be at least 1");
        failedStart(Map.of(), "serve", "--data-dir", data, "--port", "0", "--set", "spillway.fsnyc=false")
                .assertOneLine("Unknown setting spillway.fsnyc (did you mean spillway.fsync?)", "--help");
        failedStart(Map.of(), "serve", "--data-dir", data, "--port", "0", "--set", "log.dirs=/a,/b")
                .assertOneLine("Invalid value /a,/b for configuration log.dirs: Spillway keeps one data directory");
        Path file = Files.writeString(dir.resolve("bad.properties"), "auto.create.topics.enable=yes\n");
        failedStart(Map.of(), "serve", "--data-dir", data, "--port", "0", "--config", file.toString())
                .assertOneLine("Invalid value yes for configuration auto.create.topics.enable: must be true or false");

        // a flag picocli cannot parse stays a usage error: exit code 2 and the usage, no stack trace
        Result usage = failedStart(Map.of(), "serve", "--port", "abc");
        assertThat(usage.exitCode()).as(usage.output()).isEqualTo(2);
        assertThat(usage.output()).contains("--port").doesNotContainPattern(STACK_TRACE.pattern());
        assertThat(dir.resolve("data")).as("no start got as far as creating the data directory").doesNotExist();
    }

    /** How a launch ended: exit code and stdout plus stderr. */
    record Result(List<String> command, int exitCode, String output) {

        /** The line with "Spillway cannot start: ", or "" when there is none. */
        String line() {
            return output.lines().filter(l -> l.contains(PREFIX)).findFirst().orElse("");
        }

        /**
         * Asserts exit code 1, exactly one "Spillway cannot start: " line that contains {@code expected} and each of
         * {@code alsoNamed}, and no stack trace.
         */
        void assertOneLine(String expected, String... alsoNamed) {
            String context = String.join(" ", command) + "\n--- output ---\n" + output;
            assertThat(exitCode).as("exit code of %s", context).isEqualTo(1);
            assertThat(output.split(Pattern.quote(PREFIX), -1)).as("one '%s' line in %s", PREFIX, context).hasSize(2);
            assertThat(line()).as(context).contains(PREFIX + expected);
            for (String named : alsoNamed) {
                assertThat(line()).as(context).contains(named);
            }
            System.out.println("[StartupErrorsTest] " + line());
            assertThat(output).as("no stack trace in %s", context).doesNotContainPattern(STACK_TRACE.pattern());
        }
    }

    /**
     * Runs {@code bin/spillway args...} (with SPILLWAY_NO_BUILD=1, this JVM's Java, a small heap, no SPILLWAY_*
     * variables of the caller's, then {@code env}) in the test's directory and waits up to 60 s for it to exit.
     */
    Result failedStart(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(RepoLayout.repoRoot().resolve("bin/spillway").toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "launch", ".out");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SPILLWAY_") || k.equals("JAVA_OPTS"));
        pb.environment().put("SPILLWAY_NO_BUILD", "1");
        pb.environment().put("SPILLWAY_HEAP", "256m");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError(String.join(" ", command) + " still runs after 60 s; output:\n"
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
}

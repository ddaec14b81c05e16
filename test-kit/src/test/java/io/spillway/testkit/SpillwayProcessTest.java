package io.spillway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unit tests of the child-process plumbing that need no built broker. */
class SpillwayProcessTest {

    @TempDir
    Path tmp;

    @Test
    void readyLinePatternExtractsHostAndPort() {
        Matcher m = SpillwayProcess.READY.matcher("Spillway is ready: Kafka listener on 127.0.0.1:41233, data in /tmp/x");
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo("127.0.0.1");
        assertThat(m.group(2)).isEqualTo("41233");

        Matcher v6 = SpillwayProcess.READY.matcher("Kafka listener on [::1]:9092");
        assertThat(v6.find()).isTrue();
        assertThat(v6.group(1)).isEqualTo("[::1]");
        assertThat(v6.group(2)).isEqualTo("9092");

        assertThat(SpillwayProcess.READY.matcher("Kafka listener on 127.0.0.1:").find()).isFalse();
    }

    @Test
    void commandLineCarriesDataDirPortAndSettings() throws Exception {
        Path root = fakeRepo();
        SpillwayProcess.Builder b = SpillwayProcess.builder()
                .repoRoot(root)
                .dataDir(tmp.resolve("data"))
                .set("num.partitions", "3")
                .set("spillway.fsync", "true")
                .jvmArg("-Xmx256m");

        assertThat(b.command()).containsSubsequence(
                "-Xmx256m", "-cp", root.resolve("server/target/classes").toString(), RepoLayout.MAIN_CLASS, "serve",
                "--data-dir", tmp.resolve("data").toAbsolutePath().toString(), "--host", "127.0.0.1", "--port", "0",
                "--set", "num.partitions=3", "--set", "spillway.fsync=true");
    }

    @Test
    void childThatExitsEarlyIsReportedWithItsOutput() throws Exception {
        // "java" resolves the main class from the fake classpath, finds nothing and exits 1 at once.
        Path root = fakeRepo();
        SpillwayProcess.Builder b = SpillwayProcess.builder()
                .repoRoot(root)
                .dataDir(tmp.resolve("data"))
                .logDir(tmp.resolve("logs"))
                .startupTimeout(Duration.ofSeconds(30));

        long t0 = System.nanoTime();
        assertThatThrownBy(b::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited before it was ready")
                .hasMessageContaining(RepoLayout.MAIN_CLASS);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(25));
        try (var logs = Files.list(tmp.resolve("logs"))) {
            assertThat(logs.count()).isEqualTo(1);
        }
    }

    private Path fakeRepo() throws Exception {
        Path root = tmp.resolve("repo");
        Files.createDirectories(root.resolve("server/target/classes"));
        Files.writeString(root.resolve(RepoLayout.CLASSPATH_FILE), "");
        return root;
    }
}

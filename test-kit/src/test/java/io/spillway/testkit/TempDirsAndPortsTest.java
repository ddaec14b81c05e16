package io.spillway.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TempDirsAndPortsTest {

    @Test
    void createsAndDeletesNestedDirectories() throws Exception {
        Path dir = TempDirs.create("testkit");
        Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve("a/b/f.txt"), "x");
        assertThat(dir.getFileName().toString()).startsWith("testkit-");

        TempDirs.delete(dir);

        assertThat(dir).doesNotExist();
        TempDirs.delete(dir); // missing is fine
        TempDirs.deleteQuietly(null);
    }

    @Test
    void freePortCanBeBoundAndListeningIsDetected() throws Exception {
        int port = Ports.freePort();
        assertThat(port).isBetween(1, 65535);
        assertThat(Ports.isListening("127.0.0.1", port, Duration.ofMillis(200))).isFalse();
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertThat(Ports.isListening("127.0.0.1", port, Duration.ofSeconds(2))).isTrue();
        }
    }
}

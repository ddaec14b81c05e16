package io.spillway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Where {@code spillway serve} takes its data directory and port from: flags, environment, properties file. */
class ServeSettingsTest {
    @TempDir
    Path dir;

    private static Main.Serve parsed(String... args) {
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs(args);
        return serve;
    }

    @Test
    void kafkasLogDirsNamesTheDataDirectoryOfAPropertiesFile() throws Exception {
        Path file = Files.writeString(dir.resolve("server.properties"), "log.dirs=/var/lib/kafka-data\nnode.id=1\n");
        ServerConfig config = parsed("--config", file.toString()).resolve(Map.of());
        assertThat(config.dataDir()).isEqualTo(Paths.get("/var/lib/kafka-data"));
        assertThat(config.settings()).containsEntry("node.id", "1");

        Path both = Files.writeString(dir.resolve("both.properties"), "log.dirs=/a\ndata.dir=/b\n");
        assertThat(parsed("--config", both.toString()).resolve(Map.of()).dataDir()).isEqualTo(Paths.get("/b"));
        assertThat(parsed("--config", file.toString(), "--data-dir", "/c").resolve(Map.of()).dataDir())
                .isEqualTo(Paths.get("/c"));
        assertThat(parsed("--config", file.toString()).resolve(Map.of("SPILLWAY_DATA_DIR", "/d")).dataDir())
                .isEqualTo(Paths.get("/d"));
        assertThat(parsed("--set", "log.dir=/e").resolve(Map.of()).dataDir()).isEqualTo(Paths.get("/e"));
        assertThat(parsed().resolve(Map.of()).dataDir()).isEqualTo(Paths.get("data"));
    }

    @Test
    void aMistypedVariableIsWarnedAboutNamingTheNearest() {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Main.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            Main.Serve.checkVariables(Map.of("SPILLWAY_DATADIR", "/x", "SPILLWAY_PORT", "1", "PATH", "/bin"));
        } finally {
            logger.detachAppender(appender);
        }
        assertThat(appender.list).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                .startsWith("Environment variable SPILLWAY_DATADIR is not one Spillway reads and is ignored "
                        + "(did you mean SPILLWAY_DATA_DIR?)"));
    }

    @Test
    void whatLosesToAnotherSettingIsNoted() throws Exception {
        Path file = Files.writeString(dir.resolve("n.properties"), "log.dirs=/b\nlisteners=PLAINTEXT://:0\n");
        Main.Serve serve = parsed("--config", file.toString(), "--data-dir", "/a", "--port", "9999");
        serve.resolve(Map.of());
        assertThat(serve.ignored).containsExactly("log.dirs=/b (the data directory is /a, from --data-dir)",
                "--port=9999 (listeners is set and names every address)");
    }

    @Test
    void propertiesFilesAreUtf8AndMayStartWithABom() throws Exception {
        Path file = dir.resolve("bom.properties");
        Files.write(file, ("\uFEFFnum.partitions=3\ndata.dir=/d\u00e4ta\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ServerConfig config = parsed("--config", file.toString()).resolve(Map.of());
        assertThat(config.settings()).containsEntry("num.partitions", "3");
        assertThat(config.dataDir()).isEqualTo(Paths.get("/d\u00e4ta"));
        Path latin1 = Files.write(dir.resolve("latin1.properties"), new byte[] {'a', '=', (byte) 0xE4, '\n'});
        assertThatThrownBy(() -> parsed("--config", latin1.toString()).resolve(Map.of()))
                .hasMessageContaining("is not UTF-8 text");
    }

    @Test
    void portsComeFromFlagThenEnvironmentThenFileAndAreChecked() throws Exception {
        Path file = Files.writeString(dir.resolve("p.properties"), "listener.port=19092\n");
        assertThat(parsed("--config", file.toString()).resolve(Map.of()).port()).isEqualTo(19092);
        assertThat(parsed("--config", file.toString()).resolve(Map.of("SPILLWAY_PORT", "29092")).port()).isEqualTo(29092);
        assertThat(parsed("--port", "0").resolve(Map.of("SPILLWAY_PORT", "29092")).port()).isZero();
        assertThatThrownBy(() -> parsed().resolve(Map.of("SPILLWAY_PORT", "x")))
                .hasMessage("Invalid value x for SPILLWAY_PORT: must be a port number 0-65535");
    }
}

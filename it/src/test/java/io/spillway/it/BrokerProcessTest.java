package io.spillway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.testkit.RepoLayout;
import io.spillway.testkit.SpillwayProcess;
import io.spillway.testkit.TempDirs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker as an operating-system process: started by the test kit and by {@code bin/spillway},
 * stopped gracefully and restarted, and its file-descriptor use as topics are added.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrokerProcessTest {

    private static final Pattern READY = Pattern.compile("Kafka listener on ([^\\s:,]+):(\\d+)");

    private Path dir;
    private final List<SpillwayProcess> brokers = new ArrayList<>();
    private final List<Process> scripts = new ArrayList<>();

    @BeforeEach
    void setUp() {
        dir = TempDirs.create("spillway-process");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            for (Process p : scripts) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            for (SpillwayProcess b : brokers) {
                b.close();
            }
        } finally {
            TempDirs.deleteQuietly(dir);
        }
    }

    @Test
    void childBrokerStopsGracefullyAndRestartsOnItsData() throws Exception {
        SpillwayProcess.Builder builder = SpillwayProcess.builder().name("lifecycle").dataDir(dir.resolve("data"));
        SpillwayProcess broker = started(builder);
        assertThat(broker.isAlive()).isTrue();
        assertThat(broker.pid()).isPositive().isNotEqualTo(ProcessHandle.current().pid());
        assertThat(broker.port()).isBetween(1, 65535);
        assertThat(broker.openFileDescriptors()).isPositive();

        try (Admin admin = admin(broker)) {
            Collection<Node> nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
            assertThat(nodes).hasSize(1);
            Node node = nodes.iterator().next();
            assertThat(node.host()).isEqualTo("127.0.0.1");
            assertThat(node.port()).isEqualTo(broker.port());
            admin.createTopics(List.of(new NewTopic("lifecycle", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        long offset = produceOne(broker, "lifecycle", "before-stop");
        assertThat(offset).isZero();

        int exit = broker.stop(Duration.ofSeconds(30));
        assertThat(exit).as("exit code after SIGTERM (0, or 143 when the JVM reports the signal)").isIn(0, 143);
        assertThat(broker.isAlive()).isFalse();
        String log = Files.readString(broker.logFile());
        assertThat(log).contains("Kafka listener on", "Spillway 0.1.0 starting: Java ")
                .containsPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO ")
                .containsPattern("Created topics lifecycle \\(2 partitions\\) for client '[^']*' at ");

        SpillwayProcess again = started(builder);
        try (Admin admin = admin(again)) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("lifecycle");
        }
        assertThat(produceOne(again, "lifecycle", "after-restart")).as("next offset after a graceful restart").isEqualTo(1L);
    }

    @Test
    void topicCountDoesNotCostFileDescriptors() throws Exception {
        SpillwayProcess broker = started(SpillwayProcess.builder().name("fds").dataDir(dir.resolve("data")));
        try (Admin admin = admin(broker); KafkaProducer<String, String> producer = producer(broker)) {
            // warm up: one topic with data, so the shared log and its index are open
            createTopics(admin, "fd-warmup-", 1);
            producer.send(new ProducerRecord<>("fd-warmup-0", "k", "v")).get(30, TimeUnit.SECONDS);
            long before = broker.openFileDescriptors();

            int topics = 400;
            createTopics(admin, "fd-topic-", topics);
            List<java.util.concurrent.Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < topics; i++) {
                sends.add(producer.send(new ProducerRecord<>("fd-topic-" + i, "k" + i, "v" + i)));
            }
            for (java.util.concurrent.Future<RecordMetadata> f : sends) {
                assertThat(f.get(30, TimeUnit.SECONDS).offset()).isZero();
            }
            long after = broker.openFileDescriptors();
            assertThat(after - before)
                    .as("file descriptors added by %d topics with data (before %d, after %d)", topics, before, after)
                    .isLessThan(40);
        }
    }

    @Test
    void launcherScriptServesFromAnyDirectoryWithDataRelativeToIt() throws Exception {
        Path repo = RepoLayout.repoRoot();
        Path script = repo.resolve("bin/spillway");
        assertThat(script).isExecutable();

        // --help answers without starting anything
        Path helpOut = dir.resolve("help.txt");
        ProcessBuilder help = new ProcessBuilder(script.toString(), "--help").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(helpOut.toFile());
        help.environment().put("SPILLWAY_NO_BUILD", "1");
        Process h = help.start();
        scripts.add(h);
        assertThat(h.waitFor(60, TimeUnit.SECONDS)).as("bin/spillway --help finishes").isTrue();
        String helpText = Files.readString(helpOut);
        assertThat(h.exitValue()).as("exit code of bin/spillway --help:\n%s", helpText).isZero();
        assertThat(helpText).contains("serve").contains("--data-dir").contains("--port");

        // default data dir is ./data of the caller's directory
        Path cwd = Files.createDirectories(dir.resolve("work"));
        Script served = serve(script, cwd, Map.of(), "serve", "--port", "0");
        assertThat(served.dataDirInReadyLine).isEqualTo(cwd.resolve("data").toString());
        assertThat(cwd.resolve("data")).isDirectory();
        try (Admin admin = Admin.create(adminProps("127.0.0.1:" + served.port))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        }
        served.process.destroy();
        assertThat(served.process.waitFor(30, TimeUnit.SECONDS)).as("broker exits on SIGTERM").isTrue();

        // environment is used, and a flag wins over it
        Script env = serve(script, cwd, Map.of("SPILLWAY_PORT", "0", "SPILLWAY_DATA_DIR", "env-data"), "serve", "--data-dir", "flag-data");
        assertThat(env.dataDirInReadyLine).isEqualTo(cwd.resolve("flag-data").toString());
        assertThat(cwd.resolve("env-data")).doesNotExist();
        env.process.destroy();
        assertThat(env.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private record Script(Process process, int port, String dataDirInReadyLine) {
    }

    /** Runs bin/spillway in {@code cwd} and waits for its ready line. */
    private Script serve(Path script, Path cwd, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(script.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().put("SPILLWAY_NO_BUILD", "1");
        pb.environment().put("SPILLWAY_HEAP", "512m");
        pb.environment().remove("SPILLWAY_DATA_DIR");
        pb.environment().remove("SPILLWAY_PORT");
        pb.environment().remove("SPILLWAY_HOST");
        pb.environment().remove("SPILLWAY_CONFIG");
        pb.environment().putAll(env);
        Process p = pb.start();
        scripts.add(p);
        CompletableFuture<String> ready = new CompletableFuture<>();
        StringBuffer output = new StringBuffer();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.append(line).append('\n');
                    if (READY.matcher(line).find()) {
                        ready.complete(line);
                    }
                }
            } catch (Exception e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("output ended"));
        }, "bin-spillway-output");
        pump.setDaemon(true);
        pump.start();
        String line;
        try {
            line = ready.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("bin/spillway " + String.join(" ", args) + " did not become ready; output:\n" + output, e);
        }
        Matcher m = READY.matcher(line);
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo("127.0.0.1");
        Matcher data = Pattern.compile("data in (\\S+?),?(\\s|$)").matcher(line);
        assertThat(data.find()).as("ready line names the data directory: %s", line).isTrue();
        return new Script(p, Integer.parseInt(m.group(2)), data.group(1));
    }

    private SpillwayProcess started(SpillwayProcess.Builder builder) {
        SpillwayProcess p = builder.start();
        brokers.add(p);
        return p;
    }

    private static void createTopics(Admin admin, String prefix, int count) throws Exception {
        for (int from = 0; from < count; from += 100) {
            List<NewTopic> batch = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + 100); i++) {
                batch.add(new NewTopic(prefix + i, 1, (short) 1));
            }
            admin.createTopics(batch).all().get(60, TimeUnit.SECONDS);
        }
    }

    private static long produceOne(SpillwayProcess broker, String topic, String value) throws Exception {
        try (KafkaProducer<String, String> producer = producer(broker)) {
            return producer.send(new ProducerRecord<>(topic, 0, "k", value)).get(30, TimeUnit.SECONDS).offset();
        }
    }

    private static KafkaProducer<String, String> producer(SpillwayProcess broker) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static Admin admin(SpillwayProcess broker) {
        return Admin.create(adminProps(broker.bootstrap()));
    }

    private static Properties adminProps(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return p;
    }
}

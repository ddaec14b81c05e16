package io.spillway.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.server.ServerConfig;
import io.spillway.server.SpillwayServer;
import io.spillway.testkit.Ports;
import io.spillway.testkit.RepoLayout;
import io.spillway.testkit.TempDirs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code spillway} client commands through the real launcher ({@code bin/spillway}, a child JVM each, with
 * SPILLWAY_NO_BUILD=1 since the build has run) against one in-process broker: every subcommand's happy path,
 * checked on its output ({@code --output json} parsed with Jackson) and on the broker through the Admin API, and
 * the error paths with their exit codes (1 broker/I-O error, 2 bad usage, 3 broker unreachable). Each launch costs
 * about a second, so each test batches several checks.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CliTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ExecutorService LAUNCHES = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cli-launch");
        t.setDaemon(true);
        return t;
    });

    private static Path dataDir;
    private static Path work;
    private static SpillwayServer server;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        dataDir = TempDirs.create("spillway-cli");
        work = TempDirs.create("spillway-cli-work");
        server = SpillwayServer.start(ServerConfig.builder().dataDir(dataDir).host("127.0.0.1").port(0)
                .set("num.partitions", "1")
                .set("group.share.min.session.timeout.ms", "2000")
                .set("group.share.min.heartbeat.interval.ms", "200")
                .build());
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap());
        admin = Admin.create(p);
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (server != null) {
            server.close();
        }
        TempDirs.deleteQuietly(dataDir);
        TempDirs.deleteQuietly(work);
    }

    private record Run(int exit, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** Runs {@code bin/spillway args...} against the test broker, with {@code stdin} as its input. */
    private static Run spillway(String stdin, String... args) throws Exception {
        Path repo = RepoLayout.repoRoot();
        List<String> cmd = new ArrayList<>();
        cmd.add(repo.resolve("bin/spillway").toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        Path in = Files.createTempFile(work, "in", ".txt");
        Files.writeString(in, stdin == null ? "" : stdin);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
                .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("SPILLWAY_NO_BUILD", "1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home")); // skips the launcher's JDK search
        pb.environment().put("SPILLWAY_BOOTSTRAP", server.bootstrap());
        pb.environment().remove("JAVA_OPTS");
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/spillway " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** {@link #spillway} on another thread: launches that do not depend on each other overlap. */
    private static CompletableFuture<Run> async(String stdin, String... args) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return spillway(stdin, args);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, LAUNCHES);
    }

    private static Run ok(String stdin, String... args) throws Exception {
        Run r = spillway(stdin, args);
        assertThat(r.exit()).as("bin/spillway %s\n%s", String.join(" ", args), r).isZero();
        return r;
    }

    @Test
    void helpListsEveryCommandAndUsageErrorsExitWithTwo() throws Exception {
        CompletableFuture<Run> serveHelpRun = async(null, "help", "serve");
        CompletableFuture<Run> badRun = async(null, "topic", "list", "--no-such-flag");
        Run help = ok(null, "--help");
        assertThat(help.out()).contains("serve", "status", "topic", "stream", "group", "produce", "consume", "config",
                "Exit codes", "could not be reached");
        Run serveHelp = serveHelpRun.get();
        assertThat(serveHelp.exit()).as("%s", serveHelp).isZero();
        // serve's own help (with Spillway's settings), not the list of commands
        assertThat(serveHelp.out()).contains("Usage: spillway serve", "--data-dir", "spillway.fsync (default true)")
                .doesNotContain("Commands:").doesNotContainPattern("(?m)^\\s+produce\\s");

        Run bad = badRun.get();
        assertThat(bad.exit()).as("%s", bad).isEqualTo(2);
        assertThat(bad.err()).contains("--no-such-flag");
    }

    @Test
    void topicsAreCreatedDescribedChangedAndDeleted() throws Exception {
        CompletableFuture<Run> unknownRun = async(null, "topic", "describe", "cli-missing");
        ok(null, "topic", "create", "cli-orders", "--partitions", "3", "--config", "retention.ms=3600000");
        assertThat(admin.describeTopics(List.of("cli-orders")).allTopicNames().get().get("cli-orders").partitions())
                .hasSize(3);

        ok(null, "topic", "alter-config", "cli-orders", "--set", "cleanup.policy=compact", "--delete", "retention.ms");
        Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "cli-orders")))
                .all().get().values().iterator().next();
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(config.get("retention.ms").source()).isEqualTo(
                org.apache.kafka.clients.admin.ConfigEntry.ConfigSource.DEFAULT_CONFIG);

        JsonNode list = ok(null, "topic", "list", "--output", "json").json();
        assertThat(list.get("topics").findValuesAsText("name")).contains("cli-orders")
                .doesNotContain("__consumer_offsets");

        JsonNode describe = ok(null, "topic", "describe", "cli-orders", "-o", "json").json();
        assertThat(describe.get("name").asText()).isEqualTo("cli-orders");
        assertThat(describe.get("partitions")).hasSize(3);
        assertThat(describe.get("partitions").get(2).get("endOffset").asLong()).isZero();
        assertThat(describe.get("configs").get("cleanup.policy").asText()).isEqualTo("compact");

        Run again = spillway(null, "topic", "create", "cli-orders");
        assertThat(again.exit()).as("%s", again).isEqualTo(1);
        assertThat(again.err()).contains("topic 'cli-orders' already exists").doesNotContain("Exception");

        Run unknown = unknownRun.get();
        assertThat(unknown.exit()).as("%s", unknown).isEqualTo(1);
        assertThat(unknown.err().strip()).isEqualTo("spillway topic describe: topic 'cli-missing' does not exist");

        ok(null, "topic", "delete", "cli-orders");
        assertThat(admin.listTopics().names().get()).doesNotContain("cli-orders");
    }

    @Test
    void streamsAreCreatedListedConfiguredAndDeleted() throws Exception {
        CompletableFuture<Run> notAStreamRun = async(null, "stream", "create", "cli-fraud");
        ok(null, "stream", "create", "/cli/fraud", "--partitions", "2", "--config", "retention.ms=86400000");
        admin.createTopics(List.of(new NewTopic("/cli/fraud:cards", java.util.Optional.empty(),
                java.util.Optional.empty()))).all().get();

        JsonNode streams = ok(null, "stream", "list", "-o", "json").json();
        assertThat(streams.get("streams")).anySatisfy(s -> {
            assertThat(s.get("name").asText()).isEqualTo("/cli/fraud");
            assertThat(s.get("topics").asInt()).isEqualTo(1);
        });

        JsonNode configs = ok(null, "config", "stream", "/cli/fraud", "-o", "json").json();
        assertThat(configs.get("configs")).anySatisfy(c -> {
            assertThat(c.get("name").asText()).isEqualTo("retention.ms");
            assertThat(c.get("value").asText()).isEqualTo("86400000");
        });
        assertThat(admin.describeTopics(List.of("/cli/fraud:cards")).allTopicNames().get()
                .get("/cli/fraud:cards").partitions()).as("the stream's default partitions").hasSize(2);

        Run notAStream = notAStreamRun.get();
        assertThat(notAStream.exit()).as("%s", notAStream).isEqualTo(2);
        assertThat(notAStream.err()).contains("not a stream path");

        ok(null, "stream", "delete", "/cli/fraud");
        assertThat(admin.listTopics().names().get()).doesNotContain("/cli/fraud:cards");
    }

    @Test
    void produceAndConsumeRoundTripJsonAndTextLines() throws Exception {
        CompletableFuture<Run> missingRun = async(null, "consume", "cli-nope", "--timeout-ms", "3000");
        admin.createTopics(List.of(new NewTopic("cli-events", 2, (short) 1), new NewTopic("cli-bad-input", 1, (short) 1)))
                .all().get();
        Path bad = work.resolve("bad.jsonl");
        Files.writeString(bad, "{\"value\":\"fine\"}\n{\"value\": oops}\n");
        CompletableFuture<Run> badLineRun = async(null, "produce", "cli-bad-input", "--format", "json", "--file",
                bad.toString());
        String lines = "{\"key\":\"k1\",\"value\":\"v1\",\"headers\":{\"h\":\"x\"},\"partition\":1}\n"
                + "{\"key\":\"k2\",\"value\":{\"amount\":12.5},\"partition\":0}\n"
                + "{\"value\":\"no key\",\"partition\":0}\n";
        JsonNode produced = ok(lines, "produce", "cli-events", "--format", "json", "-o", "json").json();
        assertThat(produced.get("records").asLong()).isEqualTo(3);

        Path textFile = work.resolve("text.txt");
        Files.writeString(textFile, "a:1\nb:2\n");
        ok(null, "produce", "cli-events", "--file", textFile.toString(), "--key-separator", ":");

        Path outFile = work.resolve("consumed.jsonl");
        Run consumed = ok(null, "consume", "cli-events", "--from-beginning", "--max-records", "5", "--format", "json",
                "--file", outFile.toString(), "--progress");
        assertThat(consumed.err()).contains("consumed 5 records");
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(outFile)) {
            records.add(JSON.readTree(line));
        }
        assertThat(records).hasSize(5);
        JsonNode k1 = records.stream().filter(r -> "k1".equals(r.get("key").asText())).findFirst().orElseThrow();
        assertThat(k1.get("topic").asText()).isEqualTo("cli-events");
        assertThat(k1.get("partition").asInt()).isEqualTo(1);
        assertThat(k1.get("offset").asLong()).isZero();
        assertThat(k1.get("timestamp").asLong()).isPositive();
        assertThat(k1.get("value").asText()).isEqualTo("v1");
        assertThat(k1.get("headers").get("h").asText()).isEqualTo("x");
        assertThat(records).anySatisfy(r -> assertThat(r.get("value").asText()).isEqualTo("{\"amount\":12.5}"));
        assertThat(records).anySatisfy(r -> assertThat(r.get("key").isNull()).isTrue());

        // as a group, text with keys, ends after --timeout-ms without records, and commits what it printed
        Run text = ok(null, "consume", "cli-events", "--group", "cli-reader", "--from-beginning", "--timeout-ms", "2000",
                "-K", "=");
        assertThat(text.out().lines().toList()).containsExactlyInAnyOrder("k1=v1", "k2={\"amount\":12.5}",
                "=no key", "a=1", "b=2");
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("cli-reader")
                .partitionsToOffsetAndMetadata().get();
        assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(5);

        Run missing = missingRun.get();
        assertThat(missing.exit()).as("%s", missing).isEqualTo(1);
        assertThat(missing.err()).contains("topic 'cli-nope' does not exist");

        Run badLine = badLineRun.get();
        assertThat(badLine.exit()).as("%s", badLine).isEqualTo(1);
        assertThat(badLine.err()).contains("line 2 of " + bad, "1 records before it were produced");
    }

    @Test
    void groupsAreListedDescribedResetAndDeleted() throws Exception {
        admin.createTopics(List.of(new NewTopic("cli-lag", 2, (short) 1))).all().get();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap()), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("cli-lag", i % 2, null, "v" + i));
            }
        }
        TopicPartition p0 = new TopicPartition("cli-lag", 0);
        TopicPartition p1 = new TopicPartition("cli-lag", 1);
        admin.alterConsumerGroupOffsets("cli-lagging", Map.of(p0, new OffsetAndMetadata(2),
                p1, new OffsetAndMetadata(5))).all().get();
        String shareGroup = "cli-share";
        consumeAsShareGroup(shareGroup, "cli-lag");

        JsonNode groups = ok(null, "group", "list", "-o", "json").json();
        assertThat(groups.get("groups")).anySatisfy(g -> {
            assertThat(g.get("group").asText()).isEqualTo("cli-lagging");
            assertThat(g.get("type").asText()).isEqualTo("classic");
        });
        assertThat(groups.get("groups")).anySatisfy(g -> {
            assertThat(g.get("group").asText()).isEqualTo(shareGroup);
            assertThat(g.get("type").asText()).isEqualTo("share");
        });

        CompletableFuture<Run> tableRun = async(null, "group", "describe", "cli-lagging");
        CompletableFuture<Run> shareRun = async(null, "group", "describe", shareGroup, "-o", "json");
        JsonNode described = ok(null, "group", "describe", "cli-lagging", "-o", "json").json();
        assertThat(described.get("totalLag").asLong()).isEqualTo(3 + 0);
        JsonNode first = described.get("partitions").get(0);
        assertThat(first.get("partition").asInt()).isZero();
        assertThat(first.get("committedOffset").asLong()).isEqualTo(2);
        assertThat(first.get("endOffset").asLong()).isEqualTo(5);
        assertThat(first.get("lag").asLong()).isEqualTo(3);
        Run table = tableRun.get();
        assertThat(table.exit()).as("%s", table).isZero();
        assertThat(table.out()).contains("COMMITTED-OFFSET", "END-OFFSET", "LAG", "MEMBER");

        assertThat(shareRun.get().exit()).as("%s", shareRun.get()).isZero();
        JsonNode share = shareRun.get().json();
        assertThat(share.get("type").asText()).isEqualTo("share");
        assertThat(share.get("partitions")).isNotEmpty();

        JsonNode dryRun = ok(null, "group", "reset-offsets", "cli-lagging", "--topic", "cli-lag", "--to-earliest",
                "-o", "json").json();
        assertThat(dryRun.get("executed").asBoolean()).isFalse();
        assertThat(dryRun.get("partitions").get(0).get("newOffset").asLong()).isZero();
        assertThat(admin.listConsumerGroupOffsets("cli-lagging").partitionsToOffsetAndMetadata().get().get(p0).offset())
                .as("a dry run changes nothing").isEqualTo(2);
        ok(null, "group", "reset-offsets", "cli-lagging", "--topic", "cli-lag", "--to-offset", "4", "--execute");
        Map<TopicPartition, OffsetAndMetadata> reset = admin.listConsumerGroupOffsets("cli-lagging")
                .partitionsToOffsetAndMetadata().get();
        assertThat(reset.get(p0).offset()).isEqualTo(4);
        assertThat(reset.get(p1).offset()).isEqualTo(4);

        ok(null, "group", "delete", "cli-lagging");
        assertThat(admin.listGroups().all().get()).noneSatisfy(g -> assertThat(g.groupId()).isEqualTo("cli-lagging"));
        Run gone = spillway(null, "group", "describe", "cli-lagging", "--verbose");
        assertThat(gone.exit()).as("%s", gone).isEqualTo(1);
        assertThat(gone.err()).startsWith("spillway group describe: group 'cli-lagging' does not exist")
                .as("--verbose adds the stack trace").contains("\tat io.spillway.server.cli.");
    }

    private static void consumeAsShareGroup(String group, String topic) throws Exception {
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
                new org.apache.kafka.clients.admin.AlterConfigOp(new org.apache.kafka.clients.admin.ConfigEntry(
                        "share.auto.offset.reset", "earliest"), org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET))))
                .all().get();
        try (KafkaShareConsumer<String, String> consumer = new KafkaShareConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, group), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int seen = 0;
            while (seen == 0 && System.nanoTime() < deadline) {
                seen += consumer.poll(Duration.ofMillis(500)).count();
            }
            assertThat(seen).as("records the share consumer got").isPositive();
            consumer.commitSync();
        }
    }

    @Test
    void statusAndConfigsAndAnUnreachableBroker() throws Exception {
        admin.createTopics(List.of(new NewTopic("cli-status", 4, (short) 1))).all().get();
        long started = System.nanoTime();
        CompletableFuture<Run> downRun = async(null, "topic", "list", "--bootstrap-server",
                "127.0.0.1:" + Ports.freePort(), "--timeout-ms", "1500");
        // when the unreachable run itself ended (the runs after it in this test must not count against it)
        CompletableFuture<Long> downEnded = downRun.thenApply(r -> System.nanoTime());
        CompletableFuture<Run> statusTable = async(null, "status");
        JsonNode status = ok(null, "status", "-o", "json").json();
        assertThat(status.get("clusterId").asText()).isNotBlank();
        assertThat(status.get("brokers").get(0).get("port").asInt()).isEqualTo(server.port());
        assertThat(status.get("topics").asInt()).isPositive();
        assertThat(status.get("partitions").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(status.has("groups")).isTrue();
        assertThat(statusTable.get().out()).as("%s", statusTable.get()).contains("Cluster id:", "Partitions:", "Groups:");

        JsonNode broker = ok(null, "config", "broker", "--all", "-o", "json").json();
        assertThat(broker.get("resource").asText()).isEqualTo("broker");
        assertThat(broker.get("configs")).anySatisfy(c -> {
            assertThat(c.get("name").asText()).isEqualTo("num.partitions");
            assertThat(c.get("value").asText()).isEqualTo("1");
        });
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, "cli-configured"), List.of(
                new org.apache.kafka.clients.admin.AlterConfigOp(new org.apache.kafka.clients.admin.ConfigEntry(
                        "consumer.session.timeout.ms", "50000"),
                        org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().get();
        JsonNode group = ok(null, "config", "group", "cli-configured", "-o", "json").json();
        assertThat(group.get("configs")).anySatisfy(c -> {
            assertThat(c.get("name").asText()).isEqualTo("consumer.session.timeout.ms");
            assertThat(c.get("value").asText()).isEqualTo("50000");
        });

        Run down = downRun.get();
        assertThat(down.exit()).as("%s", down).isEqualTo(3);
        assertThat(down.err()).contains("cannot reach the broker").doesNotContain("at org.");
        assertThat(Duration.ofNanos(downEnded.get() - started)).as("an unreachable broker ends the command, "
                + "JVM start included").isLessThan(Duration.ofSeconds(15));

        Run noSuchBroker = async(null, "config", "broker", "42").get();
        assertThat(noSuchBroker.exit()).as("%s", noSuchBroker).isEqualTo(1);
        assertThat(noSuchBroker.err()).contains("No broker 42 in this cluster; its broker is 0");
    }
}

package io.spillway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kcat (librdkafka, the C client behind confluent-kafka-python/-go/-dotnet and many others) against the
 * broker, cross-checked with kafka-clients in both directions. kcat must be on the PATH; CI installs it
 * (`apt-get install -y kcat`), so a missing kcat fails rather than skips.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KcatTest {

    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create();

    /** Every kcat call here finishes in about a second; a hang is a failure, not something to wait out. */
    private static final Duration KCAT_TIMEOUT = Duration.ofSeconds(20);
    private static String kcat;

    @BeforeAll
    static void findKcat() {
        kcat = onPath("kcat");
        if (kcat == null) {
            kcat = onPath("kafkacat");
        }
        assertThat(kcat).as("kcat (or kafkacat) must be on the PATH for KcatTest; install it with "
                + "'apt-get install -y kcat' (Debian/Ubuntu) or 'brew install kcat' (macOS). CI's .ci/run installs it.")
                .isNotNull();
    }

    private static String onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.isFile() && f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    /** Runs kcat with {@code args} (bootstrap added), feeding {@code stdin}; fails on a non-zero exit or timeout. */
    private static Result kcat(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(kcat);
        cmd.add("-b");
        cmd.add(BROKER.bootstrap());
        cmd.addAll(Arrays.asList(args));
        Path out = Files.createTempFile("kcat-out", ".txt");
        Path err = Files.createTempFile("kcat-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(UTF_8));
                }
            }
            if (!p.waitFor(KCAT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", cmd) + " did not finish within " + KCAT_TIMEOUT
                        + "\nstdout:\n" + Files.readString(out, UTF_8) + "\nstderr:\n" + Files.readString(err, UTF_8));
            }
            Result result = new Result(p.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
            assertThat(result.exitCode()).as("exit code of %s; stderr:%n%s", String.join(" ", cmd), result.stderr())
                    .isZero();
            return result;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int partitions, int expected) {
        KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer();
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        List<ConsumerRecord<byte[], byte[]>> got = EmbeddedBroker.pollUntil(consumer, expected, Duration.ofSeconds(30));
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        return got;
    }

    private static String str(byte[] bytes) {
        return bytes == null ? null : new String(bytes, UTF_8);
    }

    @Test
    void kcatProducesKeyedMessagesThatJavaConsumes() throws Exception {
        String topic = BROKER.createTopic("kcat-keyed", 1);
        String input = "k1:v1\nk2:value two\nk3:value:with:colons\nümlaut:ünïcödé ✓\n:empty key\n";
        kcat(input, "-P", "-t", topic, "-K:", "-p", "0");
        List<ConsumerRecord<byte[], byte[]>> got = readAll(topic, 1, 5);
        assertThat(got).extracting(r -> str(r.key()) + "=" + str(r.value())).containsExactly(
                "k1=v1", "k2=value two", "k3=value:with:colons", "ümlaut=ünïcödé ✓", "=empty key");
        assertThat(got).extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void kcatProducesAndConsumesAStreamTopic() throws Exception {
        String topic = "/apps/kcat:" + EmbeddedBroker.uniqueName("events");
        BROKER.admin().createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 2, (short) 1)))
                .all().get(60, TimeUnit.SECONDS);
        kcat("k1:one\nk2:two\n", "-P", "-t", topic, "-K:", "-p", "1");
        assertThat(readAll(topic, 2, 2)).extracting(r -> r.partition() + "/" + str(r.key()) + "=" + str(r.value()))
                .containsExactly("1/k1=one", "1/k2=two");
        Result consumed = kcat(null, "-C", "-t", topic, "-p", "1", "-o", "0", "-e", "-q", "-f", "%t %k:%s\\n");
        assertThat(consumed.stdout()).isEqualTo(topic + " k1:one\n" + topic + " k2:two\n");
        assertThat(kcat(null, "-L", "-t", topic).stdout()).contains("topic \"" + topic + "\" with 2 partitions");
    }

    @Test
    void aKcatGroupSubscribedByRegexReadsTheTopicsOfOneStreamOnly() throws Exception {
        String stream = "/apps/" + EmbeddedBroker.uniqueName("kcatg");
        String other = "/apps/" + EmbeddedBroker.uniqueName("kcatg-other");
        BROKER.admin().createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(stream + ":orders", 1, (short) 1),
                new org.apache.kafka.clients.admin.NewTopic(stream + ":payments", 1, (short) 1),
                new org.apache.kafka.clients.admin.NewTopic(other + ":orders", 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
        kcat("o1\no2\n", "-P", "-t", stream + ":orders");
        kcat("p1\n", "-P", "-t", stream + ":payments");
        kcat("x1\n", "-P", "-t", other + ":orders");
        String group = EmbeddedBroker.uniqueName("kcat-regex");
        Result consumed = kcat(null, "-G", group, "-X", "auto.offset.reset=earliest", "-e", "-q", "-f", "%t %s\\n",
                "^" + stream + ":.*");
        assertThat(consumed.stdout().lines().sorted().toList()).containsExactly(
                stream + ":orders o1", stream + ":orders o2", stream + ":payments p1");
        var committed = BROKER.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        assertThat(committed.keySet()).extracting(TopicPartition::topic)
                .containsOnly(stream + ":orders", stream + ":payments");
    }

    @ParameterizedTest(name = "kcat -z {0}")
    @ValueSource(strings = {"lz4", "gzip", "snappy"})
    void kcatProducesCompressedMessagesThatJavaConsumes(String codec) throws Exception {
        String topic = BROKER.createTopic("kcat-" + codec, 1);
        int count = 500;
        StringBuilder input = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String value = "message " + i + " " + "compress me ".repeat(10);
            input.append("key-").append(i).append(':').append(value).append('\n');
            expected.add("key-" + i + "=" + value);
        }
        kcat(input.toString(), "-P", "-t", topic, "-K:", "-p", "0", "-z", codec, "-X", "linger.ms=50");
        List<ConsumerRecord<byte[], byte[]>> got = readAll(topic, 1, count);
        assertThat(got).extracting(r -> str(r.key()) + "=" + str(r.value())).containsExactlyElementsOf(expected);
    }

    @Test
    void kcatProducesHeadersThatJavaReads() throws Exception {
        String topic = BROKER.createTopic("kcat-headers", 1);
        kcat("k:with headers\n", "-P", "-t", topic, "-K:", "-p", "0", "-H", "trace=abc", "-H", "source=kcat");
        List<ConsumerRecord<byte[], byte[]>> got = readAll(topic, 1, 1);
        assertThat(got).hasSize(1);
        List<String> headers = new ArrayList<>();
        for (Header h : got.get(0).headers()) {
            headers.add(h.key() + "=" + str(h.value()));
        }
        assertThat(headers).containsExactly("trace=abc", "source=kcat");
    }

    @ParameterizedTest(name = "Java compression.type={0}")
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void javaProducesMessagesThatKcatConsumes(String codec) throws Exception {
        String topic = BROKER.createTopic("java-to-kcat-" + codec, 1);
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG, codec, ProducerConfig.LINGER_MS_CONFIG, "20"));
        List<String> expected = new ArrayList<>();
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String key = i % 10 == 0 ? null : "key-" + i;
            String value = "value " + i + " ünïcödé";
            futures.add(producer.send(new ProducerRecord<>(topic, 0, key == null ? null : key.getBytes(UTF_8),
                    value.getBytes(UTF_8))));
            expected.add((key == null ? "" : key) + ":" + value);
        }
        producer.flush();
        for (Future<RecordMetadata> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        // An absolute start offset: librdkafka fetches right away (logical offsets are covered below).
        Result result = kcat(null, "-C", "-t", topic, "-p", "0", "-o", "0", "-e", "-q", "-f", "%k:%s\\n");
        assertThat(result.stdout().split("\n", -1)).as("kcat -C output; stderr:%n%s", result.stderr())
                .containsExactlyElementsOf(withTrailingEmpty(expected));
    }

    private static List<String> withTrailingEmpty(List<String> lines) {
        List<String> out = new ArrayList<>(lines);
        out.add(""); // the output ends with a newline
        return out;
    }

    @Test
    void kcatRoundTripAcrossPartitionsWithOffsetsAndPartitionsPrinted() throws Exception {
        String topic = BROKER.createTopic("kcat-roundtrip", 3);
        // One kcat call per partition, so each partition's content is known exactly.
        for (int p = 0; p < 3; p++) {
            StringBuilder part = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                part.append("p").append(p).append('-').append(i).append('\n');
            }
            kcat(part.toString(), "-P", "-t", topic, "-p", Integer.toString(p));
        }
        for (int p = 0; p < 3; p++) {
            Result result = kcat(null, "-C", "-t", topic, "-p", Integer.toString(p), "-o", "0", "-e", "-q",
                    "-f", "%p|%o|%s\\n");
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                expected.add(p + "|" + i + "|p" + p + "-" + i);
            }
            assertThat(result.stdout().split("\n", -1)).containsExactlyElementsOf(withTrailingEmpty(expected));
        }
        // Start in the middle: -o 2 on partition 1.
        Result middle = kcat(null, "-C", "-t", topic, "-p", "1", "-o", "2", "-e", "-q", "-f", "%o:%s\\n");
        assertThat(middle.stdout().split("\n", -1)).containsExactly("2:p1-2", "3:p1-3", "");
        // And the Java consumer sees the same 12 records.
        assertThat(readAll(topic, 3, 12)).hasSize(12);
    }

    @Test
    void kcatConsumesFromLogicalOffsets() throws Exception {
        String topic = BROKER.createTopic("kcat-logical", 1);
        KafkaProducer<byte[], byte[]> producer = BROKER.producer();
        for (int i = 0; i < 5; i++) {
            producer.send(new ProducerRecord<>(topic, 0, ("k" + i).getBytes(UTF_8), ("v" + i).getBytes(UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        }
        // -o beginning / end / -N make librdkafka resolve the offset with ListOffsets first.
        Result beginning = kcat(null, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k:%s\\n");
        assertThat(beginning.stdout().split("\n", -1)).containsExactly("k0:v0", "k1:v1", "k2:v2", "k3:v3", "k4:v4", "");
        Result lastTwo = kcat(null, "-C", "-t", topic, "-p", "0", "-o", "-2", "-e", "-q", "-f", "%o:%s\\n");
        assertThat(lastTwo.stdout().split("\n", -1)).containsExactly("3:v3", "4:v4", "");
        Result end = kcat(null, "-C", "-t", topic, "-o", "end", "-e", "-q", "-f", "%k:%s\\n");
        assertThat(end.stdout()).isEmpty();
    }

    @Test
    void kcatListsMetadata() throws Exception {
        String topic = BROKER.createTopic("kcat-metadata", 3);
        Result all = kcat(null, "-L");
        String out = all.stdout();
        assertThat(out).contains("1 brokers:");
        assertThat(out).containsPattern("broker \\d+ at 127\\.0\\.0\\.1:" + BROKER.port());
        assertThat(out).contains("topic \"" + topic + "\" with 3 partitions:");

        Result one = kcat(null, "-L", "-t", topic);
        String single = one.stdout();
        assertThat(single).contains("topic \"" + topic + "\" with 3 partitions:");
        for (int p = 0; p < 3; p++) {
            assertThat(single).containsPattern("partition " + p + ", leader \\d+, replicas: \\d+, isrs: \\d+");
        }
        assertThat(single).doesNotContain("Broker: ");

        // JSON output carries the same, including the broker being the controller.
        Result json = kcat(null, "-L", "-J", "-t", topic);
        assertThat(json.stdout()).contains("\"topic\":\"" + topic + "\"").contains("\"controllerid\":");
    }
}

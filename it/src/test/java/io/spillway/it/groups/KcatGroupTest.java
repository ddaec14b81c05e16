package io.spillway.it.groups;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kcat's balanced consumer ({@code kcat -G}, librdkafka's KafkaConsumer with the classic group protocol)
 * against the group coordinator: it reads every record, commits what it read (visible through the Admin
 * API), resumes from its commits, and two kcat members split the partitions between them. kcat must be on
 * the PATH (CI installs it); a missing kcat fails rather than skips.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KcatGroupTest {

    @RegisterExtension
    static final GroupBroker BROKER = GroupBroker.create();

    private static final int PARTITIONS = 3;
    private static String kcat;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();

    @BeforeAll
    static void findKcat() {
        for (String name : List.of("kcat", "kafkacat")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                File f = new File(dir, name);
                if (kcat == null && f.isFile() && f.canExecute()) {
                    kcat = f.getAbsolutePath();
                }
            }
        }
        assertThat(kcat).as("kcat must be on the PATH (apt-get install -y kcat; CI's .ci/run installs it)").isNotNull();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        for (Path f : files) {
            Files.deleteIfExists(f);
        }
    }

    @Test
    void kcatBalancedConsumerReadsEverythingCommitsAndResumes() throws Exception {
        String topic = BROKER.createTopic("kcat-group", PARTITIONS);
        String group = GroupBroker.uniqueName("kcat-group");
        Set<String> first = produce(topic, 0, 20);

        List<String> read = runToEnd(group, topic);
        assertThat(read).as("records kcat -G read").containsExactlyInAnyOrderElementsOf(first);
        assertThat(committed(group)).as("offsets kcat committed").isEqualTo(endOffsets(topic));

        Set<String> second = produce(topic, 20, 5);
        List<String> resumed = runToEnd(group, topic);
        assertThat(resumed).as("records a second kcat -G run of the group read (only the new ones)")
                .containsExactlyInAnyOrderElementsOf(second);
        assertThat(committed(group)).isEqualTo(endOffsets(topic));
    }

    @Test
    void twoKcatMembersSplitThePartitions() throws Exception {
        String topic = BROKER.createTopic("kcat-split", PARTITIONS);
        String group = GroupBroker.uniqueName("kcat-split");
        Path out1 = tempFile();
        Path out2 = tempFile();
        Process k1 = start(out1, "-G", group, "-u", "-X", "auto.offset.reset=earliest", "-f", "%p %o %s\\n", topic);
        Process k2 = start(out2, "-G", group, "-u", "-X", "auto.offset.reset=earliest", "-f", "%p %o %s\\n", topic);
        Await.until("two kcat members sharing " + PARTITIONS + " partitions", Duration.ofSeconds(40), () -> {
            ConsumerGroupDescription d = describe(group);
            if (d.groupState() != GroupState.STABLE || d.members().size() != 2) {
                return false;
            }
            Set<TopicPartition> union = new HashSet<>();
            int total = 0;
            for (MemberDescription m : d.members()) {
                if (m.assignment().topicPartitions().isEmpty()) {
                    return false;
                }
                union.addAll(m.assignment().topicPartitions());
                total += m.assignment().topicPartitions().size();
            }
            return union.size() == PARTITIONS && total == PARTITIONS;
        }, () -> describe(group).toString());
        ConsumerGroupDescription d = describe(group);
        assertThat(d.members()).extracting(MemberDescription::clientId).containsOnly("rdkafka");
        assertThat(d.partitionAssignor()).as("librdkafka's default assignor").isEqualTo("range");

        Set<String> expected = produce(topic, 0, 20);
        Await.until("both kcat members together to print all records", Duration.ofSeconds(30), () -> {
            Set<String> all = new HashSet<>(lines(out1));
            all.addAll(lines(out2));
            return all.containsAll(expected);
        });
        for (Process p : List.of(k1, k2)) {
            p.destroy(); // SIGTERM: kcat closes its consumer, which commits and leaves the group
        }
        for (Process p : List.of(k1, k2)) {
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("kcat exits after SIGTERM").isTrue();
        }
        List<String> got1 = lines(out1);
        List<String> got2 = lines(out2);
        assertThat(got1).as("member 1 read something").isNotEmpty();
        assertThat(got2).as("member 2 read something").isNotEmpty();
        List<String> both = new ArrayList<>(got1);
        both.addAll(got2);
        assertThat(both).as("every record read by exactly one member").containsExactlyInAnyOrderElementsOf(expected);
        Set<String> partitions1 = partitionsOf(got1);
        Set<String> partitions2 = partitionsOf(got2);
        assertThat(partitions1).as("partitions read by both members").doesNotContainAnyElementsOf(partitions2);
        Await.until("the group to be empty and its offsets at the log end", Duration.ofSeconds(20),
                () -> describe(group).groupState() == GroupState.EMPTY && committed(group).equals(endOffsets(topic)),
                () -> describe(group).groupState() + " " + committed(group) + " vs " + endOffsets(topic));
    }

    // --- helpers ---

    /** Runs {@code kcat -G group -e} to the end of every assigned partition; returns "partition offset value" lines. */
    private List<String> runToEnd(String group, String topic) throws Exception {
        Path out = tempFile();
        Process p = start(out, "-G", group, "-e", "-X", "auto.offset.reset=earliest", "-f", "%p %o %s\\n", topic);
        if (!p.waitFor(40, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kcat -G -e did not finish within 40 s; output so far:\n" + Files.readString(out, UTF_8));
        }
        assertThat(p.exitValue()).as("kcat exit code; output:\n%s", Files.readString(out, UTF_8)).isZero();
        return lines(out);
    }

    private Process start(Path out, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(kcat, "-b", BROKER.bootstrap(), "-q"));
        cmd.addAll(Arrays.asList(args));
        Path err = tempFile();
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        processes.add(p);
        return p;
    }

    private Path tempFile() throws Exception {
        Path f = Files.createTempFile("kcat-group", ".txt");
        files.add(f);
        return f;
    }

    private static List<String> lines(Path file) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, UTF_8)) {
            if (line.matches("\\d+ \\d+ .*")) {
                out.add(line);
            }
        }
        return out;
    }

    private static Set<String> partitionsOf(List<String> lines) {
        Set<String> out = new HashSet<>();
        lines.forEach(l -> out.add(l.substring(0, l.indexOf(' '))));
        return out;
    }

    /** Produces {@code count} records to each partition, record i of partition p at offset i; returns the lines kcat prints. */
    private static Set<String> produce(String topic, int from, int count) throws Exception {
        KafkaProducer<String, String> producer = BROKER.producer();
        Set<String> lines = new HashSet<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (int i = from; i < from + count; i++) {
                String value = "p" + p + "-r" + i;
                producer.send(new ProducerRecord<>(topic, p, "k" + i, value));
                lines.add(p + " " + i + " " + value);
            }
        }
        producer.flush();
        return lines;
    }

    private static ConsumerGroupDescription describe(String group) throws Exception {
        return BROKER.admin().describeConsumerGroups(List.of(group)).describedGroups().get(group).get(30, TimeUnit.SECONDS);
    }

    private static Map<TopicPartition, Long> committed(String group) throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = BROKER.admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        offsets.forEach((tp, om) -> {
            if (om != null) {
                out.put(tp, om.offset());
            }
        });
        return out;
    }

    private static Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        BROKER.admin().listOffsets(request).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }
}

package io.spillway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The side-by-side harness end to end with tiny sizes: a real Spillway broker and a real Apache Kafka broker
 * (from bench-kafka's resolved jars), every workload once, the tables printed and written as Markdown. The
 * transactional rows are checked by the harness itself (end offsets = records + markers, read_committed reads
 * exactly the committed records); a failed check fails the run and so the exit code asserted here.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS) // ~5 min alone; more while the it suite runs beside it (-T 2)
class CompareSmokeTest {

    @Test
    void comparesSpillwayWithKafkaOnEveryWorkload(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("benchmarks.md");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            code = CompareMain.run(new String[] {"--smoke", "--targets", "spillway,kafka", "--heap", "512m",
                "--topics", "100", "--duration", "1s", "--warmup", "500ms", "--latency-duration", "1s",
                "--report", report.toString()}, out);
        }
        String printed = buffer.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed).isZero();
        assertThat(printed).contains("[1/", "Spillway, round 1/1: produce throughput", "Kafka, round 1/1");

        String md = Files.readString(report);
        assertThat(md).contains("<!-- spillway-bench:results:comparison-smoke:begin -->", "### Spillway vs Apache Kafka",
                "Apache Kafka 4.", "Machine:", "bin/spillway-bench compare", "#### Transactions",
                "| Spillway (fsync before ack and of every commit marker (default)) |",
                // the read returned exactly what was committed: 41 transactions of 100 records hold the 4 MiB
                "read_committed spillway round 1: read 4,100 records = the 4,100 committed (41 transactions)",
                "read_committed kafka round 1: read 4,100 records = the 4,100 committed (41 transactions)",
                "#### Log compaction",
                // both cleaners logged their work, and a consumer saw every key once the brokers had compacted
                "compaction spillway round 1: wrote 65,536 records", "last logged: Compacted ",
                "compaction kafka round 1: wrote 65,536 records", "last logged: Log cleaner thread 0 cleaned log compaction-");
        List<String> rows = md.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| Workload")
                && !l.startsWith("| ---")).toList();
        assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("| produce none, 1 producer"))
                .anySatisfy(r -> assertThat(r).startsWith("| produce lz4, 4 producers"))
                .anySatisfy(r -> assertThat(r).contains("tailing read"))
                .anySatisfy(r -> assertThat(r).contains("p99.9"))
                .anySatisfy(r -> assertThat(r).startsWith("| transactional produce, 1 producer").contains("throughput (MiB/s)"))
                .anySatisfy(r -> assertThat(r).startsWith("| transactional produce, 4 producers")
                        .contains("commits (transactions/s)"))
                .anySatisfy(r -> assertThat(r).startsWith("| read_committed consume of 4 MiB"))
                .anySatisfy(r -> assertThat(r).contains("catch-up read"))
                .anySatisfy(r -> assertThat(r).startsWith("| compaction: 64 MiB").contains("cleaned (MiB/s)"))
                .anySatisfy(r -> assertThat(r).startsWith("| compaction: 64 MiB").contains("until compacted"))
                .anySatisfy(r -> assertThat(r).contains("100 single-partition topics", "broker RSS"))
                .anySatisfy(r -> assertThat(r).contains("over SASL_SSL", "produced"))
                .anySatisfy(r -> assertThat(r).contains("over PLAINTEXT", "consumed"))
                .anySatisfy(r -> assertThat(r).contains("quiet tenant, 1,000 records/s, alone", "p99"))
                .anySatisfy(r -> assertThat(r).contains("quiet tenant, 1,000 records/s, beside", "p99"))
                .anySatisfy(r -> assertThat(r).startsWith("| share consume").contains("1 consumer", "records (records/s)"))
                .anySatisfy(r -> assertThat(r).startsWith("| share consume").contains("4 consumers", "throughput (MiB/s)"));
        assertThat(printed).contains("noisy tenant:", "against its quota of 16 MiB/s");
        if (Files.isReadable(Path.of("/proc/self/stat"))) { // the broker's CPU comes from /proc
            assertThat(rows).anySatisfy(r -> assertThat(r).contains("catch-up read", "broker CPU per MiB read (ms)"))
                    .anySatisfy(r -> assertThat(r).contains("tailing read", "broker CPU per MiB read, its writes included"));
        }
        for (String row : rows) {
            List<String> cells = List.of(row.split("\\|"));
            // | workload | metric | spillway | kafka | ratio |
            assertThat(cells.get(3).trim()).as(row).matches("[0-9,.]+");
            assertThat(cells.get(4).trim()).as(row).matches("[0-9,.]+");
            assertThat(cells.get(5).trim()).as(row).matches("[0-9.]+ (ahead|behind)");
        }
    }
}

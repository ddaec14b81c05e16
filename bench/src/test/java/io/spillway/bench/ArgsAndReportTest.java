package io.spillway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArgsAndReportTest {

    @Test
    void reportValuesNameNoPathOfThisMachine() {
        String javaHome = System.getProperty("java.home");
        String tmp = System.getProperty("java.io.tmpdir");
        String line = BenchReport.bullets(java.util.Map.of("Command", javaHome + "/bin/java --data-dir "
                + java.nio.file.Paths.get(tmp, "spillway-bench-data-1")));
        assertThat(line).isEqualTo("- Command: $JAVA_HOME/bin/java --data-dir $TMPDIR/spillway-bench-data-1\n")
                .doesNotContain(javaHome);
    }

    @Test
    void parsesProduceOptions() {
        Args a = Args.parse(new String[] {"--records", "1m", "--record-size=512", "--producer-prop", "linger.ms=20",
                "--producer-prop", "batch.size=65536", "--duration", "90s", "--compression", "zstd"},
                List.of("--help"), BenchOptions.PRODUCE_OPTIONS);
        ProducePerf.Config c = BenchOptions.produceConfig(a);
        assertThat(c.records()).isEqualTo(1_000_000);
        assertThat(c.recordSize()).isEqualTo(512);
        assertThat(c.duration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.effectiveProducerConfig()).containsEntry("linger.ms", "20").containsEntry("batch.size", "65536")
                .containsEntry("compression.type", "zstd").containsEntry("acks", "all")
                .containsEntry("enable.idempotence", "true");
        assertThat(c.warmupDuration()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void defaultsMatchTheBenchmarkWorkload() {
        ProducePerf.Config c = BenchOptions.produceConfig(Args.parse(new String[0], List.of(), BenchOptions.PRODUCE_OPTIONS));
        assertThat(c.partitions()).isEqualTo(8);
        assertThat(c.recordSize()).isEqualTo(1024);
        assertThat(c.producers()).isEqualTo(1);
        assertThat(c.warmupDuration()).isEqualTo(ProducePerf.DEFAULT_WARMUP);
        assertThat(c.warmupRecords()).isEqualTo(-1);
        ProducePerf.Config byCount = BenchOptions.produceConfig(Args.parse(new String[] {"--warmup-records", "500k"},
                List.of(), BenchOptions.PRODUCE_OPTIONS));
        assertThat(byCount.warmupRecords()).isEqualTo(500_000);
        assertThat(byCount.warmupDuration()).isNull();
        assertThat(BenchOptions.produceConfig(Args.parse(new String[] {"--warmup", "0"}, List.of(),
                BenchOptions.PRODUCE_OPTIONS)).warmupDuration()).isZero();
        assertThat(c.effectiveProducerConfig()).containsEntry("batch.size", "16384").containsEntry("linger.ms", "5")
                .containsEntry("compression.type", "none");
    }

    @Test
    void rejectsUnknownOptionsAndBadValues() {
        assertThatThrownBy(() -> Args.parse(new String[] {"--recrods", "5"}, List.of(), BenchOptions.PRODUCE_OPTIONS))
                .hasMessageContaining("unknown option: --recrods");
        assertThatThrownBy(() -> Args.parse(new String[] {"--records"}, List.of(), BenchOptions.PRODUCE_OPTIONS))
                .hasMessageContaining("needs a value");
        Args bad = Args.parse(new String[] {"--records", "lots"}, List.of(), BenchOptions.PRODUCE_OPTIONS);
        assertThatThrownBy(() -> BenchOptions.produceConfig(bad)).hasMessageContaining("whole number");
        Args badProp = Args.parse(new String[] {"--producer-prop", "novalue"}, List.of(), BenchOptions.PRODUCE_OPTIONS);
        assertThatThrownBy(() -> BenchOptions.produceConfig(badProp)).hasMessageContaining("key=value");
    }

    @Test
    void payloadsAreDistinctAndIncompressible() {
        byte[][] pool = ProducePerf.payloadPool(1024, 7);
        assertThat(pool.length).isEqualTo(8192);
        assertThat(pool[0]).hasSize(1024).isNotEqualTo(pool[1]);
        assertThat(ProducePerf.payloadPool(16 << 20, 7).length).isEqualTo(1);
        assertThat(ProducePerf.share(10, 3, 0) + ProducePerf.share(10, 3, 1) + ProducePerf.share(10, 3, 2)).isEqualTo(10);
    }

    @Test
    void reportSectionIsReplacedInPlace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("benchmarks.md");
        Files.writeString(file, "# Benchmarks\n\nHand-written intro.\n");
        BenchReport.writeSection(file, "spillway", "first run\n");
        BenchReport.writeSection(file, "kafka", "kafka run\n");
        BenchReport.writeSection(file, "spillway", "second run\n");
        String content = Files.readString(file);
        assertThat(content).startsWith("# Benchmarks\n\nHand-written intro.\n")
                .contains("second run").doesNotContain("first run").contains("kafka run");
        assertThat(content.indexOf("second run")).isLessThan(content.indexOf("kafka run"));
    }

    @Test
    void tableIsAlignedMarkdown() {
        String t = BenchReport.table(List.of(new BenchReport.Row("produce", 1000, 500.0, 0.5, 1.25, 2.0, 3.0),
                new BenchReport.Row("consume", 1100, 900.0, 0.9, null, null, null)));
        String[] lines = t.split("\n");
        assertThat(lines).hasSize(4);
        assertThat(lines[0]).startsWith("| Workload").contains("Records/s").contains("p99 ms");
        assertThat(lines[1]).matches("\\|[-: |]+\\|");
        assertThat(lines[2]).contains("1,000").contains("500").contains("1.3");
        assertThat(lines[3]).contains("–");
        for (String l : lines) {
            assertThat(l).hasSameSizeAs(lines[0]);
        }
    }
}

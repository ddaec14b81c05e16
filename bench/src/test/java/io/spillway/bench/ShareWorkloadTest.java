package io.spillway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.testkit.Ports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ShareWorkloadTest {

    private static CompareMain.Settings settings(String... argv) {
        return CompareMain.settings(Args.parse(argv, CompareMain.FLAGS, CompareMain.OPTIONS));
    }

    @Test
    void shareIsSelectedByNameAndByDefault() {
        CompareMain.Settings share = settings("--no-report", "--workloads", "share", "--share-records", "200k");
        assertThat(share.workloads()).containsExactly("share");
        assertThat(share.shareRecords()).isEqualTo(200_000);
        assertThat(CompareMain.sectionName(share)).isEqualTo("comparison-share");

        CompareMain.Settings defaults = settings("--no-report");
        assertThat(defaults.workloads()).contains("compaction", "isolation", "share");
        assertThat(defaults.shareRecords()).isEqualTo(1_000_000);
        assertThat(CompareMain.sectionName(defaults)).isEqualTo("comparison");
        assertThat(CompareMain.sectionName(settings("--no-report", "--workloads",
                String.join(",", CompareMain.WORKLOADS)))).isEqualTo("comparison");
        assertThat(settings("--no-report", "--smoke").shareRecords()).isEqualTo(20_000);

        assertThatThrownBy(() -> settings("--no-report", "--share-records", "0")).hasMessageContaining("--share-records");
        assertThat(CompareMain.USAGE).contains("compaction, share", "--share-records N");
    }

    @Test
    void eachCaseHasARecordsAndAThroughputRowWithItsRatio() {
        ShareWorkload w = new ShareWorkload(null, null, 200_000);
        ComparisonTable t = new ComparisonTable(List.of(Contender.SPILLWAY, Contender.KAFKA));
        for (int consumers : ShareWorkload.CONSUMERS) {
            t.add(w.recordsMetric(consumers), Contender.SPILLWAY, 30_000.0 * consumers);
            t.add(w.recordsMetric(consumers), Contender.KAFKA, 20_000.0 * consumers);
            t.add(w.throughputMetric(consumers), Contender.SPILLWAY, 30.0 * consumers);
            t.add(w.throughputMetric(consumers), Contender.KAFKA, 40.0 * consumers);
        }
        List<List<String>> cells = t.cells();
        assertThat(cells).hasSize(4);
        assertThat(cells.get(0)).containsExactly("share consume of 200,000 records (1 KiB, 8 partitions), 1 consumer",
                "records (records/s)", "30,000", "20,000", "1.50 ahead");
        assertThat(cells.get(3)).containsExactly("share consume of 200,000 records (1 KiB, 8 partitions), 4 consumers",
                "throughput (MiB/s)", "120.0", "160.0", "0.75 behind");
        assertThat(w.method()).contains("share.auto.offset.reset=earliest", "200,000 records", "8 partitions");
    }

    @Test
    void theTallyCountsRecordsByPartitionAndOffsetAndTimesAfterTheWarmUp() {
        DeliveryTally tally = new DeliveryTally(5, 2, 2);
        assertThat(tally.add(0, 0, 0, 100, 1_000)).isTrue();
        assertThat(tally.add(0, 1, 0, 100, 2_000)).isTrue(); // the same offset in another partition is another record
        assertThat(tally.add(0, 0, 0, 100, 3_000)).isFalse(); // delivered again
        assertThat(tally.snapshot().warmedUpNanos()).as("consumer 1 has had nothing yet").isEqualTo(-1);
        tally.addAll(1, List.of(new ConsumerRecord<>("share", 1, 1, null, new byte[0]),
                new ConsumerRecord<>("share", 0, 1, null, new byte[0])), 5_000);
        assertThat(tally.complete()).isFalse();
        assertThat(tally.add(0, 2, 0, 100, 9_000)).isTrue();
        DeliveryTally.Snapshot s = tally.snapshot();
        assertThat(s.complete()).isTrue();
        assertThat(s.measured()).isTrue();
        assertThat(s.distinct()).isEqualTo(5);
        assertThat(s.deliveries()).isEqualTo(6);
        assertThat(s.duplicates()).isEqualTo(1);
        assertThat(s.perConsumer()).containsExactly(3L, 2L);
        assertThat(s.firstNanos()).isEqualTo(1_000);
        // the warm-up ends with the poll that gave the last consumer its first records, which belong to the warm-up
        assertThat(s.warmedUpNanos()).isEqualTo(5_000);
        assertThat(s.warmupRecords()).isEqualTo(4);
        assertThat(s.warmupBytes()).isEqualTo(200);
        assertThat(s.completeNanos()).isEqualTo(9_000);

        ShareConsumePerf.Result r = new ShareConsumePerf.Result(2, 5, s, 0);
        assertThat(r.records()).isEqualTo(1);
        assertThat(r.bytes()).isEqualTo(100);
        assertThat(r.seconds()).isEqualTo(4e-6);
        assertThat(r.duplicates()).isEqualTo(1);
        assertThat(r.summary()).contains("2 consumers:", "6 deliveries, 1 of them of a record already delivered",
                "records per consumer: 3 / 2");

        DeliveryTally tooFew = new DeliveryTally(2, 0, 1);
        tooFew.addAll(0, List.of(new ConsumerRecord<>("share", 3, 7, null, new byte[0]),
                new ConsumerRecord<>("share", 3, 8, null, new byte[0])), 500);
        assertThat(tooFew.snapshot().complete()).isTrue();
        assertThat(tooFew.snapshot().measured()).as("everything came in the poll that ended the warm-up").isFalse();
        assertThatThrownBy(() -> new DeliveryTally(10, 10, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void kafkaGetsAShareStateTopicThatOneNodeCanCreate() {
        assertThat(KafkaTarget.serverProperties(Path.of("kafka-data"), 9092, 9093, new KafkaTarget.Options()))
                .containsEntry("share.coordinator.state.topic.replication.factor", "1")
                .containsEntry("share.coordinator.state.topic.min.isr", "1");
    }

    @Test
    void aBrokerThatNeverDeliversFailsTheRunInsteadOfHangingIt() {
        String nobody = "127.0.0.1:" + Ports.freePort();
        long start = System.nanoTime();
        assertThatThrownBy(() -> ShareConsumePerf.run(nobody, "share", "g", 2, 10, Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no progress for 2 s: 0 of 10 records received by 2 consumers of share group g")
                .hasMessageContaining("does the broker serve share groups");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }
}

package io.spillway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTableTest {

    private static final ComparisonTable.Metric THROUGHPUT = new ComparisonTable.Metric("produce", "throughput", "MiB/s", true, 1);
    private static final ComparisonTable.Metric LATENCY = new ComparisonTable.Metric("e2e", "p99", "ms", false, 2);

    @Test
    void mediansAndRatiosSayWhoIsAhead() {
        ComparisonTable t = new ComparisonTable(List.of(Contender.SPILLWAY, Contender.KAFKA, Contender.KAFKA_FSYNC));
        for (double v : new double[] {100, 300, 200}) {
            t.add(THROUGHPUT, Contender.SPILLWAY, v);
        }
        t.add(THROUGHPUT, Contender.KAFKA, 250);
        t.add(THROUGHPUT, Contender.KAFKA, 150);
        t.add(THROUGHPUT, Contender.KAFKA_FSYNC, 20);
        t.add(LATENCY, Contender.SPILLWAY, 2);
        t.add(LATENCY, Contender.KAFKA, 4);
        t.note(LATENCY, Contender.KAFKA_FSYNC, "fell over");

        assertThat(t.median(THROUGHPUT, Contender.SPILLWAY)).isEqualTo(200);
        assertThat(t.median(THROUGHPUT, Contender.KAFKA)).isEqualTo(200);
        List<List<String>> cells = t.cells();
        assertThat(cells.get(0)).containsExactly("produce", "throughput (MiB/s)", "200.0", "200.0", "20.0", "1.00 ahead",
                "10.00 ahead");
        assertThat(cells.get(1)).containsExactly("e2e", "p99 (ms), lower is better", "2.00", "4.00", "fell over",
                "0.50 ahead", "–");
        t.add(LATENCY, Contender.SPILLWAY, 10);
        t.add(LATENCY, Contender.SPILLWAY, 10);
        assertThat(t.cells().get(1).get(5)).isEqualTo("2.50 behind");
        assertThat(t.render()).contains("| Workload", "Spillway/Kafka flush.messages=1");
        assertThat(t.runs()).contains("produce, throughput: Spillway 100.0, 300.0, 200.0; Kafka 250.0, 150.0");
    }

    @Test
    void theTransactionsTableSaysWhatACommitMeansInItsHeaders() {
        ComparisonTable t = new ComparisonTable(List.of(Contender.SPILLWAY, Contender.KAFKA, Contender.KAFKA_FSYNC),
                Contender::transactionDurability);
        assertThat(t.isEmpty()).isTrue();
        t.add(TxnWorkload.throughputMetric(4), Contender.SPILLWAY, 30);
        t.add(TxnWorkload.commitsMetric(4), Contender.SPILLWAY, 300.4);
        t.add(TxnWorkload.commitsMetric(4), Contender.KAFKA, 100);
        assertThat(t.isEmpty()).isFalse();
        assertThat(t.header()).containsExactly("Workload", "Metric",
                "Spillway (fsync before ack and of every commit marker (default))",
                "Kafka (no fsync before ack or of markers (default))",
                "Kafka flush.messages=1 (fsync before ack and of every marker)",
                "Spillway/Kafka", "Spillway/Kafka flush.messages=1");
        assertThat(t.cells().get(1)).containsExactly("transactional produce, 4 producers", "commits (transactions/s)",
                "300", "100", "–", "3.00 ahead", "–");
        assertThat(new ComparisonTable(List.of(Contender.SPILLWAY)).header()).containsExactly("Workload", "Metric",
                "Spillway (fsync before ack (default))");
    }

    @Test
    void aRunOfSomeWorkloadsWritesItsOwnReportSection() {
        assertThat(CompareMain.sectionName(settings("--no-report"))).isEqualTo("comparison");
        assertThat(CompareMain.sectionName(settings("--no-report", "--smoke"))).isEqualTo("comparison-smoke");
        assertThat(CompareMain.sectionName(settings("--no-report", "--workloads", "txn"))).isEqualTo("comparison-txn");
        assertThat(CompareMain.sectionName(settings("--no-report", "--workloads", "produce,txn")))
                .isEqualTo("comparison-produce-txn");
        assertThat(settings("--no-report").workloads()).contains("txn");
        assertThat(settings("--no-report").txnReadMib()).isEqualTo(256);
        assertThat(settings("--no-report", "--smoke").txnReadMib()).isEqualTo(4);
    }

    private static CompareMain.Settings settings(String... argv) {
        return CompareMain.settings(Args.parse(argv, CompareMain.FLAGS, CompareMain.OPTIONS));
    }

    @Test
    void aCommittedTransactionLeavesItsRecordsAndOneMarkerInEachPartitionItTouched() {
        // 100 records round-robin over 8 partitions: 13 in partitions 0-3, 12 in 4-7, plus one marker each
        assertThat(TxnLogCheck.expectedEndOffset(0, 8, 100, 10)).isEqualTo(140);
        assertThat(TxnLogCheck.expectedEndOffset(3, 8, 100, 10)).isEqualTo(140);
        assertThat(TxnLogCheck.expectedEndOffset(4, 8, 100, 10)).isEqualTo(130);
        long total = 0;
        for (int p = 0; p < 8; p++) {
            total += TxnLogCheck.expectedEndOffset(p, 8, 100, 7);
        }
        assertThat(total).isEqualTo(7 * (100 + 8));
        // fewer records than partitions: untouched partitions get no marker
        assertThat(TxnLogCheck.expectedEndOffset(2, 8, 3, 5)).isEqualTo(10);
        assertThat(TxnLogCheck.expectedEndOffset(3, 8, 3, 5)).isZero();
        // the read_committed topic: whole transactions that hold at least the asked size
        assertThat(CommittedRead.transactionsFor(4L << 20, 1024, 100)).isEqualTo(41);
        assertThat(CommittedRead.transactionsFor(102_400, 1024, 100)).isEqualTo(1);
        assertThat(CommittedRead.transactionsFor(1, 1024, 100)).isEqualTo(1);
    }

    @Test
    void kafkaWithFlushEveryMessageFsyncsBeforeAcknowledging() {
        var props = KafkaTarget.serverProperties(Path.of("kafka-data"), 9092, 9093,
                new KafkaTarget.Options().flushEveryMessage(true));
        assertThat(props).containsEntry("log.flush.interval.messages", "1").containsEntry("process.roles", "broker,controller")
                .containsEntry("log.dirs", "kafka-data").containsEntry("listeners",
                        "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
        assertThat(KafkaTarget.serverProperties(Path.of("kafka-data"), 9092, 9093, new KafkaTarget.Options()))
                .doesNotContainKey("log.flush.interval.messages");
        assertThat(KafkaTarget.clusterId()).matches("[A-Za-z0-9_-]{22}");
        assertThat(KafkaTarget.version("/a/kafka-clients-4.4.0.jar:/b/kafka_2.13-4.4.0.jar")).isEqualTo("4.4.0");
    }

    @Test
    void textPayloadsHaveTheAskedSizeAndCompress() throws Exception {
        byte[][] pool = ProducePerf.textPayloadPool(1024, 1);
        for (byte[] v : pool) {
            assertThat(v).hasSize(1024);
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(bytes)) {
            for (byte[] v : pool) {
                gz.write(v);
            }
        }
        assertThat(bytes.size()).isLessThan(pool.length * 1024 / 2);
    }

    @Test
    void aBrokersFirstErrorAndItsCauseExplainWhereItFellOver() {
        String tail = """
                [2026-11-22 21:06:08,700] INFO Created log for partition t19068-0 (kafka.log.LogManager)
                [2026-11-22 21:06:08,757] ERROR Encountered metadata publishing fault (org.apache.kafka.server.fault.LoggingFaultHandler)
                java.io.IOException: Too many open files
                	at java.base/sun.nio.ch.FileDispatcherImpl.open(Native Method)
                [2026-11-22 21:06:09,001] ERROR a later error
                """;
        assertThat(ManyTopics.lastError(tail)).contains("Encountered metadata publishing fault")
                .endsWith(" / java.io.IOException: Too many open files");
        assertThat(ManyTopics.lastError("[x] INFO fine\n")).isEmpty();
    }
}

package io.spillway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compaction workload's pieces that need no broker: reading the cleaners' logs, the key order, the options. */
class CleanerLogTest {

    @Test
    void spillwayPassesCountWhatTheLineSaysOverThePassTime(@TempDir Path dir) throws Exception {
        Path log = write(dir, """
                07:32:25.161 INFO  [spillway-checkpoint-1] LogCleaner - Compacted 4 partitions: read 7571128 bytes, wrote 0 bytes, removed 0 records in 1167 ms (6.5 MB/s)
                07:32:26.001 INFO  [spillway-checkpoint-1] Checkpoint - something else
                07:32:28.171 INFO  [spillway-checkpoint-1] LogCleaner - Compacted 4 partitions: read 85188476 bytes, wrote 8535220 bytes, removed 22358 records in 531 ms (160.2 MB/s)
                """);
        List<CleanerLog.Pass> passes = CleanerLog.spillway(log);
        assertThat(passes).hasSize(2);
        assertThat(passes.get(1).bytesRead()).isEqualTo(85_188_476);
        assertThat(passes.get(1).bytesWritten()).isEqualTo(8_535_220);
        assertThat(passes.get(1).recordsRemoved()).isEqualTo(22_358);
        // the time from the MB/s figure (exact nanoseconds, 4 digits) rather than the truncated ms
        assertThat(passes.get(1).seconds()).isCloseTo(85.188476 / 160.2, within(1e-9));
        CleanerLog.Totals t = CleanerLog.Totals.of(passes);
        assertThat(t.passes()).isEqualTo(2);
        assertThat(t.bytesRead()).isEqualTo(7_571_128L + 85_188_476L);
        assertThat(t.bytesFiltered()).isEqualTo(-1); // Spillway does not log its passes apart
        assertThat(t.lastLogged()).startsWith("Compacted 4 partitions: read 85188476 bytes");
    }

    @Test
    void kafkaCleaningsCountTheKeyMapAndTheFilteringPassOfTheTopicOnly(@TempDir Path dir) throws Exception {
        // Kafka 4.4's stats block: one log event over several lines, MB meaning MiB
        Path log = write(dir, """
                [2026-12-05 07:29:36,202] INFO [LocalLog partition=compaction-1, dir=kafka-data] Rolled new log segment at offset 1980 in 2 ms. (org.apache.kafka.storage.internals.log.LocalLog)
                [2026-12-05 07:29:37,500] INFO\s
                \tLog cleaner thread 0 cleaned log compaction-2 (dirty section = [990, 3960])
                \t4.0 MB of log processed in 0.5 seconds (7.9 MB/sec).
                \tIndexed 3.0 MB in 0.1 seconds (32.0 Mb/sec, 18.5% of total time)
                \tBuffer utilization: 0.1%
                \tCleaned 4.0 MB in 0.4 seconds (9.6 Mb/sec, 81.5% of total time)
                \tStart size: 4.0 MB (3,960 messages)
                \tEnd size: 2.5 MB (2,500 messages)
                \t37.5% size reduction (36.9% fewer messages)
                 (org.apache.kafka.storage.internals.log.LogCleaner$CleanerThread)
                [2026-12-05 07:29:38,500] INFO\s
                \tLog cleaner thread 0 cleaned log __consumer_offsets-3 (dirty section = [0, 10])
                \t1,024.0 MB of log processed in 2.0 seconds (512.0 MB/sec).
                \tIndexed 1.0 MB in 0.1 seconds (10.0 Mb/sec, 5.0% of total time)
                \tStart size: 1.0 MB (10 messages)
                \tEnd size: 1.0 MB (10 messages)
                \t0.0% size reduction (0.0% fewer messages)
                 (org.apache.kafka.storage.internals.log.LogCleaner$CleanerThread)
                """);
        List<CleanerLog.Pass> passes = CleanerLog.kafka(log, "compaction");
        assertThat(passes).hasSize(1);
        CleanerLog.Pass p = passes.get(0);
        assertThat(p.bytesRead()).isEqualTo(7L << 20);
        assertThat(p.bytesFiltered()).isEqualTo(4L << 20);
        assertThat(p.bytesWritten()).isEqualTo(Math.round(2.5 * 1048576));
        assertThat(p.recordsRemoved()).isEqualTo(1_460);
        assertThat(p.seconds()).isCloseTo(4.0 / 7.9, within(1e-9));
        assertThat(p.logged()).contains("cleaned log compaction-2", "4.0 MB of log processed", "End size: 2.5 MB");
        assertThat(CleanerLog.Totals.of(passes).mibPerSec()).isCloseTo(7 / (4.0 / 7.9), within(1e-9));
        assertThat(CleanerLog.number("1,024.0")).isEqualTo(1024.0);
    }

    @Test
    void keyRoundsSendEveryKeyOncePerRoundInANewOrder() {
        KeyRounds rounds = new KeyRounds(1000, 7);
        int[] first = new int[1000];
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            first[i] = rounds.key(i);
            seen.add(first[i]);
        }
        assertThat(seen).hasSize(1000);
        seen.clear();
        int same = 0;
        for (int i = 0; i < 1000; i++) {
            int k = rounds.key(1000 + i);
            seen.add(k);
            same += k == first[i] ? 1 : 0;
        }
        assertThat(seen).hasSize(1000);
        assertThat(same).isLessThan(20);
        // another producer computes the same order
        assertThat(new KeyRounds(1000, 7).key(1500)).isEqualTo(rounds.key(1500));
    }

    @Test
    void compactionOptionsMustSupersedeSomething() {
        CompareMain.Settings s = settings("--no-report");
        assertThat(s.compactionMib()).isEqualTo(512);
        assertThat(s.compactionKeys()).isEqualTo(10_000);
        assertThat(s.compactionRate()).isEqualTo(64);
        assertThat(settings("--no-report", "--smoke").compactionKeys()).isEqualTo(6000);
        assertThatThrownBy(() -> settings("--no-report", "--compaction-mib", "16", "--compaction-keys", "4096"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nothing would be superseded");
    }

    private static CompareMain.Settings settings(String... argv) {
        return CompareMain.settings(Args.parse(argv, CompareMain.FLAGS, CompareMain.OPTIONS));
    }

    private static Path write(Path dir, String text) throws Exception {
        Path log = dir.resolve("broker.log");
        Files.writeString(log, text, StandardCharsets.UTF_8);
        return log;
    }
}

package io.spillway.log;

import io.spillway.common.ManualTime;
import io.spillway.storage.local.LocalSharedLog;
import io.spillway.storage.local.LocalSharedLogConfig;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Log compaction over the shared log, driven directly on partition logs. */
class LogCleanerTest {
    private static final long NOW = 1_700_000_000_000L;
    private static final long DAY = 86_400_000L;
    private static final long SEGMENT_BYTES = 8192;

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime(NOW);
    private LogManager logs;

    private LogConfig compacted(LogConfig.Compaction compaction) {
        return new LogConfig(1048588, true, false, org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                Long.MAX_VALUE, Long.MAX_VALUE, "producer", -1, -1, compaction);
    }

    private LogConfig compacted() {
        return compacted(new LogConfig.Compaction(DAY, 0, Long.MAX_VALUE, 0.5));
    }

    private PartitionLog open(LogConfig config) {
        logs = new LogManager(new LocalSharedLog(LocalSharedLogConfig.defaults(dir).withSegmentBytes(SEGMENT_BYTES)),
                time, HighWatermarkListener.NONE, 16, new PartitionCheckpoint(dir.resolve("partitions.checkpoint")));
        PartitionLog log = logs.open(1, "t", 0, config, 0);
        logs.open(2, "other", 0, LogConfig.DEFAULT, 0);
        logs.recover();
        return log;
    }

    @AfterEach
    void close() throws IOException {
        if (logs != null) {
            logs.close();
        }
    }

    private static void append(PartitionLog log, ByteBuffer batch) throws Exception {
        log.append(batch).durable().get(10, TimeUnit.SECONDS);
    }

    private LogCleaner cleaner() {
        return new LogCleaner(logs, time, LogCleaner.Settings.DEFAULT);
    }

    /** Every record readable from the log start: offset, key and value ("key" alone for a tombstone). */
    private static Map<Long, String> records(PartitionLog log) {
        Map<Long, String> out = new LinkedHashMap<>();
        ReadResult read = log.read(log.logStartOffset(), Integer.MAX_VALUE, true);
        for (RecordBatch batch : MemoryRecords.readableRecords(read.records()).batches()) {
            if (batch.isControlBatch()) {
                out.put(batch.baseOffset(), "<marker>");
                continue;
            }
            for (Record record : batch) {
                String key = StandardCharsets.UTF_8.decode(record.key()).toString();
                out.put(record.offset(), record.hasValue() ? key + "=" + StandardCharsets.UTF_8.decode(record.value()) : key);
            }
        }
        return out;
    }

    private long walBytes() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("wal-")).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    @Test
    void keepsTheLatestRecordOfEachKeyAtItsOffset() throws Exception {
        PartitionLog log = open(compacted());
        append(log, Batches.keyed(NOW, "a=1", "b=1", "c=1"));
        append(log, Batches.keyed(NOW, "a=2", "b=2"));
        append(log, Batches.keyed(NOW, "a=3"));
        append(log, Batches.keyed(NOW, "d=1"));

        LogCleaner.PassStats stats = cleaner().runOnce();

        assertThat(stats.partitions()).isEqualTo(1);
        assertThat(stats.recordsRemoved()).isEqualTo(3);
        assertThat(records(log)).containsExactly(Map.entry(2L, "c=1"), Map.entry(4L, "b=2"), Map.entry(5L, "a=3"),
                Map.entry(6L, "d=1"));
        assertThat(log.logEndOffset()).isEqualTo(7);
        // a consumer positioned inside a removed range reads on from the next record kept
        ReadResult fromOne = log.read(1, Integer.MAX_VALUE, true);
        assertThat(MemoryRecords.readableRecords(fromOne.records()).batches().iterator().next().baseOffset()).isEqualTo(0);
        // appends go on at the log end
        append(log, Batches.keyed(NOW, "a=4"));
        assertThat(records(log)).containsEntry(7L, "a=4");
    }

    @Test
    void keepsTombstonesUntilTheirDeleteHorizonThenRemovesThem() throws Exception {
        PartitionLog log = open(compacted());
        append(log, Batches.keyed(NOW, "a=1", "b=1"));
        append(log, Batches.keyed(NOW, "a"));
        append(log, Batches.keyed(NOW, "c=1"));

        cleaner().runOnce();
        assertThat(records(log)).containsExactly(Map.entry(1L, "b=1"), Map.entry(2L, "a"), Map.entry(3L, "c=1"));

        time.advanceMs(DAY - 1000);
        cleaner().runOnce();
        assertThat(records(log)).containsEntry(2L, "a");

        time.advanceMs(2000);
        LogCleaner.PassStats stats = cleaner().runOnce();
        assertThat(stats.partitions()).isEqualTo(1);
        assertThat(records(log)).containsExactly(Map.entry(1L, "b=1"), Map.entry(3L, "c=1"));
    }

    @Test
    void leavesRecordsYoungerThanTheMinimumLagAlone() throws Exception {
        PartitionLog log = open(compacted(new LogConfig.Compaction(DAY, 60_000, Long.MAX_VALUE, 0.5)));
        append(log, Batches.keyed(NOW - 120_000, "a=1"));
        append(log, Batches.keyed(NOW - 90_000, "a=2"));
        append(log, Batches.keyed(NOW - 1_000, "a=3"));

        cleaner().runOnce();

        assertThat(records(log)).containsExactly(Map.entry(1L, "a=2"), Map.entry(2L, "a=3"));
    }

    @Test
    void cleansInSeveralPassesWhenTheKeyMapIsSmall() throws Exception {
        PartitionLog log = open(compacted(new LogConfig.Compaction(DAY, 0, Long.MAX_VALUE, 0.01)));
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 40; i++) {
                append(log, Batches.keyed(NOW, "k" + i + "=" + round));
            }
        }
        // room for about 20 keys: each pass maps part of the dirty section
        LogCleaner small = new LogCleaner(logs, time, new LogCleaner.Settings(24 * 24, Double.MAX_VALUE));
        for (int pass = 0; pass < 10 && records(log).size() > 40; pass++) {
            small.runOnce();
        }
        Map<Long, String> left = records(log);
        assertThat(left).hasSize(40);
        for (int i = 0; i < 40; i++) {
            assertThat(left).containsEntry(80L + i, "k" + i + "=2");
        }
    }

    @Test
    void removesAbortedTransactionsAndKeepsMarkersWhileTheirRecordsRemain() throws Exception {
        PartitionLog log = open(compacted());
        long pid = 7;
        log.append(Batches.keyed(Compression.NONE, pid, (short) 0, 0, true, NOW, "a=aborted", "b=aborted"), true);
        log.appendEndTxnMarker(pid, (short) 0, 0, false).durable().get(10, TimeUnit.SECONDS);
        log.append(Batches.keyed(Compression.NONE, pid, (short) 0, 2, true, NOW, "a=committed"), true);
        log.appendEndTxnMarker(pid, (short) 0, 0, true).durable().get(10, TimeUnit.SECONDS);
        append(log, Batches.keyed(NOW, "c=plain"));

        cleaner().runOnce();

        Map<Long, String> left = records(log);
        assertThat(left).doesNotContainValue("a=aborted").doesNotContainValue("b=aborted");
        assertThat(left).containsEntry(3L, "a=committed").containsEntry(4L, "<marker>").containsEntry(5L, "c=plain");
        // the committed transaction's marker stays while its record does
        time.advanceMs(2 * DAY);
        cleaner().runOnce();
        assertThat(records(log)).containsEntry(3L, "a=committed").containsEntry(4L, "<marker>");
    }

    @Test
    void compressedBatchesAreCompactedToo() throws Exception {
        PartitionLog log = open(compacted());
        append(log, Batches.keyed(Compression.lz4().build(), -1, (short) -1, -1, false, NOW, "a=1", "b=1", "a=2"));
        append(log, Batches.keyed(Compression.zstd().build(), -1, (short) -1, -1, false, NOW, "b=2", "c=1"));

        cleaner().runOnce();

        assertThat(records(log)).containsExactly(Map.entry(2L, "a=2"), Map.entry(3L, "b=2"), Map.entry(4L, "c=1"));
    }

    @Test
    void freesTheSpaceOfCompactedSegmentsAfterTheNextCheckpointAndSurvivesARestart() throws Exception {
        PartitionLog log = open(compacted());
        String value = "v".repeat(200);
        for (int round = 0; round < 20; round++) {
            for (int k = 0; k < 5; k++) {
                append(log, Batches.keyed(NOW, "k" + k + "=" + round + value));
            }
        }
        long before = walBytes();
        cleaner().runOnce();
        Map<Long, String> compactedRecords = records(log);
        assertThat(compactedRecords).hasSize(5);
        assertThat(logs.releasesAwaitingCheckpoint()).isPositive();
        assertThat(walBytes()).isGreaterThanOrEqualTo(before); // nothing freed before the checkpoint

        logs.checkpoint();
        assertThat(logs.releasesAwaitingCheckpoint()).isZero();
        assertThat(walBytes()).isLessThan(before / 2);

        logs.close();
        PartitionLog reopened = open(compacted());
        assertThat(records(reopened)).isEqualTo(compactedRecords);
        assertThat(reopened.logEndOffset()).isEqualTo(100);
    }

    @Test
    void theLogStartOffsetStaysWhenTheFirstBatchIsCompactedAwayAndAfterARestart() throws Exception {
        PartitionLog log = open(compacted());
        append(log, Batches.keyed(NOW, "a=1", "b=1"));
        append(log, Batches.keyed(NOW, "a=2", "b=2"));
        append(log, Batches.keyed(NOW, "c=1"));
        cleaner().runOnce();
        assertThat(records(log)).containsExactly(Map.entry(2L, "a=2"), Map.entry(3L, "b=2"), Map.entry(4L, "c=1"));
        logs.checkpoint();
        logs.close();

        // recovery takes the first stored batch as the log start when it lies above the persisted one: the cleaner
        // keeps the batch holding the log start (empty), so that a fetch at offset 1 is not out of range afterwards
        PartitionLog reopened = open(compacted());
        assertThat(reopened.logStartOffset()).isZero();
        assertThat(records(reopened)).containsExactly(Map.entry(2L, "a=2"), Map.entry(3L, "b=2"), Map.entry(4L, "c=1"));
    }

    @Test
    void aRestartBeforeTheCheckpointGivesTheLogAsItWasBeforeCompaction() throws Exception {
        PartitionLog log = open(compacted());
        for (int round = 0; round < 10; round++) {
            append(log, Batches.keyed(NOW, "a=" + round, "b=" + round));
        }
        logs.checkpoint();
        Map<Long, String> before = records(log);
        cleaner().runOnce();
        assertThat(records(log)).hasSize(2);

        logs.close(); // no checkpoint since the compaction: its copies are not referenced by any
        PartitionLog reopened = open(compacted());
        assertThat(records(reopened)).isEqualTo(before);
        cleaner().runOnce();
        assertThat(records(reopened)).containsExactly(Map.entry(18L, "a=9"), Map.entry(19L, "b=9"));
    }

    @Test
    void aLostCheckpointStillGivesEveryLatestRecord() throws Exception {
        PartitionLog log = open(compacted());
        String value = "v".repeat(300);
        for (int round = 0; round < 20; round++) {
            append(log, Batches.keyed(NOW, "a=" + round + value, "b=" + round + value));
            logs.get(2).append(Batches.plain(NOW, "other-" + round)).durable().get(10, TimeUnit.SECONDS);
        }
        cleaner().runOnce();
        logs.checkpoint(); // old segments freed
        Map<Long, String> compactedRecords = records(log);
        logs.close();
        Files.delete(dir.resolve("partitions.checkpoint"));

        PartitionLog reopened = open(compacted()); // replays the whole shared log; copies fill the gaps
        Map<Long, String> after = records(reopened);
        assertThat(after).containsAllEntriesOf(compactedRecords);
        assertThat(after.get(38L)).startsWith("a=19");
        assertThat(reopened.logEndOffset()).isEqualTo(40);
    }

    @Test
    void tombstonesStillGoAtTheirHorizonAfterARestart() throws Exception {
        PartitionLog log = open(compacted());
        append(log, Batches.keyed(NOW, "a=1", "b=1"));
        append(log, Batches.keyed(NOW, "a"));
        append(log, Batches.keyed(NOW, "c=1"));
        cleaner().runOnce();
        logs.checkpoint();
        logs.close();

        PartitionLog reopened = open(compacted());
        time.advanceMs(DAY + 1000);
        assertThat(cleaner().runOnce().partitions()).isEqualTo(1);
        assertThat(records(reopened)).doesNotContainValue("a");
    }
}

package io.spillway.log;

import io.spillway.common.ManualTime;
import io.spillway.storage.local.LocalSharedLog;
import io.spillway.storage.local.LocalSharedLogConfig;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Sparse shared segments are emptied by moving their live batches, so that one partition's retention frees disk. */
class SegmentReorganiserTest {
    private static final long NOW = 1_700_000_000_000L;
    private static final long SEGMENT_BYTES = 16 * 1024;

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime(NOW);
    private final Map<Long, Long> logStarts = new HashMap<>();
    private LogManager logs;

    private static final LogConfig SHORT = new LogConfig(1048588, false, true, TimestampType.CREATE_TIME,
            Long.MAX_VALUE, Long.MAX_VALUE, "producer", 60_000, -1);
    private static final LogConfig FOREVER = new LogConfig(1048588, false, true, TimestampType.CREATE_TIME,
            Long.MAX_VALUE, Long.MAX_VALUE, "producer", -1, -1);

    private void open() {
        logs = new LogManager(new LocalSharedLog(LocalSharedLogConfig.defaults(dir).withSegmentBytes(SEGMENT_BYTES)),
                time, HighWatermarkListener.NONE, 16, new PartitionCheckpoint(dir.resolve("partitions.checkpoint")));
        logs.open(1, "short", 0, SHORT, logStarts.getOrDefault(1L, 0L));
        logs.open(2, "forever", 0, FOREVER, logStarts.getOrDefault(2L, 0L));
        logs.recover();
    }

    @AfterEach
    void close() throws IOException {
        if (logs != null) {
            logs.close();
        }
    }

    private long walBytes() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("wal-")).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static String content(PartitionLog log) {
        ByteBuffer records = log.read(log.logStartOffset(), Integer.MAX_VALUE, true).records();
        return java.util.HexFormat.of().formatHex(records.array(), records.arrayOffset() + records.position(),
                records.arrayOffset() + records.limit());
    }

    /** Writes both partitions in turn, the short-lived one nine times as much, across many segments. */
    private void writeInterleaved() throws Exception {
        String big = "x".repeat(900);
        for (int i = 0; i < 200; i++) {
            logs.get(1).append(Batches.plain(NOW, big)).durable().get(10, TimeUnit.SECONDS);
            if (i % 9 == 0) {
                logs.get(2).append(Batches.plain(NOW, "keep-" + i)).durable().get(10, TimeUnit.SECONDS);
            }
        }
    }

    private void expireShortPartition() {
        time.advanceMs(120_000);
        new RetentionTask(logs, logStarts::putAll, time).runOnce();
        assertThat(logs.get(1).logStartOffset()).isEqualTo(200);
    }

    @Test
    void retentionOfOnePartitionFreesDiskThatAnotherPartitionsLongRetentionPinned() throws Exception {
        open();
        writeInterleaved();
        String kept = content(logs.get(2));
        long written = walBytes();
        expireShortPartition();
        assertThat(walBytes()).as("every segment still holds a batch of the long-lived partition")
                .isGreaterThan(written * 8 / 10);

        SegmentReorganiser.PassStats stats = new SegmentReorganiser(logs, SegmentReorganiser.Settings.DEFAULT).runOnce();
        assertThat(stats.segments()).isGreaterThan(5);
        assertThat(stats.partitions()).isEqualTo(1);
        assertThat(content(logs.get(2))).isEqualTo(kept);
        logs.checkpoint();

        assertThat(walBytes()).isLessThan(written / 4);
        assertThat(content(logs.get(2))).isEqualTo(kept);
        // the moved batches lie together now: in the head segment (and the one before it, if the copies rolled it)
        PartitionLog.StoredBatches batches = logs.get(2).storedBatches(0, Long.MAX_VALUE, 1000);
        assertThat(java.util.Arrays.stream(batches.locations()).mapToInt(io.spillway.storage.Locations::segment)
                .distinct().count()).isLessThanOrEqualTo(2);

        logs.close();
        open();
        assertThat(content(logs.get(2))).isEqualTo(kept);
        logs.get(2).append(Batches.plain(NOW, "after")).durable().get(10, TimeUnit.SECONDS);
        assertThat(logs.get(2).logEndOffset()).isEqualTo(24);
    }

    @Test
    void aRestartBeforeTheCheckpointKeepsTheOldLocations() throws Exception {
        open();
        writeInterleaved();
        String kept = content(logs.get(2));
        expireShortPartition();
        logs.checkpoint();
        new SegmentReorganiser(logs, SegmentReorganiser.Settings.DEFAULT).runOnce();

        logs.close();
        open();
        assertThat(content(logs.get(2))).isEqualTo(kept);
        // and reorganising again after the restart frees the space
        new SegmentReorganiser(logs, SegmentReorganiser.Settings.DEFAULT).runOnce();
        logs.checkpoint();
        assertThat(content(logs.get(2))).isEqualTo(kept);
        assertThat(logs.storage().sealedSegmentSizes().size()).isLessThan(5);
    }

    @Test
    void leavesDenseSegmentsAlone() throws Exception {
        open();
        writeInterleaved();
        SegmentReorganiser.PassStats stats = new SegmentReorganiser(logs, SegmentReorganiser.Settings.DEFAULT).runOnce();
        assertThat(stats.segments()).isZero();
        assertThat(logs.releasesAwaitingCheckpoint()).isZero();
        assertThat(List.of(logs.get(1).logEndOffset(), logs.get(2).logEndOffset())).containsExactly(200L, 23L);
    }
}

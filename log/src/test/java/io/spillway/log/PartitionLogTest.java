package io.spillway.log;

import io.spillway.common.ManualTime;
import io.spillway.storage.local.LocalSharedLog;
import io.spillway.storage.local.LocalSharedLogConfig;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionLogTest {
    private static final long KEY = 42;
    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime(NOW);
    private LogManager logs;

    private PartitionLog open(LogConfig config, long segmentBytes) {
        logs = new LogManager(new LocalSharedLog(LocalSharedLogConfig.defaults(dir).withSegmentBytes(segmentBytes)),
                time, HighWatermarkListener.NONE);
        PartitionLog log = logs.open(KEY, "t", 0, config, 0);
        logs.recover();
        return log;
    }

    private PartitionLog open() {
        return open(LogConfig.DEFAULT, LocalSharedLogConfig.DEFAULT_SEGMENT_BYTES);
    }

    @AfterEach
    void close() throws IOException {
        if (logs != null) {
            logs.close();
        }
    }

    private static AppendResult appendDurably(PartitionLog log, ByteBuffer batch) throws Exception {
        AppendResult result = log.append(batch);
        result.durable().get(10, TimeUnit.SECONDS);
        return result;
    }

    private static List<String> values(ReadResult read, long fromOffset) {
        List<String> values = new ArrayList<>();
        for (RecordBatch batch : MemoryRecords.readableRecords(read.records()).batches()) {
            for (Record record : batch) {
                if (record.offset() >= fromOffset) {
                    values.add(StandardCharsets.UTF_8.decode(record.value()).toString());
                }
            }
        }
        return values;
    }

    @Test
    void assignsOffsetsAndServesUpToTheHighWatermark() throws Exception {
        PartitionLog log = open();
        AppendResult first = appendDurably(log, Batches.plain(NOW, "a", "b", "c"));
        AppendResult second = appendDurably(log, Batches.plain(NOW, "d"));
        assertThat(first.baseOffset()).isZero();
        assertThat(first.lastOffset()).isEqualTo(2);
        assertThat(second.baseOffset()).isEqualTo(3);
        assertThat(log.highWatermark()).isEqualTo(4);
        assertThat(values(log.read(0, 1 << 20, true), 0)).containsExactly("a", "b", "c", "d");
        assertThat(values(log.read(1, 1 << 20, true), 1)).containsExactly("b", "c", "d");
        assertThat(log.read(4, 1 << 20, true).records().remaining()).isZero();
        assertThatThrownBy(() -> log.read(5, 100, true)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void maxBytesStopsAtWholeBatchesButReturnsAtLeastOne() throws Exception {
        PartitionLog log = open();
        appendDurably(log, Batches.plain(NOW, "a".repeat(500)));
        appendDurably(log, Batches.plain(NOW, "b".repeat(500)));
        assertThat(values(log.read(0, 10, true), 0)).hasSize(1);
        assertThat(log.read(0, 10, false).records().remaining()).isZero();
        assertThat(values(log.read(0, 1 << 20, false), 0)).hasSize(2);
    }

    @Test
    void retriedIdempotentBatchGetsItsOriginalOffsets() throws Exception {
        PartitionLog log = open();
        AppendResult original = appendDurably(log, Batches.idempotent(7, (short) 0, 0, NOW, "a", "b"));
        appendDurably(log, Batches.idempotent(7, (short) 0, 2, NOW, "c"));
        AppendResult retry = appendDurably(log, Batches.idempotent(7, (short) 0, 0, NOW, "a", "b"));
        assertThat(retry.baseOffset()).isEqualTo(original.baseOffset());
        assertThat(retry.lastOffset()).isEqualTo(original.lastOffset());
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThatThrownBy(() -> log.append(Batches.idempotent(7, (short) 0, 5, NOW, "gap")))
                .isInstanceOf(OutOfOrderSequenceException.class);
        appendDurably(log, Batches.idempotent(7, (short) 1, 0, NOW, "new epoch"));
        assertThatThrownBy(() -> log.append(Batches.idempotent(7, (short) 0, 3, NOW, "fenced")))
                .isInstanceOf(InvalidProducerEpochException.class);
        assertThatThrownBy(() -> log.append(Batches.idempotent(7, (short) 2, 4, NOW, "bad new epoch")))
                .isInstanceOf(OutOfOrderSequenceException.class);
    }

    @Test
    void recoveryRestoresOffsetsDataAndProducerState() throws Exception {
        PartitionLog log = open();
        appendDurably(log, Batches.idempotent(9, (short) 0, 0, NOW, "a", "b"));
        appendDurably(log, Batches.plain(NOW, "c"));
        logs.close();

        logs = new LogManager(new LocalSharedLog(LocalSharedLogConfig.defaults(dir)), time, HighWatermarkListener.NONE);
        PartitionLog reopened = logs.open(KEY, "t", 0, LogConfig.DEFAULT, 0);
        logs.recover();
        assertThat(reopened.logEndOffset()).isEqualTo(3);
        assertThat(reopened.highWatermark()).isEqualTo(3);
        assertThat(values(reopened.read(0, 1 << 20, true), 0)).containsExactly("a", "b", "c");
        AppendResult retry = appendDurably(reopened, Batches.idempotent(9, (short) 0, 0, NOW, "a", "b"));
        assertThat(retry.baseOffset()).isZero();
        assertThatThrownBy(() -> reopened.append(Batches.idempotent(9, (short) 0, 7, NOW, "gap")))
                .isInstanceOf(OutOfOrderSequenceException.class);
    }

    @Test
    void retentionBySizeAndTimeMovesTheLogStartAndFreesSegments() throws Exception {
        LogConfig bySize = new LogConfig(1048588, false, true, TimestampType.CREATE_TIME, Long.MAX_VALUE,
                Long.MAX_VALUE, "producer", -1, 2000);
        PartitionLog log = open(bySize, 1024);
        for (int i = 0; i < 20; i++) {
            appendDurably(log, Batches.plain(NOW, "v".repeat(300)));
        }
        int segmentsBefore = ((io.spillway.storage.local.LocalSharedLog) logs.storage()).segmentCount();
        long target = log.retentionTarget(NOW);
        assertThat(target).isGreaterThan(0).isLessThan(20);
        assertThat(log.retention(NOW)).isEqualTo(new PartitionLog.Retention(target, "retention.bytes=2000"));
        long sizeBefore = log.sizeBytes();
        PartitionLog.Trimmed trimmed = log.trimTo(target);
        assertThat(trimmed.offsets()).isEqualTo(target);
        assertThat(trimmed.batches()).isEqualTo((int) target); // one record per batch
        assertThat(trimmed.bytes()).isEqualTo(sizeBefore - log.sizeBytes());
        assertThat(log.trimTo(target)).as("nothing more to trim").isEqualTo(PartitionLog.Trimmed.NOTHING);
        assertThat(log.retention(NOW)).as("nothing expired").isEqualTo(new PartitionLog.Retention(target, null));
        assertThat(log.logStartOffset()).isEqualTo(target);
        assertThat(log.sizeBytes()).isGreaterThanOrEqualTo(2000).isLessThan(2500);
        assertThat(((io.spillway.storage.local.LocalSharedLog) logs.storage()).segmentCount()).isLessThan(segmentsBefore);
        assertThatThrownBy(() -> log.read(0, 100, true)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(values(log.read(target, 1 << 20, true), target)).hasSize((int) (20 - target));

        log.config(new LogConfig(1048588, false, true, TimestampType.CREATE_TIME, Long.MAX_VALUE, Long.MAX_VALUE,
                "producer", 1000, -1));
        time.advanceMs(5000);
        assertThat(log.retention(time.nowMs())).isEqualTo(new PartitionLog.Retention(20, "retention.ms=1000"));
        log.trimTo(20);
        assertThat(log.sizeBytes()).isZero();
        assertThat(appendDurably(log, Batches.plain(time.nowMs(), "next")).baseOffset()).isEqualTo(20);
    }

    @Test
    void offsetForTimestampIsTheFirstRecordAtOrAfterIt() throws Exception {
        PartitionLog log = open();
        appendDurably(log, Batches.plain(1000, "a", "b", "c"));       // ts 1000,1001,1002 offsets 0-2
        appendDurably(log, Batches.plain(500, "d"));                  // ts 500 offset 3
        appendDurably(log, Batches.plain(2000, "e", "f"));            // ts 2000,2001 offsets 4-5
        assertThat(log.offsetForTimestamp(0)).isEqualTo(new OffsetAndTimestamp(0, 1000));
        assertThat(log.offsetForTimestamp(1001)).isEqualTo(new OffsetAndTimestamp(1, 1001));
        assertThat(log.offsetForTimestamp(1003)).isEqualTo(new OffsetAndTimestamp(4, 2000));
        assertThat(log.offsetForTimestamp(2002)).isEqualTo(OffsetAndTimestamp.NONE);
        assertThat(log.offsetOfMaxTimestamp()).isEqualTo(new OffsetAndTimestamp(5, 2001));
    }

    @Test
    void rejectsWhatKafkaRejects() throws Exception {
        LogConfig compacted = new LogConfig(400, true, false, TimestampType.CREATE_TIME, Long.MAX_VALUE, 3_600_000L,
                "producer", -1, -1);
        PartitionLog log = open(compacted, 1 << 20);
        ByteBuffer noKey = Batches.build(Compression.NONE, -1, (short) -1, -1, NOW, false, "x");
        assertThatThrownBy(() -> log.append(noKey))
                .isInstanceOfSatisfying(RecordErrorsException.class, e -> {
                    assertThat(e.error()).isEqualTo(Errors.INVALID_RECORD);
                    assertThat(e.recordErrors()).hasSize(1);
                });
        assertThatThrownBy(() -> log.append(Batches.plain(NOW, "z".repeat(500))))
                .isInstanceOf(RecordTooLargeException.class);
        assertThatThrownBy(() -> log.append(Batches.plain(NOW + 7_200_000L, "future")))
                .isInstanceOfSatisfying(RecordErrorsException.class,
                        e -> assertThat(e.error()).isEqualTo(Errors.INVALID_TIMESTAMP));
        ByteBuffer corrupt = Batches.plain(NOW, "crc");
        corrupt.put(corrupt.limit() - 1, (byte) (corrupt.get(corrupt.limit() - 1) ^ 0xFF));
        assertThatThrownBy(() -> log.append(corrupt)).isInstanceOf(CorruptRecordException.class);
        ByteBuffer two = ByteBuffer.allocate(1024);
        two.put(Batches.plain(NOW, "1")).put(Batches.plain(NOW, "2")).flip();
        assertThatThrownBy(() -> log.append(two)).isInstanceOf(InvalidRecordException.class);
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void logAppendTimeAndTopicCompressionAreApplied() throws Exception {
        LogConfig config = new LogConfig(1048588, false, true, TimestampType.LOG_APPEND_TIME, Long.MAX_VALUE,
                Long.MAX_VALUE, "lz4", -1, -1);
        PartitionLog log = open(config, 1 << 20);
        AppendResult result = appendDurably(log, Batches.plain(5, "a", "b"));
        assertThat(result.logAppendTimeMs()).isEqualTo(NOW);
        RecordBatch batch = MemoryRecords.readableRecords(log.read(0, 1 << 20, true).records()).batches().iterator().next();
        assertThat(batch.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(batch.maxTimestamp()).isEqualTo(NOW);
        assertThat(batch.compressionType()).isEqualTo(CompressionType.LZ4);
        assertThat(batch.isValid()).isTrue();
        assertThat(batch.baseOffset()).isZero();
    }

    @Test
    void aBatchLargerThanASegmentIsRefusedAsTooLargeAndNothingIsAppended() throws Exception {
        PartitionLog log = open(LogConfig.DEFAULT, 4096);
        assertThatThrownBy(() -> log.append(Batches.plain(NOW, "x".repeat(5000))))
                .isInstanceOf(org.apache.kafka.common.errors.RecordBatchTooLargeException.class)
                .hasMessageContaining("spillway.wal.segment.bytes");
        assertThat(log.logEndOffset()).isZero();
        log.append(Batches.plain(NOW, "fits")).durable().get(10, TimeUnit.SECONDS);
        assertThat(log.logEndOffset()).isEqualTo(1);
    }

    @Test
    void aPlannedReadCountsTheOffsetsItHandsOutFromTheFetchOffset() throws Exception {
        PartitionLog log = open();
        appendDurably(log, Batches.plain(NOW, "a", "b", "c"));      // offsets 0-2
        appendDurably(log, Batches.plain(NOW, "d", "e"));           // offsets 3-4
        assertThat(log.planRead(0, Integer.MAX_VALUE, true, false).offsetsRead()).isEqualTo(5);
        // from the middle of the first batch: the client skips offset 0 of the batch sent whole
        assertThat(log.planRead(1, Integer.MAX_VALUE, true, false).offsetsRead()).isEqualTo(4);
        assertThat(log.planRead(3, Integer.MAX_VALUE, true, false).offsetsRead()).isEqualTo(2);
        assertThat(log.planRead(5, Integer.MAX_VALUE, true, false).offsetsRead()).isZero();
    }
}

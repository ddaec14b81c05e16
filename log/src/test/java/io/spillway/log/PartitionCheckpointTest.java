package io.spillway.log;

import io.spillway.common.ManualTime;
import io.spillway.storage.local.LocalSharedLog;
import io.spillway.storage.local.LocalSharedLogConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restart from the partition checkpoint plus the entries after it must give every partition exactly the state a
 * replay of the whole shared log gives: offsets, index, idempotent and transactional producer state, aborted
 * transactions, and the segments kept or deleted.
 */
class PartitionCheckpointTest {
    private static final long NOW = 1_700_000_000_000L;
    private static final int PARTITIONS = 4;
    /** Small segments, so that the data spans several and the checkpoint point lies in the middle of them. */
    private static final long SEGMENT_BYTES = 4096;

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime(NOW);
    private final List<LogManager> opened = new ArrayList<>();
    private final Map<Long, Long> logStarts = new HashMap<>();

    @AfterEach
    void closeAll() throws IOException {
        for (LogManager logs : opened) {
            logs.close();
        }
    }

    private Path checkpointFile() {
        return dir.resolve("wal").resolve("partitions.checkpoint");
    }

    /** Opens the node's logs on a copy of the data (so that both ways of recovering see the same bytes). */
    private LogManager open(Path walDir, boolean withCheckpoint, int partitions) {
        PartitionCheckpoint checkpoint = withCheckpoint ? new PartitionCheckpoint(walDir.resolve("partitions.checkpoint")) : null;
        LogManager logs = new LogManager(new LocalSharedLog(LocalSharedLogConfig.defaults(walDir).withSegmentBytes(SEGMENT_BYTES)),
                time, HighWatermarkListener.NONE, 16, checkpoint);
        opened.add(logs);
        for (int p = 0; p < partitions; p++) {
            logs.open(p + 1, "t", p, LogConfig.DEFAULT, logStarts.getOrDefault(p + 1L, 0L));
        }
        logs.recover();
        return logs;
    }

    private static void durably(AppendResult result) throws Exception {
        result.durable().get(10, TimeUnit.SECONDS);
    }

    /** Plain, idempotent and transactional batches (committed, aborted and one left open) across all partitions. */
    private static void write(LogManager logs, int round) throws Exception {
        for (int p = 0; p < PARTITIONS; p++) {
            PartitionLog log = logs.get(p + 1);
            durably(log.append(Batches.plain(NOW, "plain-" + round + "-" + p, "x".repeat(200))));
            for (int b = 0; b < 3; b++) {
                durably(log.append(Batches.idempotent(100 + p, (short) 0, round * 3 + b, NOW, "idem-" + round + "-" + b)));
            }
            long txnProducer = 200 + p;
            durably(log.append(Batches.transactional(txnProducer, (short) round, 0, NOW, "txn-" + round), true));
            durably(log.appendEndTxnMarker(txnProducer, (short) round, 1, round % 2 == 0));
        }
    }

    /** Everything a client can observe of a partition. */
    private static List<Object> observe(PartitionLog log) {
        List<Object> seen = new ArrayList<>();
        seen.add(log.logStartOffset());
        seen.add(log.logEndOffset());
        seen.add(log.highWatermark());
        seen.add(log.lastStableOffset());
        seen.add(log.sizeBytes());
        seen.add(log.activeProducers().stream()
                .sorted(java.util.Comparator.comparingLong(PartitionLog.ActiveProducer::producerId)).toList());
        seen.add(log.openTransactions());
        PendingRead read = log.planRead(log.logStartOffset(), Integer.MAX_VALUE, true, true);
        PendingRead.readAll(List.of(read));
        ReadResult result = read.result();
        seen.add(bytes(result.records()));
        seen.add(result.abortedTransactions());
        return seen;
    }

    private static String bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    private static Map<Long, List<Object>> observeAll(LogManager logs, int partitions) {
        Map<Long, List<Object>> all = new HashMap<>();
        for (long key = 1; key <= partitions; key++) {
            all.put(key, observe(logs.get(key)));
        }
        return all;
    }

    private Path copyOfWal(String name) throws IOException {
        Path copy = dir.resolve(name);
        Files.createDirectories(copy);
        try (var files = Files.list(dir.resolve("wal"))) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    /**
     * Stops {@code logs} and opens its data twice: a copy without the checkpoint (the whole log replayed) and the
     * original with it; both must show every partition as it was and hold the same segments. Returns both, full
     * replay first.
     */
    private List<LogManager> restartBothWays(LogManager logs) throws IOException {
        Map<Long, List<Object>> before = observeAll(logs, PARTITIONS);
        logs.close();
        opened.remove(logs);
        Path fullDir = copyOfWal("full");
        Files.delete(fullDir.resolve("partitions.checkpoint"));
        LogManager full = open(fullDir, false, PARTITIONS);
        LogManager fromCheckpoint = open(dir.resolve("wal"), true, PARTITIONS);
        assertThat(observeAll(full, PARTITIONS)).isEqualTo(before);
        assertThat(observeAll(fromCheckpoint, PARTITIONS)).isEqualTo(before);
        assertThat(fromCheckpoint.storage().sizeBytes()).isEqualTo(full.storage().sizeBytes());
        return List.of(full, fromCheckpoint);
    }

    @Test
    void aRestartFromTheCheckpointAndTheEntriesAfterItEqualsAFullReplay() throws Exception {
        LogManager logs = open(dir.resolve("wal"), true, PARTITIONS);
        write(logs, 0);
        write(logs, 1);
        PartitionCheckpoint.Written written = logs.checkpoint();
        assertThat(written.partitions()).isEqualTo(PARTITIONS);
        write(logs, 2);
        // an open transaction, after the checkpoint on partition 1 and before it on partition 2
        durably(logs.get(2).append(Batches.transactional(300, (short) 0, 0, NOW, "open-before"), true));
        logs.checkpoint();
        durably(logs.get(1).append(Batches.transactional(300, (short) 0, 0, NOW, "open-after"), true));
        write(logs, 3);
        List<LogManager> reopened = restartBothWays(logs);
        LogManager full = reopened.get(0);
        LogManager fromCheckpoint = reopened.get(1);

        // the restored producer state still recognises a retried batch and the next sequence
        for (LogManager each : List.of(full, fromCheckpoint)) {
            PartitionLog p = each.get(3);
            AppendResult retry = p.append(Batches.idempotent(102, (short) 0, 11, NOW, "idem-3-2"));
            assertThat(retry.baseOffset()).isLessThan(p.logEndOffset() - 1);
            AppendResult next = p.append(Batches.idempotent(102, (short) 0, 12, NOW, "idem-4-0"));
            durably(next);
            assertThat(next.baseOffset()).isEqualTo(p.logEndOffset() - 1);
        }
    }

    @Test
    void retentionAndDeletionAfterTheCheckpointAreRespectedAndFreeTheSameSegments() throws Exception {
        LogManager logs = open(dir.resolve("wal"), true, PARTITIONS + 1);
        for (int round = 0; round < 6; round++) {
            write(logs, round);
        }
        durably(logs.get(PARTITIONS + 1).append(Batches.plain(NOW, "y".repeat(3000))));
        logs.checkpoint();
        // after the checkpoint: retention moves partition 1 far ahead, and partition 5 is deleted
        long start = logs.get(1).logEndOffset() - 2;
        logStarts.put(1L, start);
        logs.get(1).trimTo(start);
        logs.delete(PARTITIONS + 1);
        write(logs, 6);
        List<LogManager> reopened = restartBothWays(logs);
        LogManager full = reopened.get(0);
        LogManager fromCheckpoint = reopened.get(1);

        // trimming everything frees the same segments both ways: retention counts were restored exactly
        for (LogManager each : List.of(full, fromCheckpoint)) {
            for (long key = 1; key <= PARTITIONS; key++) {
                each.get(key).trimTo(each.get(key).logEndOffset());
            }
        }
        assertThat(fromCheckpoint.storage().sizeBytes()).isEqualTo(full.storage().sizeBytes());
        assertThat(fromCheckpoint.storage().sizeBytes()).isLessThan(2 * SEGMENT_BYTES);
    }

    @Test
    void aDamagedCheckpointIsIgnoredAndTheWholeLogReplayed() throws Exception {
        LogManager logs = open(dir.resolve("wal"), true, PARTITIONS);
        write(logs, 0);
        logs.checkpoint();
        write(logs, 1);
        Map<Long, List<Object>> before = observeAll(logs, PARTITIONS);
        logs.close();
        opened.remove(logs);

        byte[] bytes = Files.readAllBytes(checkpointFile());
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x40;
        Files.write(checkpointFile(), flipped);
        assertThat(observeAll(open(dir.resolve("wal"), true, PARTITIONS), PARTITIONS)).isEqualTo(before);
        opened.remove(opened.size() - 1).close();

        Files.write(checkpointFile(), java.util.Arrays.copyOf(bytes, bytes.length - 7)); // cut short
        assertThat(observeAll(open(dir.resolve("wal"), true, PARTITIONS), PARTITIONS)).isEqualTo(before);
    }

    /**
     * Random histories: appends of every kind, transactions committed, aborted and left open, retention, and
     * checkpoints at random moments in between; a restart from the last checkpoint always equals a full replay.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void aRandomHistoryRestartsTheSameFromItsLastCheckpointAsFromTheWholeLog(long seed) throws Exception {
        java.util.Random random = new java.util.Random(seed);
        LogManager logs = open(dir.resolve("wal"), true, PARTITIONS);
        int[] idempotentSeq = new int[PARTITIONS];
        short[] txnEpoch = new short[PARTITIONS];
        int[] txnSeq = new int[PARTITIONS]; // -1: no transaction open
        java.util.Arrays.fill(txnSeq, -1);
        boolean checkpointed = false;
        for (int step = 0; step < 80; step++) {
            int p = random.nextInt(PARTITIONS);
            PartitionLog log = logs.get(p + 1);
            switch (random.nextInt(7)) {
                case 0 -> durably(log.append(Batches.plain(NOW, "p" + step, "x".repeat(random.nextInt(400)))));
                case 1, 2 -> durably(log.append(Batches.idempotent(100 + p, (short) 0, idempotentSeq[p]++, NOW, "i" + step)));
                case 3 -> {
                    if (txnSeq[p] < 0) {
                        txnSeq[p] = 0;
                    }
                    durably(log.append(Batches.transactional(200 + p, txnEpoch[p], txnSeq[p]++, NOW, "t" + step), true));
                }
                case 4 -> {
                    if (txnSeq[p] >= 0) {
                        durably(log.appendEndTxnMarker(200 + p, txnEpoch[p], 1, random.nextBoolean()));
                        txnEpoch[p]++;
                        txnSeq[p] = -1;
                    }
                }
                case 5 -> {
                    long target = log.logStartOffset() + random.nextInt((int) (log.highWatermark() - log.logStartOffset()) + 1);
                    logStarts.put(p + 1L, Math.max(logStarts.getOrDefault(p + 1L, 0L), target));
                    log.trimTo(target);
                }
                default -> {
                    logs.checkpoint();
                    checkpointed = true;
                }
            }
        }
        if (!checkpointed) {
            logs.checkpoint();
        }
        Map<Long, List<Object>> before = observeAll(logs, PARTITIONS);
        logs.close();
        opened.remove(logs);
        Path fullDir = copyOfWal("full");
        Files.delete(fullDir.resolve("partitions.checkpoint"));
        LogManager restored = open(dir.resolve("wal"), true, PARTITIONS);
        Map<Long, List<Object>> after = observeAll(restored, PARTITIONS);
        for (long key = 1; key <= PARTITIONS; key++) {
            // Producer state may differ in what retention made moot: a producer whose batches are all before the
            // log start is forgotten at a restart (as Kafka does) even if the running broker still listed it.
            List<Object> expected = new ArrayList<>(before.get(key));
            List<Object> actual = new ArrayList<>(after.get(key));
            expected.remove(5);
            actual.remove(5);
            assertThat(actual).as("partition %d", key).isEqualTo(expected);
            // what matters of it: every idempotent producer goes on where it was, without a sequence error
            int p = (int) key - 1;
            durably(restored.get(key).append(Batches.idempotent(100 + p, (short) 0, idempotentSeq[p], NOW, "next")));
        }
        // A full replay cannot know what retention removed: the producer state of batches that are gone, and where
        // a transaction began when its first batches are gone, which moves the last stable offset and so what
        // read_committed reads (the checkpoint keeps both, as Kafka's producer snapshots do). Offsets must match.
        Map<Long, List<Object>> full = observeAll(open(fullDir, false, PARTITIONS), PARTITIONS);
        for (long key = 1; key <= PARTITIONS; key++) {
            assertThat(full.get(key).subList(0, 3)).as("offsets of partition %d", key)
                    .isEqualTo(before.get(key).subList(0, 3));
        }
    }
}

package io.spillway.log;

import io.spillway.storage.Locations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link PartitionCheckpoint} when it pays: when the log appended since the last one is at least a quarter
 * of that checkpoint's size (and at least {@value #MIN_TAIL_BYTES} bytes), so that checkpoints write at most about
 * four times the bytes appended and a restart replays at most about a quarter of a checkpoint's size after reading
 * it; and at the latest every {@value #MAX_SKIPPED_RUNS} runs when anything was appended. Why: with a million
 * partitions a checkpoint is over 100 MB, which a trickle of appends is not worth rewriting every minute.
 *
 * <p>Run periodically from a thread of its own: with a million partitions a checkpoint takes about a second, which
 * must not delay fetch timeouts or retention on the shared scheduler, and must never run on the shared log's
 * flusher.
 */
public final class CheckpointTask implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(CheckpointTask.class);
    static final long MIN_TAIL_BYTES = 16L << 20;
    static final int MAX_SKIPPED_RUNS = 10;
    static final int RELEASE_RUNS = 3;

    private final LogManager logs;
    private long lastReplayFrom = -1;
    private long lastBytes;
    private int skippedRuns;

    public CheckpointTask(LogManager logs) {
        this.logs = logs;
    }

    @Override
    public void run() {
        long end = logs.storage().endLocation();
        // Segments freed by compaction and reorganisation come back only with a checkpoint: write one for them, but
        // not more often than every RELEASE_RUNS runs (with a million partitions a checkpoint is over 100 MB).
        boolean releasesWait = logs.releasesAwaitingCheckpoint() > 0;
        if (end == lastReplayFrom && !releasesWait) {
            return; // nothing appended since the last checkpoint
        }
        ++skippedRuns;
        if (!(releasesWait && skippedRuns >= RELEASE_RUNS) && !due(lastReplayFrom, end, lastBytes, skippedRuns)) {
            return;
        }
        try {
            long start = System.nanoTime();
            PartitionCheckpoint.Written written = logs.checkpoint();
            if (written != null) {
                lastReplayFrom = written.replayFrom();
                lastBytes = written.bytes();
                skippedRuns = 0;
                long ms = (System.nanoTime() - start) / 1_000_000;
                if (ms > 1000) {
                    log.info("Checkpointed {} partitions ({} bytes) in {} ms", written.partitions(), written.bytes(), ms);
                } else {
                    log.debug("Checkpointed {} partitions ({} bytes) in {} ms", written.partitions(), written.bytes(), ms);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("Could not write the partition checkpoint ({}); the previous one stays and a restart replays more "
                    + "of the shared log. Check free space in the data directory.", e.toString());
        }
    }

    /**
     * Whether to write a checkpoint now, the last one having been taken at {@code lastReplayFrom} (-1: none) and
     * being {@code lastBytes} long, the log now ending at {@code end}, this being run {@code runs} since.
     */
    static boolean due(long lastReplayFrom, long end, long lastBytes, int runs) {
        if (lastReplayFrom < 0 || runs >= MAX_SKIPPED_RUNS) {
            return true;
        }
        if (Locations.segment(end) != Locations.segment(lastReplayFrom)) {
            return true; // the log rolled: at least a segment to replay
        }
        long tail = Locations.position(end) - Locations.position(lastReplayFrom);
        return tail >= Math.max(MIN_TAIL_BYTES, lastBytes / 4);
    }
}

package io.spillway.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link PartitionCheckpoint} when something was appended since the last one. Run periodically from a
 * thread of its own: with a million partitions a checkpoint takes about a second, which must not delay fetch
 * timeouts or retention on the shared scheduler, and must never run on the shared log's flusher.
 */
public final class CheckpointTask implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(CheckpointTask.class);

    private final LogManager logs;
    private long lastReplayFrom = -1;

    public CheckpointTask(LogManager logs) {
        this.logs = logs;
    }

    @Override
    public void run() {
        if (logs.storage().endLocation() == lastReplayFrom) {
            return; // nothing appended since the last checkpoint
        }
        try {
            long start = System.nanoTime();
            PartitionCheckpoint.Written written = logs.checkpoint();
            if (written != null) {
                lastReplayFrom = written.replayFrom();
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
}

package io.spillway.log;

import io.spillway.common.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Applies retention.ms and retention.bytes to every partition: finds what expired, persists the new
 * log start offsets in one write, then trims. Run periodically from one thread.
 */
public final class RetentionTask implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(RetentionTask.class);

    private final LogManager logs;
    private final LogStartStore store;
    private final Time time;

    public RetentionTask(LogManager logs, LogStartStore store, Time time) {
        this.logs = logs;
        this.store = store;
        this.time = time;
    }

    @Override
    public void run() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.error("Retention pass failed; it will be retried at the next interval", e);
        }
    }

    /**
     * One pass. Each partition it trims gets one INFO line: what was removed, the new log start offset and the
     * config that expired it; a partition with nothing to remove gets none.
     *
     * @return the number of partitions trimmed
     */
    public int runOnce() {
        long nowMs = time.nowMs();
        Map<Long, Long> targets = new HashMap<>();
        Map<Long, PartitionLog> byKey = new HashMap<>();
        Map<Long, String> reasons = new HashMap<>();
        for (PartitionLog partition : logs.all()) {
            PartitionLog.Retention retention = partition.retention(nowMs);
            if (retention.logStartOffset() > partition.logStartOffset()) {
                targets.put(partition.key(), retention.logStartOffset());
                byKey.put(partition.key(), partition);
                reasons.put(partition.key(), retention.reason());
            }
        }
        if (targets.isEmpty()) {
            return 0;
        }
        store.persist(targets);
        targets.forEach((key, offset) -> {
            PartitionLog partition = byKey.get(key);
            PartitionLog.Trimmed trimmed = partition.trimTo(offset);
            if (trimmed.offsets() > 0) {
                log.info("Retention removed offsets {} to {} of {} ({} batches, {} bytes) by {}; its log start offset "
                        + "is now {}", offset - trimmed.offsets(), offset - 1, partition.name(), trimmed.batches(),
                        trimmed.bytes(), reasons.get(key), offset);
            }
        });
        log.debug("Retention moved the log start of {} partitions", targets.size());
        return targets.size();
    }
}

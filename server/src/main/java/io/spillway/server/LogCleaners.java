package io.spillway.server;

import io.spillway.common.Time;
import io.spillway.log.LogCleaner;
import io.spillway.log.LogManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Starts the log cleaner from the broker's log.cleaner.* settings. */
final class LogCleaners {
    private static final Logger log = LoggerFactory.getLogger(LogCleaners.class);

    private LogCleaners() {
    }

    /** Schedules the cleaner on {@code executor}; returns it, or null when compaction is off. */
    static LogCleaner schedule(ServerConfig config, LogManager logs, Time time, ScheduledExecutorService executor) {
        if (!config.getBoolean("log.cleaner.enable", true)) {
            log.info("Log compaction is off (log.cleaner.enable=false): topics with cleanup.policy=compact keep every record");
            return null;
        }
        if (!logs.keepsCheckpoints()) {
            log.warn("Log compaction is off: it needs the partition checkpoint, which is not kept with {}=false or {}=0. "
                    + "Topics with cleanup.policy=compact keep every record.", ServerConfig.FSYNC,
                    ServerConfig.CHECKPOINT_INTERVAL_MS);
            return null;
        }
        String rate = config.get("log.cleaner.io.max.bytes.per.second", null);
        LogCleaner cleaner = new LogCleaner(logs, time, new LogCleaner.Settings(
                config.getLong("log.cleaner.dedupe.buffer.size", LogCleaner.Settings.DEFAULT.dedupeBufferBytes()),
                rate == null ? Double.MAX_VALUE : Double.parseDouble(rate.trim())));
        long backoffMs = Math.max(10, config.getLong("log.cleaner.backoff.ms", 15_000L));
        executor.scheduleWithFixedDelay(cleaner, backoffMs, backoffMs, TimeUnit.MILLISECONDS);
        return cleaner;
    }
}

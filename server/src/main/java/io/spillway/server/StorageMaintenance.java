package io.spillway.server;

import io.spillway.common.Time;
import io.spillway.log.BackgroundRewrite;
import io.spillway.log.LogCleaner;
import io.spillway.log.LogManager;
import io.spillway.log.SegmentReorganiser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The background rewrites of the shared log: the log cleaner (cleanup.policy=compact, settings log.cleaner.*) and the
 * segment reorganiser (spillway.storage.reorganise.*). Both need the partition checkpoint, which makes each rewrite
 * permanent and frees the old segments.
 */
final class StorageMaintenance {
    private static final Logger log = LoggerFactory.getLogger(StorageMaintenance.class);
    static final String REORGANISE_INTERVAL_MS = "spillway.storage.reorganise.interval.ms";
    static final String REORGANISE_LIVE_RATIO = "spillway.storage.reorganise.live.ratio";

    /** The rewrites scheduled (those that are on). */
    private final List<BackgroundRewrite> scheduled;

    private StorageMaintenance(List<BackgroundRewrite> scheduled) {
        this.scheduled = scheduled;
    }

    /** Schedules the cleaner and the reorganiser on {@code executor}, as far as they are on. */
    static StorageMaintenance schedule(ServerConfig config, LogManager logs, Time time, ScheduledExecutorService executor) {
        if (!logs.keepsCheckpoints()) {
            log.warn("Log compaction and segment reorganisation are off: they need the partition checkpoint, which is "
                    + "not kept with {}=false or {}=0. Topics with cleanup.policy=compact keep every record.",
                    ServerConfig.FSYNC, ServerConfig.CHECKPOINT_INTERVAL_MS);
            return new StorageMaintenance(List.of());
        }
        String rate = config.get("log.cleaner.io.max.bytes.per.second", null);
        double ioBytesPerSecond = rate == null ? Double.MAX_VALUE : Double.parseDouble(rate.trim());
        List<BackgroundRewrite> scheduled = new ArrayList<>();
        if (config.getBoolean("log.cleaner.enable", true)) {
            LogCleaner cleaner = new LogCleaner(logs, time, new LogCleaner.Settings(
                    config.getLong("log.cleaner.dedupe.buffer.size", LogCleaner.Settings.DEFAULT.dedupeBufferBytes()),
                    ioBytesPerSecond));
            long backoffMs = Math.max(10, config.getLong("log.cleaner.backoff.ms", 15_000L));
            executor.scheduleWithFixedDelay(cleaner, backoffMs, backoffMs, TimeUnit.MILLISECONDS);
            scheduled.add(cleaner);
        } else {
            log.info("Log compaction is off (log.cleaner.enable=false): topics with cleanup.policy=compact keep every record");
        }
        long reorganiseMs = config.getLong(REORGANISE_INTERVAL_MS, 60_000L);
        if (reorganiseMs > 0) {
            String ratio = config.get(REORGANISE_LIVE_RATIO, null);
            SegmentReorganiser reorganiser = new SegmentReorganiser(logs, new SegmentReorganiser.Settings(
                    ratio == null ? SegmentReorganiser.Settings.DEFAULT.maxLiveRatio() : Double.parseDouble(ratio.trim()),
                    SegmentReorganiser.Settings.DEFAULT.maxBytesPerPass(), ioBytesPerSecond));
            executor.scheduleWithFixedDelay(reorganiser, reorganiseMs, reorganiseMs, TimeUnit.MILLISECONDS);
            scheduled.add(reorganiser);
        }
        return new StorageMaintenance(scheduled);
    }

    /** Abandons the rewrites under way (they are redone after a restart) and stops later ones. */
    void stop() {
        scheduled.forEach(BackgroundRewrite::stop);
    }
}

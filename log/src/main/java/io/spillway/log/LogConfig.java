package io.spillway.log;

import org.apache.kafka.common.record.TimestampType;

/**
 * The settings of one partition log, resolved from topic overrides and broker defaults by the
 * layer above. Immutable; a topic's partitions share one instance and get a new one on change.
 *
 * @param compressionType {@code producer} keeps batches as sent; otherwise a codec name the batch is
 *     recompressed to if it differs
 * @param compact cleanup.policy contains compact: every record needs a key, and the {@link LogCleaner} keeps the
 *     latest record of each key
 * @param deleteRetention cleanup.policy contains delete: retention.ms and retention.bytes apply
 * @param retentionMs -1 keeps data forever
 * @param retentionBytes -1 means no size limit
 * @param compaction how the cleaner treats the partition when {@code compact} is set
 */
public record LogConfig(int maxMessageBytes,
                        boolean compact,
                        boolean deleteRetention,
                        TimestampType timestampType,
                        long timestampBeforeMaxMs,
                        long timestampAfterMaxMs,
                        String compressionType,
                        long retentionMs,
                        long retentionBytes,
                        Compaction compaction) {

    /**
     * Kafka's compaction settings of a topic.
     *
     * @param deleteRetentionMs delete.retention.ms: how long a tombstone (and a transaction marker whose records are
     *     gone) stays readable after the cleaner first saw it
     * @param minLagMs min.compaction.lag.ms: records younger than this are not compacted
     * @param maxLagMs max.compaction.lag.ms: a partition with records older than this that are not yet compacted is
     *     cleaned whatever its dirty ratio
     * @param minDirtyRatio min.cleanable.dirty.ratio: the share of not yet compacted bytes at which a partition is
     *     cleaned
     */
    public record Compaction(long deleteRetentionMs, long minLagMs, long maxLagMs, double minDirtyRatio) {
        public static final Compaction DEFAULT = new Compaction(86_400_000L, 0L, Long.MAX_VALUE, 0.5);
    }

    /** Settings with Kafka's default compaction settings. */
    public LogConfig(int maxMessageBytes, boolean compact, boolean deleteRetention, TimestampType timestampType,
                     long timestampBeforeMaxMs, long timestampAfterMaxMs, String compressionType, long retentionMs,
                     long retentionBytes) {
        this(maxMessageBytes, compact, deleteRetention, timestampType, timestampBeforeMaxMs, timestampAfterMaxMs,
                compressionType, retentionMs, retentionBytes, Compaction.DEFAULT);
    }

    public static final LogConfig DEFAULT = new LogConfig(1048588, false, true, TimestampType.CREATE_TIME,
            Long.MAX_VALUE, Long.MAX_VALUE, "producer", 604800000L, -1L);
}

package io.spillway.log;

import org.apache.kafka.common.record.TimestampType;

/**
 * The settings of one partition log, resolved from topic overrides and broker defaults by the
 * layer above. Immutable; a topic's partitions share one instance and get a new one on change.
 *
 * @param compressionType {@code producer} keeps batches as sent; otherwise a codec name the batch is
 *     recompressed to if it differs
 * @param compact cleanup.policy contains compact: every record needs a key
 * @param deleteRetention cleanup.policy contains delete: retention.ms and retention.bytes apply
 * @param retentionMs -1 keeps data forever
 * @param retentionBytes -1 means no size limit
 */
public record LogConfig(int maxMessageBytes,
                        boolean compact,
                        boolean deleteRetention,
                        TimestampType timestampType,
                        long timestampBeforeMaxMs,
                        long timestampAfterMaxMs,
                        String compressionType,
                        long retentionMs,
                        long retentionBytes) {

    public static final LogConfig DEFAULT = new LogConfig(1048588, false, true, TimestampType.CREATE_TIME,
            Long.MAX_VALUE, Long.MAX_VALUE, "producer", 604800000L, -1L);
}

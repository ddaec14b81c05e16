package io.spillway.coordinator.group;

/**
 * Group coordinator settings, by their Kafka broker config names. Immutable.
 *
 * @param initialRebalanceDelayMs group.initial.rebalance.delay.ms: how long the first join of an
 *     empty group waits for more members before completing
 * @param offsetsRetentionMs offsets.retention.minutes in ms: offsets of a group that has been empty
 *     this long expire
 * @param offsetMetadataMaxBytes offset.metadata.max.bytes
 */
public record GroupConfig(int initialRebalanceDelayMs, int minSessionTimeoutMs, int maxSessionTimeoutMs,
                          long offsetsRetentionMs, int offsetMetadataMaxBytes, int maxGroupSize) {
    public static final GroupConfig DEFAULT = new GroupConfig(3000, 6000, 1_800_000, 7L * 24 * 3600 * 1000, 4096,
            Integer.MAX_VALUE);
}

package io.spillway.broker.share;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The settings a share group's partitions follow, resolved from the group's configs (ConfigResource type GROUP,
 * validated when they are set) and else the broker's {@code group.share.*} values. Immutable.
 *
 * @param lockDurationMs share.record.lock.duration.ms: how long a consumer holds records it acquired
 * @param deliveryLimit share.delivery.count.limit: deliveries after which a released record is archived
 * @param maxRecordLocks share.partition.max.record.locks: in-flight records per share-partition
 * @param readCommitted share.isolation.level=read_committed: only committed transactional records are delivered
 * @param autoOffsetReset share.auto.offset.reset: earliest, latest or by_duration:&lt;ISO-8601&gt;
 * @param renewEnabled share.renew.acknowledge.enable: consumers may renew locks (RENEW)
 */
public record ShareGroupSettings(int lockDurationMs, int deliveryLimit, int maxRecordLocks, boolean readCommitted,
                                 String autoOffsetReset, boolean renewEnabled) {

    public static final ShareGroupSettings DEFAULT = new ShareGroupSettings(30_000, 5, 2_000, false, "latest", true);

    /**
     * Where a share-partition with no stored state starts, given the log's start, high watermark, and a lookup
     * of the first offset at or after a timestamp (-1 when there is none).
     */
    long initialOffset(long logStart, long highWatermark, long nowMs, java.util.function.LongUnaryOperator offsetForTime) {
        String reset = autoOffsetReset.trim().toLowerCase(Locale.ROOT);
        if (reset.equals("earliest")) {
            return logStart;
        }
        if (reset.startsWith("by_duration:")) {
            Duration back = Duration.parse(autoOffsetReset.trim().substring("by_duration:".length()).toUpperCase(Locale.ROOT));
            long offset = offsetForTime.applyAsLong(nowMs - back.toMillis());
            return offset < 0 ? highWatermark : Math.max(offset, logStart);
        }
        return highWatermark;
    }

    /**
     * Resolves a group's settings: its configs first, then the broker's. Thread safe when {@code groupConfigs} is.
     */
    public static Function<String, ShareGroupSettings> resolver(Map<String, String> brokerConfigs,
                                                                Function<String, Map<String, String>> groupConfigs) {
        ShareGroupSettings broker = new ShareGroupSettings(
                intOf(brokerConfigs, "group.share.record.lock.duration.ms", DEFAULT.lockDurationMs),
                intOf(brokerConfigs, "group.share.delivery.count.limit", DEFAULT.deliveryLimit),
                intOf(brokerConfigs, "group.share.partition.max.record.locks", DEFAULT.maxRecordLocks),
                false, DEFAULT.autoOffsetReset, true);
        return groupId -> {
            Map<String, String> group = groupConfigs.apply(groupId);
            if (group.isEmpty()) {
                return broker;
            }
            return new ShareGroupSettings(
                    intOf(group, "share.record.lock.duration.ms", broker.lockDurationMs),
                    intOf(group, "share.delivery.count.limit", broker.deliveryLimit),
                    intOf(group, "share.partition.max.record.locks", broker.maxRecordLocks),
                    "read_committed".equalsIgnoreCase(group.getOrDefault("share.isolation.level", "").trim()),
                    group.getOrDefault("share.auto.offset.reset", broker.autoOffsetReset),
                    !"false".equalsIgnoreCase(group.getOrDefault("share.renew.acknowledge.enable", "true").trim()));
        };
    }

    private static int intOf(Map<String, String> configs, String name, int fallback) {
        String value = configs.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return fallback; // validated where it is set; never expected here
        }
    }
}

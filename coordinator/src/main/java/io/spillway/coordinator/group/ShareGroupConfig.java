package io.spillway.coordinator.group;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Settings of share groups (KIP-932), by their Kafka broker config names. Immutable.
 *
 * @param sessionTimeoutMs group.share.session.timeout.ms: a member that has not heartbeated for this long is
 *     removed
 * @param heartbeatIntervalMs group.share.heartbeat.interval.ms: told to members in every response
 * @param maxSize group.share.max.size: members a share group may have
 * @param groupConfigs a group's config overrides (ConfigResource type GROUP) by group id, read when they are used;
 *     {@link #sessionTimeoutMs(String)} and {@link #heartbeatIntervalMs(String)} prefer a group's
 *     share.session.timeout.ms and share.heartbeat.interval.ms to the broker-wide values. Must be thread safe.
 */
public record ShareGroupConfig(int sessionTimeoutMs, int heartbeatIntervalMs, int maxSize,
                               Function<String, Map<String, String>> groupConfigs) {
    /** The group config that overrides {@link #sessionTimeoutMs()} for one group. */
    public static final String GROUP_SESSION_TIMEOUT_MS = "share.session.timeout.ms";
    /** The group config that overrides {@link #heartbeatIntervalMs()} for one group. */
    public static final String GROUP_HEARTBEAT_INTERVAL_MS = "share.heartbeat.interval.ms";

    /** Kafka 4.4's defaults: 45 s sessions, 5 s heartbeats, 200 members. */
    public static final ShareGroupConfig DEFAULT = new ShareGroupConfig(45_000, 5_000, 200);

    /** Settings without per-group overrides. */
    public ShareGroupConfig(int sessionTimeoutMs, int heartbeatIntervalMs, int maxSize) {
        this(sessionTimeoutMs, heartbeatIntervalMs, maxSize, groupId -> Map.of());
    }

    public ShareGroupConfig {
        Objects.requireNonNull(groupConfigs, "groupConfigs");
        if (heartbeatIntervalMs >= sessionTimeoutMs) {
            throw new IllegalArgumentException("group.share.heartbeat.interval.ms (" + heartbeatIntervalMs
                    + ") must be lower than group.share.session.timeout.ms (" + sessionTimeoutMs + ")");
        }
        if (maxSize < 1) {
            throw new IllegalArgumentException("group.share.max.size (" + maxSize + ") must be at least 1");
        }
    }

    /** The same settings, with per-group overrides looked up in {@code lookup}. */
    public ShareGroupConfig withGroupConfigs(Function<String, Map<String, String>> lookup) {
        return new ShareGroupConfig(sessionTimeoutMs, heartbeatIntervalMs, maxSize, lookup);
    }

    /** The session timeout of a group's members: its share.session.timeout.ms, else the broker's. */
    public int sessionTimeoutMs(String groupId) {
        return groupValue(groupId, GROUP_SESSION_TIMEOUT_MS, sessionTimeoutMs);
    }

    /** The heartbeat interval told to a group's members: its share.heartbeat.interval.ms, else the broker's. */
    public int heartbeatIntervalMs(String groupId) {
        return groupValue(groupId, GROUP_HEARTBEAT_INTERVAL_MS, heartbeatIntervalMs);
    }

    private int groupValue(String groupId, String name, int brokerValue) {
        String value = groupConfigs.apply(groupId).get(name);
        if (value == null) {
            return brokerValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return brokerValue; // validated when set; never expected
        }
    }
}

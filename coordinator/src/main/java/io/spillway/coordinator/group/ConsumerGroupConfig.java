package io.spillway.coordinator.group;

import io.spillway.coordinator.assignor.UniformAssignor;
import io.spillway.coordinator.assignor.RangeAssignor;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Settings of consumer-protocol (KIP-848) groups, by their Kafka broker config names. Immutable.
 *
 * @param sessionTimeoutMs group.consumer.session.timeout.ms: a member that has not heartbeated for
 *     this long is removed
 * @param heartbeatIntervalMs group.consumer.heartbeat.interval.ms: told to members in every response
 * @param maxSize group.consumer.max.size
 * @param assignors group.consumer.assignors: names of the server-side assignors members may ask for;
 *     the first is the default
 * @param assignmentIntervalMs group.consumer.assignment.interval.ms: a new target assignment is
 *     computed at most this often per group
 * @param groupConfigs a group's config overrides (ConfigResource type GROUP) by group id, read when they are
 *     used; {@link #sessionTimeoutMs(String)} and {@link #heartbeatIntervalMs(String)} prefer a group's
 *     consumer.session.timeout.ms and consumer.heartbeat.interval.ms to the broker-wide values. Must be thread safe.
 */
public record ConsumerGroupConfig(int sessionTimeoutMs, int heartbeatIntervalMs, int maxSize, List<String> assignors,
                                  int assignmentIntervalMs, Function<String, Map<String, String>> groupConfigs) {
    /** The group config that overrides {@link #sessionTimeoutMs()} for one group. */
    public static final String GROUP_SESSION_TIMEOUT_MS = "consumer.session.timeout.ms";
    /** The group config that overrides {@link #heartbeatIntervalMs()} for one group. */
    public static final String GROUP_HEARTBEAT_INTERVAL_MS = "consumer.heartbeat.interval.ms";

    public static final List<String> BUILTIN_ASSIGNORS = List.of(UniformAssignor.NAME, RangeAssignor.NAME);
    public static final ConsumerGroupConfig DEFAULT = new ConsumerGroupConfig(45_000, 5_000, Integer.MAX_VALUE,
            BUILTIN_ASSIGNORS, 1_000);

    /** Settings without per-group overrides. */
    public ConsumerGroupConfig(int sessionTimeoutMs, int heartbeatIntervalMs, int maxSize, List<String> assignors,
                               int assignmentIntervalMs) {
        this(sessionTimeoutMs, heartbeatIntervalMs, maxSize, assignors, assignmentIntervalMs, groupId -> Map.of());
    }

    public ConsumerGroupConfig {
        Objects.requireNonNull(groupConfigs, "groupConfigs");
        assignors = List.copyOf(assignors);
        if (assignors.isEmpty()) {
            throw new IllegalArgumentException("group.consumer.assignors must name at least one assignor");
        }
        for (String name : assignors) {
            if (!BUILTIN_ASSIGNORS.contains(name)) {
                throw new IllegalArgumentException("group.consumer.assignors: unknown assignor '" + name
                        + "'; supported: " + String.join(", ", BUILTIN_ASSIGNORS));
            }
        }
        if (heartbeatIntervalMs >= sessionTimeoutMs) {
            throw new IllegalArgumentException("group.consumer.heartbeat.interval.ms (" + heartbeatIntervalMs
                    + ") must be lower than group.consumer.session.timeout.ms (" + sessionTimeoutMs + ")");
        }
    }

    /** The same settings, with per-group overrides looked up in {@code lookup}. */
    public ConsumerGroupConfig withGroupConfigs(Function<String, Map<String, String>> lookup) {
        return new ConsumerGroupConfig(sessionTimeoutMs, heartbeatIntervalMs, maxSize, assignors, assignmentIntervalMs,
                lookup);
    }

    /** The session timeout of a group's members: its consumer.session.timeout.ms, else the broker's. */
    public int sessionTimeoutMs(String groupId) {
        return groupValue(groupId, GROUP_SESSION_TIMEOUT_MS, sessionTimeoutMs);
    }

    /** The heartbeat interval told to a group's members: its consumer.heartbeat.interval.ms, else the broker's. */
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

    public String defaultAssignor() {
        return assignors.get(0);
    }
}

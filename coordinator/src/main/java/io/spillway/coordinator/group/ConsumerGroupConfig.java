package io.spillway.coordinator.group;

import io.spillway.coordinator.assignor.UniformAssignor;
import io.spillway.coordinator.assignor.RangeAssignor;
import java.util.List;

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
 */
public record ConsumerGroupConfig(int sessionTimeoutMs, int heartbeatIntervalMs, int maxSize, List<String> assignors,
                                  int assignmentIntervalMs) {
    public static final List<String> BUILTIN_ASSIGNORS = List.of(UniformAssignor.NAME, RangeAssignor.NAME);
    public static final ConsumerGroupConfig DEFAULT = new ConsumerGroupConfig(45_000, 5_000, Integer.MAX_VALUE,
            BUILTIN_ASSIGNORS, 1_000);

    public ConsumerGroupConfig {
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

    public String defaultAssignor() {
        return assignors.get(0);
    }
}

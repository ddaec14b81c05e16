package io.spillway.coordinator.assignor;

import org.apache.kafka.common.Uuid;

import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * A server-side assignor of the consumer protocol: from the members' subscriptions and their current
 * target assignment, the next target assignment. Implementations are stateless and thread safe.
 */
public interface PartitionAssignor {
    /** The name members ask for with group.remote.assignor. */
    String name();

    /**
     * Computes a target assignment in which every partition of every subscribed topic goes to exactly
     * one member subscribed to its topic.
     *
     * @return member id → topic id → partitions, for every member (empty for members without any)
     */
    Map<String, Map<Uuid, Set<Integer>>> assign(Spec spec);

    /** One member as the assignor sees it. Immutable. */
    record MemberSpec(String instanceId, Set<Uuid> topics, Map<Uuid, Set<Integer>> currentTarget) {
    }

    /**
     * What to assign. Immutable.
     *
     * @param members by member id, in the order the assignor should consider them
     * @param partitionCounts partitions of a topic id (only asked for subscribed topics, which exist)
     */
    record Spec(Map<String, MemberSpec> members, ToIntFunction<Uuid> partitionCounts) {
    }
}

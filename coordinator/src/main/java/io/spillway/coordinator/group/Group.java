package io.spillway.coordinator.group;

import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * What every group has whatever protocol its members speak: an id and committed offsets. One group id maps
 * to exactly one group object, a classic group or a consumer-protocol group; a group that changes protocol
 * is replaced by a new object that takes the offsets along.
 *
 * <p>Not thread safe: owned by the group coordinator's event thread, like everything of its shard.
 */
public abstract class Group {
    private final String groupId;
    /** Committed offsets; a group with only offsets (simple consumers, admin tools) has no members. */
    private final Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();

    protected Group(String groupId) {
        this.groupId = groupId;
    }

    public final String groupId() {
        return groupId;
    }

    /** The committed offsets, changed only by replaying offset commit records. */
    public final Map<TopicPartition, CommittedOffset> offsets() {
        return offsets;
    }

    public abstract GroupType type();

    /** Whether the group has no members (it may still have offsets). */
    public abstract boolean isEmpty();

    /** Deleted or replaced by a group of the other type; whoever holds it must look it up again. */
    public abstract boolean isDead();

    /** The group's state as ListGroups/DescribeGroups name it ("Empty", "Stable", ...). */
    public abstract String stateName();

    /** The protocol type ListGroups reports ("consumer", or "" for a group with only offsets). */
    public abstract String protocolType();

    /** Topics the members consume, which OffsetDelete refuses to touch (GROUP_SUBSCRIBED_TO_TOPIC). */
    public abstract Set<String> subscribedTopics();

    /**
     * The time each offset's retention counts from (Kafka's rules per group kind and state), or null while
     * the group's offsets do not expire at all.
     */
    public abstract ToLongFunction<CommittedOffset> offsetExpirationBase();

    /** The records that recreate the group's own state (not its offsets) for a rewrite of the topic. */
    public abstract java.util.List<GroupRecord> snapshot();
}

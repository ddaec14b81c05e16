package io.spillway.coordinator.group;

import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What every group has whatever protocol its members speak: an id and committed offsets. One group
 * id maps to exactly one group object, a {@link ClassicGroup} or a {@link ConsumerGroup}; a group
 * that changes protocol is replaced by a new object that takes the offsets along.
 *
 * <p>Not thread safe: every access holds this object's monitor.
 */
abstract sealed class Group permits ClassicGroup, ConsumerGroup {
    final String groupId;
    /** Committed offsets; a group with only offsets (simple consumers, admin tools) has no members. */
    final Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();

    Group(String groupId) {
        this.groupId = groupId;
    }

    abstract GroupType type();

    /** Whether the group has no members (it may still have offsets). */
    abstract boolean isEmpty();

    /** Deleted or replaced by a group of the other type; whoever looked it up must look again. */
    abstract boolean isDead();

    /** The group's state as ListGroups/DescribeGroups name it ("Empty", "Stable", ...). */
    abstract String stateName();

    /** The protocol type ListGroups reports ("consumer", or "" for a group with only offsets). */
    abstract String protocolType();

    /** Topics the members consume, which OffsetDelete refuses to touch (GROUP_SUBSCRIBED_TO_TOPIC). */
    abstract Set<String> subscribedTopics();
}

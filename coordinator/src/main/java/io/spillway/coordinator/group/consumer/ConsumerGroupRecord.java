package io.spillway.coordinator.group.consumer;

import org.apache.kafka.common.Uuid;

import java.util.Map;
import java.util.Set;

/**
 * One change to a consumer-protocol group, as stored in the coordinator's internal topic. A group
 * changes only by applying these ({@link ConsumerGroup#apply}), live and on replay alike, so what is
 * loaded after a restart is what was running. Each record type has its own key (see
 * {@link ConsumerGroupRecords}); a null payload is the key's tombstone.
 */
public sealed interface ConsumerGroupRecord {

    /** The group epoch and the hash of the subscribed topics' metadata it was computed for. */
    record GroupEpoch(int epoch, long metadataHash) implements ConsumerGroupRecord {
    }

    /** The group is gone (its epoch record's tombstone, written last when a group is deleted). */
    record GroupDeleted() implements ConsumerGroupRecord {
    }

    /** A member's subscription; null subscription removes the member. */
    record Subscription(String memberId, MemberSubscription subscription) implements ConsumerGroupRecord {
    }

    /** A member's target assignment; null partitions removes it. */
    record TargetMember(String memberId, Map<Uuid, Set<Integer>> partitions) implements ConsumerGroupRecord {
    }

    /**
     * The epoch of the group's target assignment and when it was computed (0: the next computation is
     * not throttled by group.consumer.assignment.interval.ms).
     */
    record TargetEpoch(int epoch, long computedAtMs) implements ConsumerGroupRecord {
        /** Deletes the key (epoch -1); written with the other tombstones of a deleted group. */
        static final TargetEpoch TOMBSTONE = new TargetEpoch(-1, 0);
    }

    /** A member's current assignment and epoch; null resets it (written when a member is removed). */
    record Current(String memberId, CurrentAssignment current) implements ConsumerGroupRecord {
    }
}

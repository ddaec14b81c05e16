package io.spillway.coordinator.group.share;

import org.apache.kafka.common.Uuid;

import java.util.Map;
import java.util.Set;

/**
 * One change to a share group (KIP-932), as stored in the group coordinator's internal topic. A share group
 * changes only by applying these ({@link ShareGroup#apply}), live and on replay alike. Each record type has
 * its own key ({@link ShareGroupRecords}); a null payload is the key's tombstone.
 */
public sealed interface ShareGroupRecord {

    /** The group epoch and the hash of the subscribed topics' metadata it was bumped for. */
    record GroupEpoch(int epoch, long metadataHash) implements ShareGroupRecord {
    }

    /** The group is gone (its epoch record's tombstone, written last when the group is deleted). */
    record GroupDeleted() implements ShareGroupRecord {
    }

    /** A member's subscription; null removes the member. */
    record Subscription(String memberId, ShareMemberSubscription subscription) implements ShareGroupRecord {
    }

    /** A member's target assignment; null removes it. */
    record TargetMember(String memberId, Map<Uuid, Set<Integer>> partitions) implements ShareGroupRecord {
    }

    /** The epoch of the group's target assignment; -1 is the tombstone written when the group is deleted. */
    record TargetEpoch(int epoch) implements ShareGroupRecord {
        static final TargetEpoch TOMBSTONE = new TargetEpoch(-1);
    }

    /** A member's current assignment and epoch; null removes it (written when the member goes). */
    record Current(String memberId, ShareMemberAssignment current) implements ShareGroupRecord {
    }
}

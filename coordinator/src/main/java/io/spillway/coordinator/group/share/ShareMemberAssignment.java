package io.spillway.coordinator.group.share;

import io.spillway.coordinator.assignor.Assignments;
import org.apache.kafka.common.Uuid;

import java.util.Map;
import java.util.Set;

/**
 * A share-group member's current assignment: the partitions it may fetch from, and the member epoch it got them
 * at. Share groups need no revocation step (several members may read one partition), so a member takes its
 * target assignment as soon as it heartbeats. Immutable.
 *
 * @param previousMemberEpoch the epoch before the last change: a heartbeat that still carries it is answered as
 *     usual (the response that moved the member on may have been lost), as in Kafka
 */
public record ShareMemberAssignment(int memberEpoch, int previousMemberEpoch, Map<Uuid, Set<Integer>> partitions) {
    public static final ShareMemberAssignment NEW = new ShareMemberAssignment(0, 0, Map.of());

    public ShareMemberAssignment {
        partitions = Assignments.freeze(partitions);
    }
}

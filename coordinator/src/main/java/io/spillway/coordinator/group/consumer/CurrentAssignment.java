package io.spillway.coordinator.group.consumer;

import io.spillway.coordinator.assignor.Assignments;
import org.apache.kafka.common.Uuid;

import java.util.Map;

/**
 * A consumer-protocol member's side of reconciliation: its epoch, its state, the partitions it owns
 * now (each with the epoch at which it got them) and those it must give up. Persisted as the
 * current-assignment record. Immutable (the maps are never modified once built).
 *
 * @param assigned topic id → partition → epoch at which the member received the partition
 * @param pendingRevocation partitions the member must revoke before it may advance, same layout
 */
public record CurrentAssignment(int memberEpoch, int previousMemberEpoch, MemberState state,
                                Map<Uuid, Map<Integer, Integer>> assigned,
                                Map<Uuid, Map<Integer, Integer>> pendingRevocation) {
    /** A member that just joined: epoch 0, owning nothing. */
    static final CurrentAssignment NEW = new CurrentAssignment(0, -1, MemberState.STABLE, Map.of(), Map.of());

    public CurrentAssignment {
        assigned = Assignments.freezeWithEpochs(assigned);
        pendingRevocation = Assignments.freezeWithEpochs(pendingRevocation);
    }

    boolean isReconciledTo(int targetAssignmentEpoch) {
        return state == MemberState.STABLE && memberEpoch == targetAssignmentEpoch;
    }

    /** Epoch at which the member got the partition (assigned or pending revocation), or null if it has it not. */
    Integer assignmentEpoch(Uuid topicId, int partition) {
        Integer epoch = assigned.getOrDefault(topicId, Map.of()).get(partition);
        return epoch != null ? epoch : pendingRevocation.getOrDefault(topicId, Map.of()).get(partition);
    }
}

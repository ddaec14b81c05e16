package io.spillway.coordinator.group.consumer;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CurrentAssignmentReconcilerTest {
    private static final Uuid T = new Uuid(7, 7);
    private static final Uuid U = new Uuid(8, 8);
    private final Map<Integer, String> owners = new HashMap<>();

    private static ConsumerGroupMember member(CurrentAssignment current) {
        return new ConsumerGroupMember("m", MemberSubscription.NEW, current);
    }

    private static Map<Uuid, Map<Integer, Integer>> owned(int epoch, Integer... partitions) {
        Map<Integer, Integer> epochs = new HashMap<>();
        for (int p : partitions) {
            epochs.put(p, epoch);
        }
        return Map.of(T, epochs);
    }

    private static List<ConsumerGroupHeartbeatRequestData.TopicPartitions> reports(Integer... partitions) {
        return List.of(new ConsumerGroupHeartbeatRequestData.TopicPartitions().setTopicId(T).setPartitions(List.of(partitions)));
    }

    private CurrentAssignment reconcile(CurrentAssignment current, int targetEpoch, Set<Integer> target,
                                        List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned) {
        return new CurrentAssignmentReconciler(member(current), targetEpoch, Map.of(T, target), Set.of(T, U),
                (topicId, p) -> owners.get(p), owned).reconcile(false);
    }

    @Test
    void aNewMemberGetsTheFreePartitionsOfItsTargetAtTheTargetEpoch() {
        CurrentAssignment next = reconcile(CurrentAssignment.NEW, 3, Set.of(0, 1), reports());
        assertThat(next.memberEpoch()).isEqualTo(3);
        assertThat(next.state()).isEqualTo(MemberState.STABLE);
        assertThat(next.assigned()).isEqualTo(owned(3, 0, 1));
    }

    @Test
    void partitionsStillOwnedByAnotherMemberAreWithheldUntilReleased() {
        owners.put(1, "other");
        CurrentAssignment waiting = reconcile(CurrentAssignment.NEW, 3, Set.of(0, 1), reports());
        assertThat(waiting.state()).isEqualTo(MemberState.UNRELEASED_PARTITIONS);
        assertThat(waiting.assigned()).isEqualTo(owned(3, 0));

        owners.remove(1);
        CurrentAssignment done = new CurrentAssignmentReconciler(member(waiting), 3, Map.of(T, Set.of(0, 1)), Set.of(T),
                (topicId, p) -> owners.get(p), null).reconcile(false);
        assertThat(done.state()).isEqualTo(MemberState.STABLE);
        assertThat(done.assigned()).isEqualTo(Map.of(T, Map.of(0, 3, 1, 3)));
    }

    @Test
    void aMemberMustRevokeBeforeItAdvancesAndKeepsItsEpochMeanwhile() {
        CurrentAssignment stable = new CurrentAssignment(3, 2, MemberState.STABLE, owned(3, 0, 1, 2), Map.of());
        CurrentAssignment revoking = reconcile(stable, 4, Set.of(0, 3), reports(0, 1, 2));
        assertThat(revoking.state()).isEqualTo(MemberState.UNREVOKED_PARTITIONS);
        assertThat(revoking.memberEpoch()).isEqualTo(3);
        assertThat(revoking.assigned()).isEqualTo(owned(3, 0));
        assertThat(revoking.pendingRevocation()).isEqualTo(owned(3, 1, 2));

        // Still reporting a revoked partition: nothing changes.
        assertThat(reconcile(revoking, 4, Set.of(0, 3), reports(0, 2))).isEqualTo(revoking);
        // Not reporting (null): assumed to still own them.
        assertThat(reconcile(revoking, 4, Set.of(0, 3), null)).isEqualTo(revoking);

        CurrentAssignment advanced = reconcile(revoking, 4, Set.of(0, 3), reports(0));
        assertThat(advanced.state()).isEqualTo(MemberState.STABLE);
        assertThat(advanced.memberEpoch()).isEqualTo(4);
        assertThat(advanced.previousMemberEpoch()).isEqualTo(3);
        assertThat(advanced.assigned()).isEqualTo(Map.of(T, Map.of(0, 3, 3, 4)));
        assertThat(advanced.pendingRevocation()).isEmpty();
    }

    @Test
    void aMemberThatNoLongerOwnsWhatItLosesAdvancesAtOnce() {
        CurrentAssignment stable = new CurrentAssignment(3, 2, MemberState.STABLE, owned(3, 0, 1), Map.of());
        CurrentAssignment next = reconcile(stable, 4, Set.of(0), reports(0));
        assertThat(next.state()).isEqualTo(MemberState.STABLE);
        assertThat(next.memberEpoch()).isEqualTo(4);
        assertThat(next.assigned()).isEqualTo(owned(3, 0));
    }

    @Test
    void droppingATopicFromTheSubscriptionRevokesItsPartitionsWithoutANewEpoch() {
        Map<Uuid, Map<Integer, Integer>> both = Map.of(T, Map.of(0, 3), U, Map.of(0, 3));
        CurrentAssignment stable = new CurrentAssignment(3, 2, MemberState.STABLE, both, Map.of());
        List<ConsumerGroupHeartbeatRequestData.TopicPartitions> ownsBoth = List.of(
                new ConsumerGroupHeartbeatRequestData.TopicPartitions().setTopicId(T).setPartitions(List.of(0)),
                new ConsumerGroupHeartbeatRequestData.TopicPartitions().setTopicId(U).setPartitions(List.of(0)));
        CurrentAssignment next = new CurrentAssignmentReconciler(member(stable), 3, Map.of(T, Set.of(0), U, Set.of(0)),
                Set.of(T), (topicId, p) -> null, ownsBoth).reconcile(true);
        assertThat(next.state()).isEqualTo(MemberState.UNREVOKED_PARTITIONS);
        assertThat(next.memberEpoch()).isEqualTo(3);
        assertThat(next.assigned()).containsOnlyKeys(T);
        assertThat(next.pendingRevocation()).containsOnlyKeys(U);
    }

    @Test
    void aMemberInAnUnknownStateMustRejoinOwningNothing() {
        CurrentAssignment unknown = new CurrentAssignment(3, 2, MemberState.UNKNOWN, owned(3, 0), Map.of());
        assertThatThrownBy(() -> reconcile(unknown, 3, Set.of(0), reports(0))).isInstanceOf(FencedMemberEpochException.class);
        assertThat(reconcile(unknown, 3, Set.of(0), List.of()).state()).isEqualTo(MemberState.STABLE);
    }
}

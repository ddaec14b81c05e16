package io.spillway.coordinator.group.consumer;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Moves one member's current assignment toward its target, one safe step per heartbeat, so that a
 * partition is never owned by two members at once:
 * <ul>
 *   <li>partitions the member has but the target does not become pending revocation; while the
 *       member still reports owning any of them it stays at its epoch in UNREVOKED_PARTITIONS;</li>
 *   <li>once it has let them go, it moves to the target epoch and gets the targeted partitions that
 *       nobody else owns; those still owned by another member are withheld (UNRELEASED_PARTITIONS)
 *       until that member revokes them;</li>
 *   <li>partitions of topics it no longer subscribes to are taken away at once (revoked first if
 *       it owns them), without waiting for a new target.</li>
 * </ul>
 * Stateless; {@link #reconcile} returns the member's next current assignment.
 */
final class CurrentAssignmentReconciler {
    /** Who owns a partition now; null when it is free. */
    interface Owners {
        String owner(Uuid topicId, int partition);
    }

    private final ConsumerGroupMember member;
    private final int targetEpoch;
    private final Map<Uuid, Set<Integer>> target;
    private final Set<Uuid> subscribedTopicIds;
    private final Owners owners;
    /** What the member says it owns, or null when it did not say (unchanged since its last report). */
    private final List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned;

    CurrentAssignmentReconciler(ConsumerGroupMember member, int targetEpoch, Map<Uuid, Set<Integer>> target,
                                Set<Uuid> subscribedTopicIds, Owners owners,
                                List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned) {
        this.member = member;
        this.targetEpoch = targetEpoch;
        this.target = target;
        this.subscribedTopicIds = subscribedTopicIds;
        this.owners = owners;
        this.owned = owned;
    }

    /**
     * @param subscriptionChanged whether the member's subscription changed in this heartbeat
     * @throws FencedMemberEpochException if the member is in an unknown state and still owns partitions
     */
    CurrentAssignment reconcile(boolean subscriptionChanged) {
        CurrentAssignment current = member.current();
        switch (current.state()) {
            case STABLE:
                if (current.memberEpoch() != targetEpoch) {
                    return nextStep(current.memberEpoch());
                }
                return subscriptionChanged ? dropUnsubscribed() : current;
            case UNREVOKED_PARTITIONS:
                if (!ownsAny(current.pendingRevocation())) {
                    return nextStep(current.memberEpoch());
                }
                return subscriptionChanged ? dropUnsubscribed() : current;
            case UNRELEASED_PARTITIONS:
                return nextStep(current.memberEpoch());
            case UNKNOWN:
            default:
                if (owned == null || !owned.isEmpty()) {
                    throw new FencedMemberEpochException("The consumer group member is in a unknown state. "
                            + "The member must abandon all its partitions and rejoin.");
                }
                return nextStep(targetEpoch);
        }
    }

    /** Whether the member reports owning any of the partitions (it is assumed to if it did not report). */
    private boolean ownsAny(Map<Uuid, Map<Integer, Integer>> partitions) {
        if (owned == null) {
            return true;
        }
        for (ConsumerGroupHeartbeatRequestData.TopicPartitions tp : owned) {
            Map<Integer, Integer> candidates = partitions.getOrDefault(tp.topicId(), Map.of());
            for (int p : tp.partitions()) {
                if (candidates.containsKey(p)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Takes away partitions of topics the member no longer subscribes to, keeping its epoch. */
    private CurrentAssignment dropUnsubscribed() {
        CurrentAssignment current = member.current();
        Map<Uuid, Map<Integer, Integer>> assigned = new HashMap<>(current.assigned());
        Map<Uuid, Map<Integer, Integer>> pending = new HashMap<>(current.pendingRevocation());
        boolean changed = false;
        if (subscribedTopicIds.isEmpty() && pending.isEmpty()) {
            pending = new HashMap<>(assigned);
            changed = !assigned.isEmpty();
            assigned.clear();
        } else {
            for (Uuid topicId : current.assigned().keySet()) {
                if (!subscribedTopicIds.contains(topicId)) {
                    Map<Integer, Integer> merged = new HashMap<>(pending.getOrDefault(topicId, Map.of()));
                    merged.putAll(assigned.remove(topicId));
                    pending.put(topicId, merged);
                    changed = true;
                }
            }
        }
        if (!changed) {
            return current;
        }
        if (!pending.isEmpty() && ownsAny(pending)) {
            return new CurrentAssignment(current.memberEpoch(), current.memberEpoch(), MemberState.UNREVOKED_PARTITIONS,
                    assigned, pending);
        }
        return new CurrentAssignment(current.memberEpoch(), current.memberEpoch(), current.state(), assigned,
                current.pendingRevocation());
    }

    /** One step toward the target: revoke first, or advance to the target epoch with what is free. */
    private CurrentAssignment nextStep(int memberEpoch) {
        CurrentAssignment current = member.current();
        Map<Uuid, Map<Integer, Integer>> keep = new HashMap<>();
        Map<Uuid, Map<Integer, Integer>> revoke = new HashMap<>();
        Map<Uuid, Set<Integer>> add = new HashMap<>();
        boolean unreleased = false;
        Set<Uuid> topics = new TreeSet<>(target.keySet());
        topics.addAll(current.assigned().keySet());
        for (Uuid topicId : topics) {
            Set<Integer> wanted = subscribedTopicIds.contains(topicId) ? target.getOrDefault(topicId, Set.of()) : Set.of();
            Map<Integer, Integer> has = current.assigned().getOrDefault(topicId, Map.of());
            Map<Integer, Integer> kept = new HashMap<>();
            Map<Integer, Integer> revoked = new HashMap<>();
            has.forEach((p, epoch) -> (wanted.contains(p) ? kept : revoked).put(p, epoch));
            Set<Integer> added = new HashSet<>();
            Map<Integer, Integer> ownPending = current.pendingRevocation().getOrDefault(topicId, Map.of());
            for (int p : wanted) {
                if (kept.containsKey(p)) {
                    continue;
                }
                String owner = owners.owner(topicId, p);
                if (owner == null || (owner.equals(member.memberId()) && ownPending.containsKey(p))) {
                    added.add(p);
                } else {
                    unreleased = true;
                }
            }
            putIfNotEmpty(keep, topicId, kept);
            putIfNotEmpty(revoke, topicId, revoked);
            if (!added.isEmpty()) {
                add.put(topicId, added);
            }
        }
        if (!revoke.isEmpty() && ownsAny(revoke)) {
            return new CurrentAssignment(memberEpoch, current.memberEpoch(), MemberState.UNREVOKED_PARTITIONS, keep, revoke);
        }
        add.forEach((topicId, partitions) -> {
            Map<Integer, Integer> epochs = keep.computeIfAbsent(topicId, t -> new HashMap<>());
            partitions.forEach(p -> epochs.put(p, targetEpoch));
        });
        MemberState state = unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE;
        return new CurrentAssignment(targetEpoch, current.memberEpoch(), state, keep, Map.of());
    }

    private static void putIfNotEmpty(Map<Uuid, Map<Integer, Integer>> into, Uuid topicId, Map<Integer, Integer> partitions) {
        if (!partitions.isEmpty()) {
            into.put(topicId, partitions);
        }
    }
}

package io.spillway.coordinator.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

/**
 * The state of one classic-protocol group (JoinGroup/SyncGroup): members, generation, chosen
 * protocol, leader, the timers of the rebalance in progress, and the group's committed offsets
 * (simple consumers and admin tools commit offsets to groups that have no members).
 *
 * <p>Not thread safe: every access holds this object's monitor.
 */
final class ClassicGroup extends Group {
    GroupState state = GroupState.EMPTY;
    int generation;
    String protocolType;
    String protocolName;
    String leaderId;
    /** When the group entered its current state (offset expiry counts from becoming empty). */
    long stateSinceMs;
    final Map<String, ClassicMember> members = new LinkedHashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet. */
    final Map<String, Long> pendingMemberIds = new HashMap<>();
    final Map<String, String> staticMembers = new HashMap<>();
    ScheduledFuture<?> joinDeadline;
    ScheduledFuture<?> syncDeadline;
    /** While the first join of an empty group waits for more members (group.initial.rebalance.delay.ms). */
    boolean initialDelayActive;
    /** Latest time the initial delay may be extended to. */
    long initialDelayLimitMs;

    ClassicGroup(String groupId, long nowMs) {
        super(groupId);
        this.stateSinceMs = nowMs;
    }

    @Override
    GroupType type() {
        return GroupType.CLASSIC;
    }

    @Override
    boolean isDead() {
        return state == GroupState.DEAD;
    }

    @Override
    String stateName() {
        return state.kafkaName();
    }

    @Override
    String protocolType() {
        return protocolType == null ? "" : protocolType;
    }

    @Override
    Set<String> subscribedTopics() {
        return isEmpty() ? Set.of() : SubscribedTopics.of(this);
    }

    void transitionTo(GroupState next, long nowMs) {
        boolean legal = switch (next) {
            case EMPTY -> state == GroupState.PREPARING_REBALANCE || state == GroupState.EMPTY;
            case PREPARING_REBALANCE -> state != GroupState.DEAD;
            case COMPLETING_REBALANCE -> state == GroupState.PREPARING_REBALANCE;
            case STABLE -> state == GroupState.COMPLETING_REBALANCE || state == GroupState.STABLE;
            case DEAD -> true;
        };
        if (!legal) {
            throw new IllegalStateException("Group " + groupId + " cannot move from " + state + " to " + next);
        }
        state = next;
        stateSinceMs = nowMs;
    }

    @Override
    boolean isEmpty() {
        return members.isEmpty();
    }

    ClassicMember member(String memberId) {
        return members.get(memberId);
    }

    void add(ClassicMember member) {
        members.put(member.memberId, member);
        if (member.isStatic()) {
            staticMembers.put(member.groupInstanceId, member.memberId);
        }
        if (leaderId == null) {
            leaderId = member.memberId;
        }
    }

    void remove(ClassicMember member) {
        members.remove(member.memberId);
        if (member.isStatic() && member.memberId.equals(staticMembers.get(member.groupInstanceId))) {
            staticMembers.remove(member.groupInstanceId);
        }
        if (member.sessionExpiry != null) {
            member.sessionExpiry.cancel(false);
        }
        if (member.memberId.equals(leaderId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
    }

    /** Whether every member has sent JoinGroup in the current rebalance. */
    boolean allMembersJoined() {
        // True for a group whose last member just left: nobody is left to wait for (as Kafka), so
        // the rebalance completes at once and the group is Empty before LeaveGroup is answered.
        return members.values().stream().allMatch(m -> m.joinedThisRebalance) && pendingMemberIds.isEmpty();
    }

    int maxRebalanceTimeoutMs() {
        return members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
    }

    /** Whether a new member with these protocols can join: same type and at least one protocol in common. */
    boolean accepts(String type, List<ClassicMember.Protocol> protocols) {
        if (members.isEmpty()) {
            return !protocols.isEmpty() && type != null && !type.isEmpty();
        }
        if (!type.equals(protocolType)) {
            return false;
        }
        return protocols.stream().anyMatch(p -> members.values().stream().allMatch(m -> m.supports(p.name())));
    }

    /** Kafka's choice: among protocols every member supports, the one most members list first. */
    String selectProtocol() {
        List<String> candidates = new ArrayList<>();
        ClassicMember first = members.values().iterator().next();
        for (ClassicMember.Protocol p : first.protocols) {
            if (members.values().stream().allMatch(m -> m.supports(p.name()))) {
                candidates.add(p.name());
            }
        }
        Map<String, Integer> votes = new HashMap<>();
        for (ClassicMember m : members.values()) {
            for (ClassicMember.Protocol p : m.protocols) {
                if (candidates.contains(p.name())) {
                    votes.merge(p.name(), 1, Integer::sum);
                    break;
                }
            }
        }
        String best = candidates.get(0);
        for (String c : candidates) {
            if (votes.getOrDefault(c, 0) > votes.getOrDefault(best, 0)) {
                best = c;
            }
        }
        return best;
    }
}

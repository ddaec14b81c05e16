package io.spillway.coordinator.group.classic;

import io.spillway.coordinator.group.ClassicGroupRecord;
import io.spillway.coordinator.group.CommittedOffset;
import io.spillway.coordinator.group.Group;
import io.spillway.coordinator.group.GroupRecord;
import io.spillway.coordinator.group.GroupType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The state of one classic-protocol group (JoinGroup/SyncGroup): members, generation, chosen protocol,
 * leader, and the group's committed offsets (simple consumers and admin tools commit offsets to groups
 * that have no members).
 *
 * <p>What survives a restart (generation, protocol, leader, members with subscriptions and assignments)
 * changes only by applying a {@link ClassicGroupRecord} ({@link #apply}), live and on replay alike. The
 * state of a rebalance in progress (who has joined this round, parked JoinGroup/SyncGroup responses,
 * timers) lives in memory only, as in Kafka: after a restart the members simply rejoin.
 *
 * <p>Not thread safe: owned by the group coordinator's event thread.
 */
public final class ClassicGroup extends Group {
    /** Kafka's protocol type of consumer groups. */
    public static final String CONSUMER_PROTOCOL_TYPE = "consumer";

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
    /** While the first join of an empty group waits for more members (group.initial.rebalance.delay.ms). */
    boolean initialDelayActive;
    /** Latest time the initial delay may be extended to. */
    long initialDelayLimitMs;

    public ClassicGroup(String groupId, long nowMs) {
        super(groupId);
        this.stateSinceMs = nowMs;
    }

    /** The group a replayed record describes (loading the internal topic). */
    public static ClassicGroup restore(String groupId, ClassicGroupSnapshot snapshot, long nowMs) {
        ClassicGroup group = new ClassicGroup(groupId, nowMs);
        group.apply(snapshot);
        group.state = group.members.isEmpty() ? GroupState.EMPTY : GroupState.STABLE;
        return group;
    }

    /**
     * Applies the persisted fields of a group record. Live, the record was made from this group, so members
     * match and only what the record changes (the assignments stored at SyncGroup) changes here; on replay the
     * members are created from it.
     */
    public void apply(ClassicGroupSnapshot snapshot) {
        protocolType = snapshot.protocolType();
        generation = snapshot.generation();
        protocolName = snapshot.protocolName();
        stateSinceMs = snapshot.stateSinceMs();
        Map<String, ClassicGroupSnapshot.Member> byId = new LinkedHashMap<>();
        snapshot.members().forEach(m -> byId.put(m.memberId(), m));
        for (ClassicMember existing : new ArrayList<>(members.values())) {
            if (!byId.containsKey(existing.memberId)) {
                remove(existing);
            }
        }
        for (ClassicGroupSnapshot.Member m : byId.values()) {
            ClassicMember member = members.get(m.memberId());
            if (member == null) {
                member = new ClassicMember(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                        m.rebalanceTimeoutMs(), m.sessionTimeoutMs(),
                        List.of(new ClassicMember.Protocol(protocolName, m.subscription())));
                add(member);
            }
            member.assignment = m.assignment() == null ? new byte[0] : m.assignment();
        }
        leaderId = snapshot.leaderId();
    }

    /** The persisted form of the group now, with {@code assignments} (member id → bytes) where given. */
    ClassicGroupSnapshot snapshotWith(Map<String, byte[]> assignments) {
        List<ClassicGroupSnapshot.Member> out = new ArrayList<>();
        for (ClassicMember m : members.values()) {
            out.add(new ClassicGroupSnapshot.Member(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                    m.rebalanceTimeoutMs, m.sessionTimeoutMs,
                    protocolName == null ? new byte[0] : m.metadata(protocolName),
                    assignments.getOrDefault(m.memberId, m.assignment)));
        }
        return new ClassicGroupSnapshot(protocolType, generation, protocolName, leaderId, stateSinceMs, out);
    }

    @Override
    public GroupType type() {
        return GroupType.CLASSIC;
    }

    @Override
    public boolean isDead() {
        return state == GroupState.DEAD;
    }

    public GroupState state() {
        return state;
    }

    @Override
    public String stateName() {
        return state.kafkaName();
    }

    @Override
    public String protocolType() {
        return protocolType == null ? "" : protocolType;
    }

    @Override
    public Set<String> subscribedTopics() {
        return isEmpty() ? Set.of() : SubscribedTopics.of(this);
    }

    /**
     * Kafka's rules: groups without a protocol (simple consumers, admin tools) and stable consumer groups count
     * from each commit; empty groups from when they became empty; other groups keep their offsets.
     */
    @Override
    public ToLongFunction<CommittedOffset> offsetExpirationBase() {
        if (protocolType == null) {
            return CommittedOffset::commitTimestampMs;
        }
        if (state == GroupState.EMPTY) {
            long emptySinceMs = stateSinceMs;
            return offset -> emptySinceMs;
        }
        if (CONSUMER_PROTOCOL_TYPE.equals(protocolType) && state == GroupState.STABLE) {
            return CommittedOffset::commitTimestampMs;
        }
        return null;
    }

    @Override
    public List<GroupRecord> snapshot() {
        if (protocolType == null && members.isEmpty()) {
            return List.of(); // only offsets
        }
        return List.of(new ClassicGroupRecord(groupId(), snapshotWith(Map.of())));
    }

    /** Whether the group has nothing left to keep: no members, no offsets, no member ids handed out. */
    public boolean isGone() {
        return members.isEmpty() && offsets().isEmpty() && pendingMemberIds.isEmpty();
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
            throw new IllegalStateException("Group " + groupId() + " cannot move from " + state + " to " + next);
        }
        state = next;
        stateSinceMs = nowMs;
    }

    /** The group was deleted (its tombstone was applied). */
    public void markDead(long nowMs) {
        transitionTo(GroupState.DEAD, nowMs);
    }

    @Override
    public boolean isEmpty() {
        return members.isEmpty();
    }

    ClassicMember member(String memberId) {
        return members.get(memberId);
    }

    /** Members as DescribeGroups shows them (metadata and assignment only while the group is stable). */
    public List<ClassicMember> members() {
        return List.copyOf(members.values());
    }

    public int generation() {
        return generation;
    }

    public String protocolName() {
        return protocolName;
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

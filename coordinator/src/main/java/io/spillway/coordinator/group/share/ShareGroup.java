package io.spillway.coordinator.group.share;

import io.spillway.coordinator.assignor.Assignments;
import io.spillway.coordinator.group.CommittedOffset;
import io.spillway.coordinator.group.Group;
import io.spillway.coordinator.group.GroupRecord;
import io.spillway.coordinator.group.GroupType;
import io.spillway.coordinator.group.ShareGroupChange;
import org.apache.kafka.common.Uuid;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The state of one share group (KIP-932): group epoch, members with their subscriptions and current
 * assignments, and the target assignment with its epoch. Share groups commit no offsets (the share-partition
 * state lives in the share coordinator's store), and an empty share group stays until it is deleted, as in
 * Kafka. It changes only through {@link #apply}, for live changes and replay alike.
 *
 * <p>Not thread safe: owned by the group coordinator's event thread.
 */
public final class ShareGroup extends Group {
    /** The protocol type ListGroups reports for share groups. */
    public static final String PROTOCOL_TYPE = "share";

    int groupEpoch;
    /** Hash of the subscribed topics' ids and partition counts when the group epoch was last bumped. */
    long metadataHash;
    int assignmentEpoch;
    /** Members by id, sorted so that the assignor and descriptions see a stable order. */
    final Map<String, ShareGroupMember> members = new TreeMap<>();
    final Map<String, Map<Uuid, Set<Integer>>> targetAssignment = new HashMap<>();
    boolean dead;
    /** Session deadlines by member id (a runtime timer per member checks them); not persisted. */
    final Map<String, Long> sessionDeadlinesMs = new HashMap<>();

    public ShareGroup(String groupId) {
        super(groupId);
    }

    @Override
    public GroupType type() {
        return GroupType.SHARE;
    }

    @Override
    public boolean isEmpty() {
        return members.isEmpty();
    }

    @Override
    public boolean isDead() {
        return dead;
    }

    /** Kafka's share group states: Empty without members, else Stable (Dead once deleted). */
    @Override
    public String stateName() {
        return dead ? "Dead" : members.isEmpty() ? "Empty" : "Stable";
    }

    @Override
    public String protocolType() {
        return PROTOCOL_TYPE;
    }

    @Override
    public Set<String> subscribedTopics() {
        Set<String> topics = new HashSet<>();
        members.values().forEach(m -> topics.addAll(m.subscription().topicNames()));
        return topics;
    }

    /** A share group holds no committed offsets, so there is nothing to expire. */
    @Override
    public ToLongFunction<CommittedOffset> offsetExpirationBase() {
        return null;
    }

    @Override
    public List<GroupRecord> snapshot() {
        return ShareGroupRecords.snapshot(this).stream()
                .map(r -> (GroupRecord) new ShareGroupChange(groupId(), r)).toList();
    }

    public int groupEpoch() {
        return groupEpoch;
    }

    public int assignmentEpoch() {
        return assignmentEpoch;
    }

    /** The members by id (read only). */
    public Map<String, ShareGroupMember> members() {
        return java.util.Collections.unmodifiableMap(members);
    }

    public boolean hasMember(String memberId) {
        return members.containsKey(memberId);
    }

    Map<Uuid, Set<Integer>> targetOf(String memberId) {
        return targetAssignment.getOrDefault(memberId, Map.of());
    }

    /** Applies one change. Replay and live operations both come through here. */
    public void apply(ShareGroupRecord record) {
        if (record instanceof ShareGroupRecord.GroupEpoch r) {
            groupEpoch = r.epoch();
            metadataHash = r.metadataHash();
        } else if (record instanceof ShareGroupRecord.GroupDeleted) {
            dead = true;
        } else if (record instanceof ShareGroupRecord.Subscription r) {
            ShareGroupMember old = members.get(r.memberId());
            if (r.subscription() == null) {
                members.remove(r.memberId());
            } else {
                members.put(r.memberId(), old == null
                        ? new ShareGroupMember(r.memberId(), r.subscription(), ShareMemberAssignment.NEW)
                        : old.withSubscription(r.subscription()));
            }
        } else if (record instanceof ShareGroupRecord.TargetMember r) {
            if (r.partitions() == null) {
                targetAssignment.remove(r.memberId());
            } else {
                targetAssignment.put(r.memberId(), Assignments.freeze(r.partitions()));
            }
        } else if (record instanceof ShareGroupRecord.TargetEpoch r) {
            if (r.epoch() >= 0) {
                assignmentEpoch = r.epoch();
            }
        } else if (record instanceof ShareGroupRecord.Current r) {
            ShareGroupMember old = members.get(r.memberId());
            if (r.current() == null) {
                if (old != null) {
                    members.put(r.memberId(), old.withCurrent(ShareMemberAssignment.NEW));
                }
            } else {
                ShareGroupMember base = old != null ? old
                        : new ShareGroupMember(r.memberId(), ShareMemberSubscription.NEW, ShareMemberAssignment.NEW);
                members.put(r.memberId(), base.withCurrent(r.current()));
            }
        }
    }
}

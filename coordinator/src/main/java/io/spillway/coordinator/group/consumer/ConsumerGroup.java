package io.spillway.coordinator.group.consumer;

import io.spillway.coordinator.assignor.Assignments;
import io.spillway.coordinator.group.CommittedOffset;
import io.spillway.coordinator.group.ConsumerGroupChange;
import io.spillway.coordinator.group.Group;
import io.spillway.coordinator.group.GroupRecord;
import io.spillway.coordinator.group.GroupType;
import io.spillway.coordinator.group.TopicCatalog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The state of one consumer-protocol (KIP-848) group: group epoch, members with their subscriptions
 * and current assignments, the target assignment and its epoch, and who owns which partition. It
 * changes only through {@link #apply}, for live changes and replay alike.
 *
 * <p>Not thread safe: owned by the group coordinator's event thread.
 */
public final class ConsumerGroup extends Group {
    /** The protocol type ListGroups reports for consumer-protocol groups. */
    public static final String PROTOCOL_TYPE = "consumer";

    int groupEpoch;
    /** Hash of the subscribed topics' ids and partition counts when the group epoch was last bumped. */
    long metadataHash;
    int assignmentEpoch;
    /** When the current target assignment was computed; 0 lets the next one be computed at once. */
    long assignmentComputedAtMs;
    /** Members by id, sorted so that assignors and descriptions see a stable order. */
    final Map<String, ConsumerGroupMember> members = new TreeMap<>();
    final Map<String, Map<Uuid, Set<Integer>>> targetAssignment = new HashMap<>();
    /** group.instance.id → member id. */
    final Map<String, String> staticMembers = new HashMap<>();
    /** Who owns each partition now (assigned or pending revocation): topic id → partition → member id. */
    private final Map<Uuid, Map<Integer, String>> owners = new HashMap<>();
    boolean dead;

    /** Resolved topic regexes: regex → matching topic names. Not persisted; resolved again after a restart. */
    final Map<String, Set<String>> resolvedRegexes = new HashMap<>();
    long regexesResolvedAtMs = Long.MIN_VALUE;

    /** Session deadlines by member id (a runtime timer per member checks them). */
    final Map<String, Long> sessionDeadlinesMs = new HashMap<>();

    public ConsumerGroup(String groupId) {
        super(groupId);
    }

    @Override
    public GroupType type() {
        return GroupType.CONSUMER;
    }

    @Override
    public boolean isEmpty() {
        return members.isEmpty();
    }

    @Override
    public boolean isDead() {
        return dead;
    }

    @Override
    public String stateName() {
        return state().kafkaName();
    }

    @Override
    public String protocolType() {
        return PROTOCOL_TYPE;
    }

    /** Offsets of consumer-protocol groups expire counted from their commit, as in Kafka. */
    @Override
    public ToLongFunction<CommittedOffset> offsetExpirationBase() {
        return CommittedOffset::commitTimestampMs;
    }

    @Override
    public List<GroupRecord> snapshot() {
        return ConsumerGroupRecords.snapshot(this).stream()
                .map(r -> (GroupRecord) new ConsumerGroupChange(groupId(), r)).toList();
    }

    public int membersCount() {
        return members.size();
    }

    ConsumerGroupState state() {
        if (dead) {
            return ConsumerGroupState.DEAD;
        }
        if (members.isEmpty()) {
            return ConsumerGroupState.EMPTY;
        }
        if (groupEpoch > assignmentEpoch) {
            return ConsumerGroupState.ASSIGNING;
        }
        for (ConsumerGroupMember m : members.values()) {
            if (!m.current().isReconciledTo(assignmentEpoch)) {
                return ConsumerGroupState.RECONCILING;
            }
        }
        return ConsumerGroupState.STABLE;
    }

    /** Topic names the members subscribe to, by name or through a resolved regex. */
    @Override
    public Set<String> subscribedTopics() {
        Set<String> topics = new HashSet<>();
        for (ConsumerGroupMember m : members.values()) {
            topics.addAll(subscribedTopics(m.subscription()));
        }
        return topics;
    }

    /** The topic names one subscription covers with the group's current regex resolutions. */
    Set<String> subscribedTopics(MemberSubscription subscription) {
        if (!subscription.hasRegex()) {
            return subscription.topicNames();
        }
        Set<String> topics = new HashSet<>(subscription.topicNames());
        topics.addAll(resolvedRegexes.getOrDefault(subscription.topicRegex(), Set.of()));
        return topics;
    }

    ConsumerGroupMember staticMember(String instanceId) {
        String memberId = instanceId == null ? null : staticMembers.get(instanceId);
        return memberId == null ? null : members.get(memberId);
    }

    Map<Uuid, Set<Integer>> targetOf(String memberId) {
        return targetAssignment.getOrDefault(memberId, Map.of());
    }

    /** The member owning the partition (assigned or pending revocation), or null if it is free. */
    String owner(Uuid topicId, int partition) {
        return owners.getOrDefault(topicId, Map.of()).get(partition);
    }

    /** The server assignor most members asked for (ties: the first name), or null if none asked. */
    String preferredAssignor() {
        Map<String, Integer> counts = new TreeMap<>();
        for (ConsumerGroupMember m : members.values()) {
            if (m.subscription().serverAssignor() != null) {
                counts.merge(m.subscription().serverAssignor(), 1, Integer::sum);
            }
        }
        String best = null;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (best == null || e.getValue() > counts.get(best)) {
                best = e.getKey();
            }
        }
        return best;
    }

    /**
     * Kafka's rules for OffsetCommit to a consumer-protocol group: anyone may commit with a negative
     * epoch while the group has no members; otherwise the member must exist (UNKNOWN_MEMBER_ID), use
     * OffsetCommit v9+ (UNSUPPORTED_VERSION), and send its current epoch or an older one no older than
     * the epoch at which it received each committed partition (STALE_MEMBER_EPOCH). One bad partition
     * fails the whole request, as in Kafka.
     */
    public Errors validateOffsetCommit(String memberId, int memberEpoch, short apiVersion, Collection<TopicPartition> partitions,
                                       TopicCatalog catalog, boolean transactional) {
        if (memberEpoch < 0 && members.isEmpty()) {
            return Errors.NONE;
        }
        ConsumerGroupMember member = members.get(memberId);
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (!transactional && apiVersion < 9) {
            return Errors.UNSUPPORTED_VERSION;
        }
        if (memberEpoch == member.memberEpoch()) {
            return Errors.NONE;
        }
        if (memberEpoch > member.memberEpoch()) {
            return Errors.STALE_MEMBER_EPOCH;
        }
        for (TopicPartition tp : partitions) {
            TopicCatalog.TopicInfo topic = catalog.byName(tp.topic());
            Integer assignedAt = topic == null ? null : member.current().assignmentEpoch(topic.id(), tp.partition());
            if (assignedAt == null || memberEpoch < assignedAt) {
                return Errors.STALE_MEMBER_EPOCH;
            }
        }
        return Errors.NONE;
    }

    /** OffsetFetch v9+: a member that names itself must exist and send its current epoch. */
    public Errors validateOffsetFetch(String memberId, int memberEpoch) {
        if (memberId == null && memberEpoch < 0) {
            return Errors.NONE;
        }
        ConsumerGroupMember member = memberId == null ? null : members.get(memberId);
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        return memberEpoch == member.memberEpoch() ? Errors.NONE : Errors.STALE_MEMBER_EPOCH;
    }

    /** Applies one change. Replay and live operations both come through here. */
    public void apply(ConsumerGroupRecord record) {
        if (record instanceof ConsumerGroupRecord.GroupEpoch r) {
            groupEpoch = r.epoch();
            metadataHash = r.metadataHash();
        } else if (record instanceof ConsumerGroupRecord.GroupDeleted) {
            dead = true;
        } else if (record instanceof ConsumerGroupRecord.Subscription r) {
            applySubscription(r.memberId(), r.subscription());
        } else if (record instanceof ConsumerGroupRecord.TargetMember r) {
            if (r.partitions() == null) {
                targetAssignment.remove(r.memberId());
            } else {
                targetAssignment.put(r.memberId(), Assignments.freeze(r.partitions()));
            }
        } else if (record instanceof ConsumerGroupRecord.TargetEpoch r) {
            if (r.epoch() >= 0) {
                assignmentEpoch = r.epoch();
                assignmentComputedAtMs = r.computedAtMs();
            }
        } else if (record instanceof ConsumerGroupRecord.Current r) {
            applyCurrent(r.memberId(), r.current());
        }
    }

    private void applySubscription(String memberId, MemberSubscription subscription) {
        ConsumerGroupMember old = members.get(memberId);
        if (old != null && old.instanceId() != null && memberId.equals(staticMembers.get(old.instanceId()))) {
            staticMembers.remove(old.instanceId());
        }
        if (subscription == null) {
            if (old != null) {
                release(old);
                members.remove(memberId);
            }
            return;
        }
        ConsumerGroupMember next = old == null
                ? new ConsumerGroupMember(memberId, subscription, CurrentAssignment.NEW)
                : old.withSubscription(subscription);
        members.put(memberId, next);
        if (subscription.instanceId() != null) {
            staticMembers.put(subscription.instanceId(), memberId);
        }
    }

    private void applyCurrent(String memberId, CurrentAssignment current) {
        ConsumerGroupMember old = members.get(memberId);
        if (old == null) {
            if (current == null) {
                return;
            }
            old = new ConsumerGroupMember(memberId, MemberSubscription.NEW, CurrentAssignment.NEW);
        }
        release(old);
        CurrentAssignment next = current != null ? current
                : new CurrentAssignment(-1, -1, MemberState.STABLE, Map.of(), Map.of());
        take(memberId, next.assigned());
        take(memberId, next.pendingRevocation());
        members.put(memberId, old.withCurrent(next));
    }

    private void release(ConsumerGroupMember member) {
        for (Map<Uuid, Map<Integer, Integer>> partitions
                : java.util.List.of(member.current().assigned(), member.current().pendingRevocation())) {
            partitions.forEach((topicId, epochs) -> {
                Map<Integer, String> topicOwners = owners.get(topicId);
                if (topicOwners == null) {
                    return;
                }
                epochs.keySet().forEach(p -> topicOwners.remove(p, member.memberId()));
                if (topicOwners.isEmpty()) {
                    owners.remove(topicId);
                }
            });
        }
    }

    private void take(String memberId, Map<Uuid, Map<Integer, Integer>> partitions) {
        partitions.forEach((topicId, epochs) -> {
            Map<Integer, String> topicOwners = owners.computeIfAbsent(topicId, id -> new HashMap<>());
            for (int p : epochs.keySet()) {
                String previous = topicOwners.putIfAbsent(p, memberId);
                if (previous != null && !previous.equals(memberId)) {
                    throw new IllegalStateException("Group " + groupId() + ": partition " + topicId + "-" + p
                            + " would be owned by both " + previous + " and " + memberId);
                }
            }
        });
    }
}

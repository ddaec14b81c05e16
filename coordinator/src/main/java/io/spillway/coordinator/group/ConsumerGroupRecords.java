package io.spillway.coordinator.group;

import org.apache.kafka.common.Uuid;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How {@link ConsumerGroupRecord}s are laid out in the coordinator's internal topic, next to the
 * classic records of {@link GroupRecords} (same key prefix: int16 type, then the group id).
 *
 * <pre>
 * key   = int16 type, group, then: CG_MEMBER(4), CG_TARGET_MEMBER(5), CG_CURRENT(7): member id
 *                                   CG_EPOCH(3), CG_TARGET_EPOCH(6): nothing more
 * value = int16 version (0), then:
 *   CG_EPOCH:         int32 group epoch, int64 metadata hash
 *   CG_MEMBER:        instance id, rack id, client id, client host, int32 rebalance timeout,
 *                     int32 n × topic name, topic regex, server assignor
 *   CG_TARGET_MEMBER: partitions
 *   CG_TARGET_EPOCH:  int32 assignment epoch, int64 computed-at ms
 *   CG_CURRENT:       int32 member epoch, int32 previous member epoch, int8 state id,
 *                     partitions with epochs (assigned), partitions with epochs (pending revocation)
 * partitions             = int32 topics × (topic id, int32 n × int32 partition)
 * partitions with epochs = int32 topics × (topic id, int32 n × (int32 partition, int32 epoch))
 * </pre>
 * A null value is a tombstone; the CG_EPOCH tombstone, written last, deletes the group. Every key a
 * group wrote gets its tombstone when the group goes, so compaction by key never resurrects part of it.
 */
final class ConsumerGroupRecords {
    static final short CG_EPOCH = 3;
    static final short CG_MEMBER = 4;
    static final short CG_TARGET_MEMBER = 5;
    static final short CG_TARGET_EPOCH = 6;
    static final short CG_CURRENT = 7;
    private static final short VERSION = 0;

    private ConsumerGroupRecords() {
    }

    static boolean isConsumerGroupType(short type) {
        return type >= CG_EPOCH && type <= CG_CURRENT;
    }

    /** The keyed record for the internal topic. */
    static CoordinatorLog.Entry entry(String groupId, ConsumerGroupRecord record) {
        if (record instanceof ConsumerGroupRecord.GroupEpoch r) {
            return new CoordinatorLog.Entry(key(CG_EPOCH, groupId), value().int32(r.epoch()).int64(r.metadataHash()).toBytes());
        } else if (record instanceof ConsumerGroupRecord.GroupDeleted) {
            return new CoordinatorLog.Entry(key(CG_EPOCH, groupId), null);
        } else if (record instanceof ConsumerGroupRecord.Subscription r) {
            return new CoordinatorLog.Entry(key(CG_MEMBER, groupId, r.memberId()),
                    r.subscription() == null ? null : subscription(r.subscription()));
        } else if (record instanceof ConsumerGroupRecord.TargetMember r) {
            return new CoordinatorLog.Entry(key(CG_TARGET_MEMBER, groupId, r.memberId()),
                    r.partitions() == null ? null : partitions(value(), r.partitions()).toBytes());
        } else if (record instanceof ConsumerGroupRecord.TargetEpoch r) {
            return new CoordinatorLog.Entry(key(CG_TARGET_EPOCH, groupId),
                    r.epoch() < 0 ? null : value().int32(r.epoch()).int64(r.computedAtMs()).toBytes());
        } else if (record instanceof ConsumerGroupRecord.Current r) {
            return new CoordinatorLog.Entry(key(CG_CURRENT, groupId, r.memberId()),
                    r.current() == null ? null : current(r.current()));
        }
        throw new IllegalArgumentException("Unknown consumer group record " + record);
    }

    /**
     * Decodes a record whose key type {@link #isConsumerGroupType} said is ours; the key buffer is
     * positioned after the group id. Returns null for a tombstone that carries no change by itself
     * (the target-epoch tombstone: the group's deletion follows).
     */
    static ConsumerGroupRecord decode(short type, ByteBuffer key, ByteBuffer value) {
        switch (type) {
            case CG_EPOCH:
                if (value == null) {
                    return new ConsumerGroupRecord.GroupDeleted();
                }
                value.getShort();
                return new ConsumerGroupRecord.GroupEpoch(value.getInt(), value.getLong());
            case CG_MEMBER: {
                String memberId = RecordCodec.string(key);
                return new ConsumerGroupRecord.Subscription(memberId, value == null ? null : readSubscription(value));
            }
            case CG_TARGET_MEMBER: {
                String memberId = RecordCodec.string(key);
                if (value == null) {
                    return new ConsumerGroupRecord.TargetMember(memberId, null);
                }
                value.getShort();
                return new ConsumerGroupRecord.TargetMember(memberId, readPartitions(value));
            }
            case CG_TARGET_EPOCH:
                if (value == null) {
                    return null;
                }
                value.getShort();
                return new ConsumerGroupRecord.TargetEpoch(value.getInt(), value.getLong());
            case CG_CURRENT: {
                String memberId = RecordCodec.string(key);
                return new ConsumerGroupRecord.Current(memberId, value == null ? null : readCurrent(value));
            }
            default:
                throw new IllegalArgumentException("Not a consumer group record type: " + type);
        }
    }

    private static byte[] key(short type, String groupId) {
        return new RecordCodec.Writer().int16(type).string(groupId).toBytes();
    }

    private static byte[] key(short type, String groupId, String memberId) {
        return new RecordCodec.Writer().int16(type).string(groupId).string(memberId).toBytes();
    }

    private static RecordCodec.Writer value() {
        return new RecordCodec.Writer().int16(VERSION);
    }

    private static byte[] subscription(MemberSubscription s) {
        RecordCodec.Writer w = value().string(s.instanceId()).string(s.rackId()).string(s.clientId())
                .string(s.clientHost()).int32(s.rebalanceTimeoutMs()).int32(s.topicNames().size());
        new TreeSet<>(s.topicNames()).forEach(w::string);
        return w.string(s.topicRegex()).string(s.serverAssignor()).toBytes();
    }

    private static MemberSubscription readSubscription(ByteBuffer value) {
        value.getShort();
        String instanceId = RecordCodec.string(value);
        String rackId = RecordCodec.string(value);
        String clientId = RecordCodec.string(value);
        String clientHost = RecordCodec.string(value);
        int rebalanceTimeoutMs = value.getInt();
        int count = value.getInt();
        Set<String> topics = new HashSet<>();
        for (int i = 0; i < count; i++) {
            topics.add(RecordCodec.string(value));
        }
        String regex = RecordCodec.string(value);
        String assignor = RecordCodec.string(value);
        return new MemberSubscription(instanceId, rackId, clientId, clientHost, rebalanceTimeoutMs, topics, regex, assignor);
    }

    private static RecordCodec.Writer partitions(RecordCodec.Writer w, Map<Uuid, Set<Integer>> partitions) {
        w.int32(partitions.size());
        partitions.forEach((topicId, set) -> {
            w.uuid(topicId).int32(set.size());
            set.forEach(w::int32);
        });
        return w;
    }

    private static Map<Uuid, Set<Integer>> readPartitions(ByteBuffer value) {
        int topics = value.getInt();
        Map<Uuid, Set<Integer>> out = new HashMap<>();
        for (int t = 0; t < topics; t++) {
            Uuid topicId = RecordCodec.uuid(value);
            int count = value.getInt();
            Set<Integer> set = new HashSet<>();
            for (int i = 0; i < count; i++) {
                set.add(value.getInt());
            }
            out.put(topicId, set);
        }
        return Assignments.freeze(out);
    }

    private static byte[] current(CurrentAssignment c) {
        RecordCodec.Writer w = value().int32(c.memberEpoch()).int32(c.previousMemberEpoch()).int8(c.state().id());
        withEpochs(w, c.assigned());
        withEpochs(w, c.pendingRevocation());
        return w.toBytes();
    }

    private static CurrentAssignment readCurrent(ByteBuffer value) {
        value.getShort();
        int epoch = value.getInt();
        int previous = value.getInt();
        MemberState state = MemberState.fromId(value.get());
        return new CurrentAssignment(epoch, previous, state, readWithEpochs(value), readWithEpochs(value));
    }

    private static void withEpochs(RecordCodec.Writer w, Map<Uuid, Map<Integer, Integer>> partitions) {
        w.int32(partitions.size());
        partitions.forEach((topicId, epochs) -> {
            w.uuid(topicId).int32(epochs.size());
            epochs.forEach((partition, epoch) -> w.int32(partition).int32(epoch));
        });
    }

    private static Map<Uuid, Map<Integer, Integer>> readWithEpochs(ByteBuffer value) {
        int topics = value.getInt();
        Map<Uuid, Map<Integer, Integer>> out = new HashMap<>();
        for (int t = 0; t < topics; t++) {
            Uuid topicId = RecordCodec.uuid(value);
            int count = value.getInt();
            Map<Integer, Integer> epochs = new HashMap<>();
            for (int i = 0; i < count; i++) {
                epochs.put(value.getInt(), value.getInt());
            }
            out.put(topicId, epochs);
        }
        return out;
    }

    /** The records that recreate a group as it is now (for rewriting the internal topic). */
    static List<ConsumerGroupRecord> snapshot(ConsumerGroup group) {
        List<ConsumerGroupRecord> out = new ArrayList<>();
        out.add(new ConsumerGroupRecord.GroupEpoch(group.groupEpoch, group.metadataHash));
        for (ConsumerGroupMember m : group.members.values()) {
            out.add(new ConsumerGroupRecord.Subscription(m.memberId(), m.subscription()));
            Map<Uuid, Set<Integer>> target = group.targetAssignment.get(m.memberId());
            if (target != null) {
                out.add(new ConsumerGroupRecord.TargetMember(m.memberId(), target));
            }
            out.add(new ConsumerGroupRecord.Current(m.memberId(), m.current()));
        }
        out.add(new ConsumerGroupRecord.TargetEpoch(group.assignmentEpoch, group.assignmentComputedAtMs));
        return out;
    }

    /** The tombstones that delete a group's own records (offsets are separate). */
    static List<ConsumerGroupRecord> tombstones(ConsumerGroup group) {
        List<ConsumerGroupRecord> out = new ArrayList<>();
        for (String memberId : group.members.keySet()) {
            out.add(new ConsumerGroupRecord.Current(memberId, null));
        }
        for (String memberId : group.targetAssignment.keySet()) {
            out.add(new ConsumerGroupRecord.TargetMember(memberId, null));
        }
        out.add(ConsumerGroupRecord.TargetEpoch.TOMBSTONE);
        for (String memberId : group.members.keySet()) {
            out.add(new ConsumerGroupRecord.Subscription(memberId, null));
        }
        out.add(new ConsumerGroupRecord.GroupDeleted());
        return out;
    }
}

package io.spillway.coordinator.group.consumer;

import io.spillway.common.codec.RecordReader;
import io.spillway.common.codec.RecordWriter;
import io.spillway.coordinator.assignor.Assignments;
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
 * offset and classic group records of {@code GroupRecordSerde} (same key prefix: int16 type, then the
 * group id), in Spillway's record encoding.
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
public final class ConsumerGroupRecords {
    static final short CG_EPOCH = 3;
    static final short CG_MEMBER = 4;
    static final short CG_TARGET_MEMBER = 5;
    static final short CG_TARGET_EPOCH = 6;
    static final short CG_CURRENT = 7;
    private static final short VERSION = 0;

    private ConsumerGroupRecords() {
    }

    public static boolean isConsumerGroupType(short type) {
        return type >= CG_EPOCH && type <= CG_CURRENT;
    }

    /** The key type of a record. */
    public static short type(ConsumerGroupRecord record) {
        if (record instanceof ConsumerGroupRecord.GroupEpoch || record instanceof ConsumerGroupRecord.GroupDeleted) {
            return CG_EPOCH;
        } else if (record instanceof ConsumerGroupRecord.Subscription) {
            return CG_MEMBER;
        } else if (record instanceof ConsumerGroupRecord.TargetMember) {
            return CG_TARGET_MEMBER;
        } else if (record instanceof ConsumerGroupRecord.TargetEpoch) {
            return CG_TARGET_EPOCH;
        }
        return CG_CURRENT;
    }

    /** What follows the type and group id in the key: the member id for member records. */
    public static void writeKeySuffix(RecordWriter key, ConsumerGroupRecord record) {
        if (record instanceof ConsumerGroupRecord.Subscription r) {
            key.string(r.memberId());
        } else if (record instanceof ConsumerGroupRecord.TargetMember r) {
            key.string(r.memberId());
        } else if (record instanceof ConsumerGroupRecord.Current r) {
            key.string(r.memberId());
        }
    }

    /** The value, or null for a tombstone. */
    public static byte[] value(ConsumerGroupRecord record) {
        if (record instanceof ConsumerGroupRecord.GroupEpoch r) {
            return value().int32(r.epoch()).int64(r.metadataHash()).toBytes();
        } else if (record instanceof ConsumerGroupRecord.GroupDeleted) {
            return null;
        } else if (record instanceof ConsumerGroupRecord.Subscription r) {
            return r.subscription() == null ? null : subscription(r.subscription());
        } else if (record instanceof ConsumerGroupRecord.TargetMember r) {
            return r.partitions() == null ? null : partitions(value(), r.partitions()).toBytes();
        } else if (record instanceof ConsumerGroupRecord.TargetEpoch r) {
            return r.epoch() < 0 ? null : value().int32(r.epoch()).int64(r.computedAtMs()).toBytes();
        } else if (record instanceof ConsumerGroupRecord.Current r) {
            return r.current() == null ? null : current(r.current());
        }
        throw new IllegalArgumentException("Unknown consumer group record " + record);
    }

    /**
     * Decodes a record whose key type {@link #isConsumerGroupType} said is ours; the key reader is
     * positioned after the group id. Returns null for a tombstone that carries no change by itself
     * (the target-epoch tombstone: the group's deletion follows).
     */
    public static ConsumerGroupRecord decode(short type, RecordReader key, ByteBuffer valueBytes) {
        RecordReader value = valueBytes == null ? null : new RecordReader(valueBytes, "consumer group record value");
        if (value != null) {
            value.version(VERSION);
        }
        switch (type) {
            case CG_EPOCH:
                return value == null ? new ConsumerGroupRecord.GroupDeleted()
                        : new ConsumerGroupRecord.GroupEpoch(value.int32(), value.int64());
            case CG_MEMBER:
                return new ConsumerGroupRecord.Subscription(key.string(), value == null ? null : readSubscription(value));
            case CG_TARGET_MEMBER:
                return new ConsumerGroupRecord.TargetMember(key.string(), value == null ? null : readPartitions(value));
            case CG_TARGET_EPOCH:
                return value == null ? null : new ConsumerGroupRecord.TargetEpoch(value.int32(), value.int64());
            case CG_CURRENT:
                return new ConsumerGroupRecord.Current(key.string(), value == null ? null : readCurrent(value));
            default:
                throw new IllegalArgumentException("Not a consumer group record type: " + type);
        }
    }

    private static RecordWriter value() {
        return new RecordWriter().version(VERSION);
    }

    private static RecordWriter uuid(RecordWriter w, Uuid id) {
        return w.int64(id.getMostSignificantBits()).int64(id.getLeastSignificantBits());
    }

    private static Uuid uuid(RecordReader in) {
        long most = in.int64();
        return new Uuid(most, in.int64());
    }

    private static byte[] subscription(MemberSubscription s) {
        RecordWriter w = value().string(s.instanceId()).string(s.rackId()).string(s.clientId())
                .string(s.clientHost()).int32(s.rebalanceTimeoutMs()).int32(s.topicNames().size());
        new TreeSet<>(s.topicNames()).forEach(w::string);
        return w.string(s.topicRegex()).string(s.serverAssignor()).toBytes();
    }

    private static MemberSubscription readSubscription(RecordReader value) {
        String instanceId = value.string();
        String rackId = value.string();
        String clientId = value.string();
        String clientHost = value.string();
        int rebalanceTimeoutMs = value.int32();
        int count = value.count(2);
        Set<String> topics = new HashSet<>();
        for (int i = 0; i < count; i++) {
            topics.add(value.string());
        }
        String regex = value.string();
        String assignor = value.string();
        return new MemberSubscription(instanceId, rackId, clientId, clientHost, rebalanceTimeoutMs, topics, regex, assignor);
    }

    private static RecordWriter partitions(RecordWriter w, Map<Uuid, Set<Integer>> partitions) {
        w.int32(partitions.size());
        partitions.forEach((topicId, set) -> {
            uuid(w, topicId).int32(set.size());
            set.forEach(w::int32);
        });
        return w;
    }

    private static Map<Uuid, Set<Integer>> readPartitions(RecordReader value) {
        int topics = value.count(20);
        Map<Uuid, Set<Integer>> out = new HashMap<>();
        for (int t = 0; t < topics; t++) {
            Uuid topicId = uuid(value);
            int count = value.count(4);
            Set<Integer> set = new HashSet<>();
            for (int i = 0; i < count; i++) {
                set.add(value.int32());
            }
            out.put(topicId, set);
        }
        return Assignments.freeze(out);
    }

    private static byte[] current(CurrentAssignment c) {
        RecordWriter w = value().int32(c.memberEpoch()).int32(c.previousMemberEpoch()).int8(c.state().id());
        withEpochs(w, c.assigned());
        withEpochs(w, c.pendingRevocation());
        return w.toBytes();
    }

    private static CurrentAssignment readCurrent(RecordReader value) {
        int epoch = value.int32();
        int previous = value.int32();
        MemberState state = MemberState.fromId(value.int8());
        return new CurrentAssignment(epoch, previous, state, readWithEpochs(value), readWithEpochs(value));
    }

    private static void withEpochs(RecordWriter w, Map<Uuid, Map<Integer, Integer>> partitions) {
        w.int32(partitions.size());
        partitions.forEach((topicId, epochs) -> {
            uuid(w, topicId).int32(epochs.size());
            epochs.forEach((partition, epoch) -> w.int32(partition).int32(epoch));
        });
    }

    private static Map<Uuid, Map<Integer, Integer>> readWithEpochs(RecordReader value) {
        int topics = value.count(20);
        Map<Uuid, Map<Integer, Integer>> out = new HashMap<>();
        for (int t = 0; t < topics; t++) {
            Uuid topicId = uuid(value);
            int count = value.count(8);
            Map<Integer, Integer> epochs = new HashMap<>();
            for (int i = 0; i < count; i++) {
                epochs.put(value.int32(), value.int32());
            }
            out.put(topicId, epochs);
        }
        return out;
    }

    /** The records that recreate a group as it is now (for rewriting the internal topic). */
    public static List<ConsumerGroupRecord> snapshot(ConsumerGroup group) {
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
    public static List<ConsumerGroupRecord> tombstones(ConsumerGroup group) {
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

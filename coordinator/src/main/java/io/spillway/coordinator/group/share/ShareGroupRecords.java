package io.spillway.coordinator.group.share;

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
 * How {@link ShareGroupRecord}s are laid out in the group coordinator's internal topic, next to the offset,
 * classic and consumer-protocol group records (same key prefix: int16 type, then the group id), in Spillway's
 * record encoding.
 *
 * <pre>
 * key   = int16 type, group, then: SG_MEMBER(9), SG_TARGET_MEMBER(10), SG_CURRENT(12): member id
 *                                   SG_EPOCH(8), SG_TARGET_EPOCH(11): nothing more
 * value = int16 version (0), then:
 *   SG_EPOCH:         int32 group epoch, int64 metadata hash
 *   SG_MEMBER:        rack id, client id, client host, int32 n × topic name
 *   SG_TARGET_MEMBER: partitions
 *   SG_TARGET_EPOCH:  int32 assignment epoch
 *   SG_CURRENT:       int32 member epoch, int32 previous member epoch, partitions
 * partitions = int32 topics × (topic id, int32 n × int32 partition)
 * </pre>
 * A null value is a tombstone; the SG_EPOCH tombstone, written last, deletes the group. Every key a group wrote
 * gets its tombstone when the group goes, so compaction by key never brings part of it back. Stateless.
 */
public final class ShareGroupRecords {
    static final short SG_EPOCH = 8;
    static final short SG_MEMBER = 9;
    static final short SG_TARGET_MEMBER = 10;
    static final short SG_TARGET_EPOCH = 11;
    static final short SG_CURRENT = 12;
    private static final short VERSION = 0;

    private ShareGroupRecords() {
    }

    public static boolean isShareGroupType(short type) {
        return type >= SG_EPOCH && type <= SG_CURRENT;
    }

    /** The key type of a record. */
    public static short type(ShareGroupRecord record) {
        if (record instanceof ShareGroupRecord.GroupEpoch || record instanceof ShareGroupRecord.GroupDeleted) {
            return SG_EPOCH;
        } else if (record instanceof ShareGroupRecord.Subscription) {
            return SG_MEMBER;
        } else if (record instanceof ShareGroupRecord.TargetMember) {
            return SG_TARGET_MEMBER;
        } else if (record instanceof ShareGroupRecord.TargetEpoch) {
            return SG_TARGET_EPOCH;
        }
        return SG_CURRENT;
    }

    /** What follows the type and group id in the key: the member id for member records. */
    public static void writeKeySuffix(RecordWriter key, ShareGroupRecord record) {
        if (record instanceof ShareGroupRecord.Subscription r) {
            key.string(r.memberId());
        } else if (record instanceof ShareGroupRecord.TargetMember r) {
            key.string(r.memberId());
        } else if (record instanceof ShareGroupRecord.Current r) {
            key.string(r.memberId());
        }
    }

    /** The value, or null for a tombstone. */
    public static byte[] value(ShareGroupRecord record) {
        if (record instanceof ShareGroupRecord.GroupEpoch r) {
            return value().int32(r.epoch()).int64(r.metadataHash()).toBytes();
        } else if (record instanceof ShareGroupRecord.GroupDeleted) {
            return null;
        } else if (record instanceof ShareGroupRecord.Subscription r) {
            return r.subscription() == null ? null : subscription(r.subscription());
        } else if (record instanceof ShareGroupRecord.TargetMember r) {
            return r.partitions() == null ? null : partitions(value(), r.partitions()).toBytes();
        } else if (record instanceof ShareGroupRecord.TargetEpoch r) {
            return r.epoch() < 0 ? null : value().int32(r.epoch()).toBytes();
        } else if (record instanceof ShareGroupRecord.Current r) {
            if (r.current() == null) {
                return null;
            }
            RecordWriter w = value().int32(r.current().memberEpoch()).int32(r.current().previousMemberEpoch());
            return partitions(w, r.current().partitions()).toBytes();
        }
        throw new IllegalArgumentException("Unknown share group record " + record);
    }

    /**
     * Decodes a record whose key type {@link #isShareGroupType} said is ours; the key reader is positioned after
     * the group id. Returns null for the target-epoch tombstone, which carries no change by itself (the group's
     * deletion follows it).
     */
    public static ShareGroupRecord decode(short type, RecordReader key, ByteBuffer valueBytes) {
        RecordReader value = valueBytes == null ? null : new RecordReader(valueBytes, "share group record value");
        if (value != null) {
            value.version(VERSION);
        }
        switch (type) {
            case SG_EPOCH:
                return value == null ? new ShareGroupRecord.GroupDeleted()
                        : new ShareGroupRecord.GroupEpoch(value.int32(), value.int64());
            case SG_MEMBER:
                return new ShareGroupRecord.Subscription(key.string(), value == null ? null : readSubscription(value));
            case SG_TARGET_MEMBER:
                return new ShareGroupRecord.TargetMember(key.string(), value == null ? null : readPartitions(value));
            case SG_TARGET_EPOCH:
                return value == null ? null : new ShareGroupRecord.TargetEpoch(value.int32());
            case SG_CURRENT:
                return new ShareGroupRecord.Current(key.string(), value == null ? null
                        : new ShareMemberAssignment(value.int32(), value.int32(), readPartitions(value)));
            default:
                throw new IllegalArgumentException("Not a share group record type: " + type);
        }
    }

    private static RecordWriter value() {
        return new RecordWriter().version(VERSION);
    }

    private static byte[] subscription(ShareMemberSubscription s) {
        RecordWriter w = value().string(s.rackId()).string(s.clientId()).string(s.clientHost())
                .int32(s.topicNames().size());
        new TreeSet<>(s.topicNames()).forEach(w::string);
        return w.toBytes();
    }

    private static ShareMemberSubscription readSubscription(RecordReader value) {
        String rackId = value.string();
        String clientId = value.string();
        String clientHost = value.string();
        int count = value.count(2);
        Set<String> topics = new HashSet<>();
        for (int i = 0; i < count; i++) {
            topics.add(value.string());
        }
        return new ShareMemberSubscription(rackId, clientId, clientHost, topics);
    }

    private static RecordWriter partitions(RecordWriter w, Map<Uuid, Set<Integer>> partitions) {
        w.int32(partitions.size());
        partitions.forEach((topicId, set) -> {
            w.int64(topicId.getMostSignificantBits()).int64(topicId.getLeastSignificantBits()).int32(set.size());
            new TreeSet<>(set).forEach(w::int32);
        });
        return w;
    }

    private static Map<Uuid, Set<Integer>> readPartitions(RecordReader value) {
        int topics = value.count(20);
        Map<Uuid, Set<Integer>> out = new HashMap<>();
        for (int t = 0; t < topics; t++) {
            long most = value.int64();
            Uuid topicId = new Uuid(most, value.int64());
            int count = value.count(4);
            Set<Integer> set = new HashSet<>();
            for (int i = 0; i < count; i++) {
                set.add(value.int32());
            }
            out.put(topicId, set);
        }
        return Assignments.freeze(out);
    }

    /** The records that recreate a group as it is now (for rewriting the internal topic). */
    static List<ShareGroupRecord> snapshot(ShareGroup group) {
        List<ShareGroupRecord> out = new ArrayList<>();
        out.add(new ShareGroupRecord.GroupEpoch(group.groupEpoch, group.metadataHash));
        for (ShareGroupMember m : group.members.values()) {
            out.add(new ShareGroupRecord.Subscription(m.memberId(), m.subscription()));
            Map<Uuid, Set<Integer>> target = group.targetAssignment.get(m.memberId());
            if (target != null) {
                out.add(new ShareGroupRecord.TargetMember(m.memberId(), target));
            }
            out.add(new ShareGroupRecord.Current(m.memberId(), m.current()));
        }
        out.add(new ShareGroupRecord.TargetEpoch(group.assignmentEpoch));
        return out;
    }

    /** The tombstones that delete a group's records, the group's epoch record last. */
    static List<ShareGroupRecord> tombstones(ShareGroup group) {
        List<ShareGroupRecord> out = new ArrayList<>();
        for (String memberId : group.members.keySet()) {
            out.add(new ShareGroupRecord.Current(memberId, null));
        }
        for (String memberId : group.targetAssignment.keySet()) {
            out.add(new ShareGroupRecord.TargetMember(memberId, null));
        }
        out.add(ShareGroupRecord.TargetEpoch.TOMBSTONE);
        for (String memberId : group.members.keySet()) {
            out.add(new ShareGroupRecord.Subscription(memberId, null));
        }
        out.add(new ShareGroupRecord.GroupDeleted());
        return out;
    }
}

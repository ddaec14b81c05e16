package io.spillway.coordinator.group;

import io.spillway.common.StreamTopicName;
import io.spillway.common.codec.RecordReader;
import io.spillway.common.codec.RecordWriter;
import io.spillway.coordinator.group.classic.ClassicGroupSnapshot;
import io.spillway.coordinator.group.consumer.ConsumerGroupRecords;
import io.spillway.coordinator.group.share.ShareGroupRecords;
import io.spillway.coordinator.runtime.RecordSerde;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link GroupRecord}s are stored in {@code __consumer_offsets} (a stream's committed offsets in the stream's
 * own, see {@link #place}), in Spillway's record encoding
 * ({@link RecordWriter}). The key starts with an int16 record type and the group id, so that the latest
 * record per key is the state; the value starts with an int16 version.
 *
 * <pre>
 * key   = int16 type, string group, then:
 *           OFFSET(1): string topic, int32 partition
 *           GROUP(2):  nothing more
 *           3-7:       consumer-protocol group records, see {@link ConsumerGroupRecords}
 *           8-12:      share group records, see {@link ShareGroupRecords}
 * value = int16 version, then:
 *   OFFSET v0: int64 offset, int32 leader epoch, string metadata, int64 commit time
 *          v1: as v0, then int64 expire time (-1 for none)
 *   GROUP  v0: string protocol type, int32 generation, string protocol, string leader, int64 state time,
 *              int32 count × (string member id, string instance id, string client id, string client host,
 *                             int32 rebalance timeout, int32 session timeout, bytes subscription, bytes assignment)
 * </pre>
 * Stateless and thread safe.
 */
public final class GroupRecordSerde implements RecordSerde<GroupRecord> {
    static final short OFFSET = 1;
    static final short GROUP = 2;
    /** Offsets are written as version 1 (with an expire time); version 0 values are still read. */
    static final short OFFSET_VALUE_VERSION = 1;
    static final short GROUP_VALUE_VERSION = 0;

    @Override
    public byte[] key(GroupRecord record) {
        if (record instanceof OffsetCommitRecord r) {
            return new RecordWriter().int16(OFFSET).string(r.groupId()).string(r.topic()).int32(r.partition()).toBytes();
        } else if (record instanceof ClassicGroupRecord r) {
            return new RecordWriter().int16(GROUP).string(r.groupId()).toBytes();
        }
        if (record instanceof ShareGroupChange r) {
            RecordWriter key = new RecordWriter().int16(ShareGroupRecords.type(r.change())).string(r.groupId());
            ShareGroupRecords.writeKeySuffix(key, r.change());
            return key.toBytes();
        }
        ConsumerGroupChange r = (ConsumerGroupChange) record;
        RecordWriter key = new RecordWriter().int16(ConsumerGroupRecords.type(r.change())).string(r.groupId());
        ConsumerGroupRecords.writeKeySuffix(key, r.change());
        return key.toBytes();
    }

    /**
     * A committed offset is kept with its topic's stream ({@code /path/stream:__consumer_offsets}); everything
     * else, and the offsets of the default stream's topics, in {@code __consumer_offsets}.
     */
    @Override
    public String place(GroupRecord record) {
        return record instanceof OffsetCommitRecord r ? placeOfTopic(r.topic()) : null;
    }

    /** The stream whose partition keeps the offsets of {@code topic}, or null for the home partition. */
    static String placeOfTopic(String topic) {
        StreamTopicName name = StreamTopicName.parse(topic);
        return name.inDefaultStream() ? null : name.stream();
    }

    @Override
    public byte[] value(GroupRecord record) {
        if (record instanceof OffsetCommitRecord r) {
            CommittedOffset o = r.offset();
            return o == null ? null : new RecordWriter().version(OFFSET_VALUE_VERSION).int64(o.offset())
                    .int32(o.leaderEpoch()).string(o.metadata()).int64(o.commitTimestampMs())
                    .int64(o.expireTimestampMs()).toBytes();
        } else if (record instanceof ClassicGroupRecord r) {
            return r.snapshot() == null ? null : classicGroupValue(r.snapshot());
        }
        if (record instanceof ShareGroupChange r) {
            return ShareGroupRecords.value(r.change());
        }
        return ConsumerGroupRecords.value(((ConsumerGroupChange) record).change());
    }

    private static byte[] classicGroupValue(ClassicGroupSnapshot g) {
        RecordWriter w = new RecordWriter().version(GROUP_VALUE_VERSION).string(g.protocolType()).int32(g.generation())
                .string(g.protocolName()).string(g.leaderId()).int64(g.stateSinceMs()).int32(g.members().size());
        for (ClassicGroupSnapshot.Member m : g.members()) {
            w.string(m.memberId()).string(m.groupInstanceId()).string(m.clientId()).string(m.clientHost())
                    .int32(m.rebalanceTimeoutMs()).int32(m.sessionTimeoutMs()).bytes(m.subscription()).bytes(m.assignment());
        }
        return w.toBytes();
    }

    @Override
    public GroupRecord decode(ByteBuffer keyBytes, ByteBuffer valueBytes) {
        RecordReader key = new RecordReader(keyBytes, "group coordinator record key");
        short type = key.int16();
        String groupId = key.string();
        if (type == OFFSET) {
            String topic = key.string();
            int partition = key.int32();
            return new OffsetCommitRecord(groupId, topic, partition, valueBytes == null ? null : offset(valueBytes));
        }
        if (type == GROUP) {
            return new ClassicGroupRecord(groupId, valueBytes == null ? null : classicGroup(valueBytes));
        }
        if (ConsumerGroupRecords.isConsumerGroupType(type)) {
            var change = ConsumerGroupRecords.decode(type, key, valueBytes);
            return change == null ? null : new ConsumerGroupChange(groupId, change);
        }
        if (ShareGroupRecords.isShareGroupType(type)) {
            var change = ShareGroupRecords.decode(type, key, valueBytes);
            return change == null ? null : new ShareGroupChange(groupId, change);
        }
        return null; // a record type of a newer broker that this one can do without
    }

    private static CommittedOffset offset(ByteBuffer valueBytes) {
        RecordReader value = new RecordReader(valueBytes, "offset commit value");
        short version = value.version(OFFSET_VALUE_VERSION);
        long offset = value.int64();
        int leaderEpoch = value.int32();
        String metadata = value.string();
        long commitTimestampMs = value.int64();
        long expireTimestampMs = version >= 1 ? value.int64() : -1;
        return new CommittedOffset(offset, leaderEpoch, metadata, commitTimestampMs, expireTimestampMs);
    }

    private static ClassicGroupSnapshot classicGroup(ByteBuffer valueBytes) {
        RecordReader value = new RecordReader(valueBytes, "classic group value");
        value.version(GROUP_VALUE_VERSION);
        String protocolType = value.string();
        int generation = value.int32();
        String protocolName = value.string();
        String leaderId = value.string();
        long stateSinceMs = value.int64();
        int count = value.count(4 * 2 + 4 * 2 + 4 * 2);
        List<ClassicGroupSnapshot.Member> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            members.add(new ClassicGroupSnapshot.Member(value.string(), value.string(), value.string(), value.string(),
                    value.int32(), value.int32(), value.bytes(), value.bytes()));
        }
        return new ClassicGroupSnapshot(protocolType, generation, protocolName, leaderId, stateSinceMs, members);
    }
}

package io.spillway.coordinator.group;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The records the group coordinator keeps in its internal topic, keyed so that the latest record
 * per key is the state (the topic is compacted by key; a null value deletes).
 *
 * <pre>
 * key   = int16 type, then: OFFSET(1): group, topic, int32 partition | GROUP(2): group
 *         (types 3-7 are the consumer-protocol group records of {@link ConsumerGroupRecords})
 * value = int16 version, then:
 *   OFFSET: int64 offset, int32 leader epoch, metadata, int64 commit time
 *           [version 1+: int64 expire time, -1 for none]
 *   GROUP:  protocol type, int32 generation, protocol, leader, int64 state time,
 *           int32 count × (member id, instance id, client id, client host,
 *                          int32 rebalance timeout, int32 session timeout, subscription, assignment)
 * </pre>
 */
final class GroupRecords {
    static final short OFFSET = 1;
    static final short GROUP = 2;
    static final short VALUE_VERSION = 0;
    /** Offsets are written as version 1 (with an expire time); version 0 values are still read. */
    static final short OFFSET_VALUE_VERSION = 1;

    private GroupRecords() {
    }

    static byte[] offsetKey(String group, String topic, int partition) {
        return new RecordCodec.Writer().int16(OFFSET).string(group).string(topic).int32(partition).toBytes();
    }

    static byte[] offsetValue(CommittedOffset offset) {
        return new RecordCodec.Writer().int16(OFFSET_VALUE_VERSION).int64(offset.offset()).int32(offset.leaderEpoch())
                .string(offset.metadata()).int64(offset.commitTimestampMs()).int64(offset.expireTimestampMs()).toBytes();
    }

    static byte[] groupKey(String group) {
        return new RecordCodec.Writer().int16(GROUP).string(group).toBytes();
    }

    /** The group's persisted form: generation, protocol, leader and each member's subscription and assignment. */
    static byte[] groupValue(ClassicGroup group) {
        RecordCodec.Writer w = new RecordCodec.Writer().int16(VALUE_VERSION).string(group.protocolType)
                .int32(group.generation).string(group.protocolName).string(group.leaderId).int64(group.stateSinceMs)
                .int32(group.members.size());
        for (ClassicMember m : group.members.values()) {
            w.string(m.memberId).string(m.groupInstanceId).string(m.clientId).string(m.clientHost)
                    .int32(m.rebalanceTimeoutMs).int32(m.sessionTimeoutMs)
                    .bytes(group.protocolName == null ? new byte[0] : m.metadata(group.protocolName))
                    .bytes(m.assignment);
        }
        return w.toBytes();
    }

    /** Receives replayed records. */
    interface Visitor {
        void offset(String group, String topic, int partition, CommittedOffset offset);

        void group(String group, ClassicGroup restored);

        void consumerGroup(String group, ConsumerGroupRecord record);
    }

    static void replay(ByteBuffer key, ByteBuffer value, long nowMs, Visitor visitor) {
        short type = key.getShort();
        String group = RecordCodec.string(key);
        if (type == OFFSET) {
            String topic = RecordCodec.string(key);
            int partition = key.getInt();
            if (value == null) {
                visitor.offset(group, topic, partition, null);
                return;
            }
            short version = value.getShort();
            long offset = value.getLong();
            int leaderEpoch = value.getInt();
            String metadata = RecordCodec.string(value);
            long commitTimestampMs = value.getLong();
            long expireTimestampMs = version >= 1 ? value.getLong() : -1;
            visitor.offset(group, topic, partition, new CommittedOffset(offset, leaderEpoch, metadata, commitTimestampMs,
                    expireTimestampMs));
        } else if (type == GROUP) {
            visitor.group(group, value == null ? null : restore(group, value, nowMs));
        } else if (ConsumerGroupRecords.isConsumerGroupType(type)) {
            ConsumerGroupRecord record = ConsumerGroupRecords.decode(type, key, value);
            if (record != null) {
                visitor.consumerGroup(group, record);
            }
        }
    }

    private static ClassicGroup restore(String groupId, ByteBuffer value, long nowMs) {
        value.getShort();
        ClassicGroup group = new ClassicGroup(groupId, nowMs);
        group.protocolType = RecordCodec.string(value);
        group.generation = value.getInt();
        group.protocolName = RecordCodec.string(value);
        String leader = RecordCodec.string(value);
        group.stateSinceMs = value.getLong();
        int count = value.getInt();
        List<ClassicMember> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ClassicMember m = new ClassicMember(RecordCodec.string(value), RecordCodec.string(value),
                    RecordCodec.string(value), RecordCodec.string(value), value.getInt(), value.getInt(), List.of());
            byte[] subscription = RecordCodec.bytes(value);
            m.protocols = List.of(new ClassicMember.Protocol(group.protocolName, subscription));
            m.assignment = RecordCodec.bytes(value);
            members.add(m);
        }
        members.forEach(group::add);
        group.leaderId = leader;
        group.state = members.isEmpty() ? GroupState.EMPTY : GroupState.STABLE;
        return group;
    }
}

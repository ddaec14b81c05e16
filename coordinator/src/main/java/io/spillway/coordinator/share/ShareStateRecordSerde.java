package io.spillway.coordinator.share;

import io.spillway.common.codec.RecordReader;
import io.spillway.common.codec.RecordWriter;
import io.spillway.coordinator.runtime.RecordSerde;
import org.apache.kafka.common.Uuid;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link ShareStateRecord}s are stored in {@code __share_group_state} and in the streams' own
 * {@code /path/stream:__share_group_state}, in Spillway's record encoding ({@link RecordWriter}); the latest
 * record per key is the state.
 *
 * <pre>
 * key   = int16 type (1: share-partition state), string group, int64 topic id (most significant bits),
 *         int64 topic id (least significant bits), int32 partition
 * value = int16 version (0), string place (null: home), int32 state epoch, int64 start offset,
 *         int32 count × (int64 first offset, int64 last offset, int8 delivery state id, int16 delivery count)
 * </pre>
 * The place is in the value so that loading knows which stream's partition a key lives in without asking
 * where its topic is now (the topic may be gone); see {@link ShareStateRecord#place}. Stateless and thread safe.
 */
public final class ShareStateRecordSerde implements RecordSerde<ShareStateRecord> {
    static final short SHARE_STATE = 1;
    static final short VALUE_VERSION = 0;
    /** The bytes of one stored batch, to bound the count read before the batches themselves. */
    private static final int BATCH_BYTES = 8 + 8 + 1 + 2;

    @Override
    public byte[] key(ShareStateRecord record) {
        SharePartitionKey k = record.key();
        return new RecordWriter().int16(SHARE_STATE).string(k.groupId()).int64(k.topicId().getMostSignificantBits())
                .int64(k.topicId().getLeastSignificantBits()).int32(k.partition()).toBytes();
    }

    @Override
    public byte[] value(ShareStateRecord record) {
        SharePartitionState s = record.state();
        if (s == null) {
            return null;
        }
        RecordWriter w = new RecordWriter().version(VALUE_VERSION).string(record.place()).int32(s.stateEpoch())
                .int64(s.startOffset()).int32(s.batches().size());
        for (SharePartitionState.StateBatch b : s.batches()) {
            w.int64(b.firstOffset()).int64(b.lastOffset()).int8(b.state().id()).int16(b.deliveryCount());
        }
        return w.toBytes();
    }

    /** The stream of the record, as it says: see {@link ShareStateRecord#place}. */
    @Override
    public String place(ShareStateRecord record) {
        return record.place();
    }

    @Override
    public ShareStateRecord decode(ByteBuffer keyBytes, ByteBuffer valueBytes) {
        RecordReader key = new RecordReader(keyBytes, "share state record key");
        short type = key.int16();
        if (type != SHARE_STATE) {
            return null; // a record type of a newer broker that this one can do without
        }
        String groupId = key.string();
        Uuid topicId = new Uuid(key.int64(), key.int64());
        int partition = key.int32();
        if (groupId == null) {
            throw new RecordReader.RecordFormatException("The share state record key has no group id");
        }
        SharePartitionKey k = new SharePartitionKey(groupId, topicId, partition);
        if (valueBytes == null) {
            return ShareStateRecord.tombstone(k, null);
        }
        RecordReader value = new RecordReader(valueBytes, "share state record value");
        value.version(VALUE_VERSION);
        String place = value.string();
        int stateEpoch = value.int32();
        long startOffset = value.int64();
        int count = value.count(BATCH_BYTES);
        List<SharePartitionState.StateBatch> batches = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long first = value.int64();
            long last = value.int64();
            byte stateId = value.int8();
            short deliveryCount = value.int16();
            try {
                batches.add(new SharePartitionState.StateBatch(first, last, DeliveryState.fromId(stateId),
                        deliveryCount));
            } catch (IllegalArgumentException e) {
                throw new RecordReader.RecordFormatException("The share state record value of " + k + " has a bad "
                        + "batch: " + e.getMessage());
            }
        }
        return new ShareStateRecord(k, place, new SharePartitionState(stateEpoch, startOffset, batches));
    }
}

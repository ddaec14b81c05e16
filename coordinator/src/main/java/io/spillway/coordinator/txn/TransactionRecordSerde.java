package io.spillway.coordinator.txn;

import io.spillway.common.codec.RecordReader;
import io.spillway.common.codec.RecordWriter;
import io.spillway.coordinator.runtime.RecordSerde;
import org.apache.kafka.common.TopicPartition;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How {@link TransactionRecord}s are stored in {@code __transaction_state}, in Spillway's record encoding
 * ({@link RecordWriter}); the latest record per key is the state.
 *
 * <pre>
 * key   = int16 type (1: transaction), string transactional id
 * value = int16 version (0), int64 producer id, int64 previous producer id, int64 next producer id,
 *         int16 producer epoch, int16 last producer epoch, int32 timeout ms, int8 state id,
 *         int32 topics × (string topic, int32 n × int32 partition), int64 start ms, int64 last update ms,
 *         int8 client transactions version
 * </pre>
 * Partitions are written sorted by topic and partition, so equal state gives equal bytes. Stateless and
 * thread safe.
 */
public final class TransactionRecordSerde implements RecordSerde<TransactionRecord> {
    static final short TRANSACTION = 1;
    static final short VALUE_VERSION = 0;

    @Override
    public byte[] key(TransactionRecord record) {
        return new RecordWriter().int16(TRANSACTION).string(record.transactionalId()).toBytes();
    }

    @Override
    public byte[] value(TransactionRecord record) {
        TransactionMetadata m = record.metadata();
        if (m == null) {
            return null;
        }
        RecordWriter w = new RecordWriter().version(VALUE_VERSION).int64(m.producerId()).int64(m.prevProducerId())
                .int64(m.nextProducerId()).int16(m.producerEpoch()).int16(m.lastProducerEpoch()).int32(m.timeoutMs())
                .int8(m.state().id());
        Map<String, Set<Integer>> byTopic = new TreeMap<>();
        m.partitions().forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new TreeSet<>()).add(tp.partition()));
        w.int32(byTopic.size());
        byTopic.forEach((topic, partitions) -> {
            w.string(topic).int32(partitions.size());
            partitions.forEach(w::int32);
        });
        return w.int64(m.txnStartMs()).int64(m.lastUpdateMs()).int8(m.clientTransactionVersion()).toBytes();
    }

    @Override
    public TransactionRecord decode(ByteBuffer keyBytes, ByteBuffer valueBytes) {
        RecordReader key = new RecordReader(keyBytes, "transaction record key");
        short type = key.int16();
        if (type != TRANSACTION) {
            return null; // a record type of a newer broker that this one can do without
        }
        String transactionalId = key.string();
        if (valueBytes == null) {
            return new TransactionRecord(transactionalId, null);
        }
        RecordReader value = new RecordReader(valueBytes, "transaction record value");
        value.version(VALUE_VERSION);
        long producerId = value.int64();
        long prevProducerId = value.int64();
        long nextProducerId = value.int64();
        short epoch = value.int16();
        short lastEpoch = value.int16();
        int timeoutMs = value.int32();
        TransactionState state = TransactionState.fromId(value.int8());
        int topics = value.count(6);
        List<TopicPartition> partitions = new ArrayList<>();
        for (int t = 0; t < topics; t++) {
            String topic = value.string();
            int count = value.count(4);
            for (int i = 0; i < count; i++) {
                partitions.add(new TopicPartition(topic, value.int32()));
            }
        }
        long startMs = value.int64();
        long lastUpdateMs = value.int64();
        int clientTransactionVersion = value.int8();
        return new TransactionRecord(transactionalId, new TransactionMetadata(transactionalId, producerId, prevProducerId,
                nextProducerId, epoch, lastEpoch, timeoutMs, state, new HashSet<>(partitions), startMs, lastUpdateMs,
                clientTransactionVersion));
    }
}

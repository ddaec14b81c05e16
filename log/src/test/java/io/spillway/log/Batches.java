package io.spillway.log;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds produce-shaped record batches for tests, as a Kafka producer would send them. */
final class Batches {
    private Batches() {
    }

    static ByteBuffer plain(long timestampMs, String... values) {
        return build(Compression.NONE, RecordBatch.NO_PRODUCER_ID, (short) -1, -1, timestampMs, true, values);
    }

    static ByteBuffer idempotent(long producerId, short epoch, int baseSequence, long timestampMs, String... values) {
        return build(Compression.NONE, producerId, epoch, baseSequence, timestampMs, true, values);
    }

    static ByteBuffer transactional(long producerId, short epoch, int baseSequence, long timestampMs, String... values) {
        return build(Compression.NONE, producerId, epoch, baseSequence, timestampMs, true, true, values);
    }

    /**
     * A batch of keyed records, each given as "key=value", or as "key" alone for a tombstone (null value); the
     * producer id -1 makes it a plain batch.
     */
    static ByteBuffer keyed(Compression compression, long producerId, short epoch, int baseSequence, boolean transactional,
                            long timestampMs, String... records) {
        ByteBuffer buffer = ByteBuffer.allocate(1024 + records.length * 64);
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, RecordBatch.MAGIC_VALUE_V2, compression,
                TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP, producerId, epoch, baseSequence, transactional,
                RecordBatch.NO_PARTITION_LEADER_EPOCH);
        for (int i = 0; i < records.length; i++) {
            String[] kv = records[i].split("=", 2);
            builder.append(timestampMs + i, kv[0].getBytes(StandardCharsets.UTF_8),
                    kv.length == 2 ? kv[1].getBytes(StandardCharsets.UTF_8) : null);
        }
        return builder.build().buffer();
    }

    static ByteBuffer keyed(long timestampMs, String... records) {
        return keyed(Compression.NONE, RecordBatch.NO_PRODUCER_ID, (short) -1, -1, false, timestampMs, records);
    }

    static ByteBuffer build(Compression compression, long producerId, short epoch, int baseSequence, long timestampMs,
                            boolean withKeys, String... values) {
        return build(compression, producerId, epoch, baseSequence, timestampMs, withKeys, false, values);
    }

    static ByteBuffer build(Compression compression, long producerId, short epoch, int baseSequence, long timestampMs,
                            boolean withKeys, boolean transactional, String... values) {
        ByteBuffer buffer = ByteBuffer.allocate(1024 + values.length * 64);
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, RecordBatch.MAGIC_VALUE_V2, compression,
                TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP, producerId, epoch, baseSequence, transactional,
                RecordBatch.NO_PARTITION_LEADER_EPOCH);
        for (int i = 0; i < values.length; i++) {
            byte[] key = withKeys ? ("k" + i).getBytes(StandardCharsets.UTF_8) : null;
            builder.append(timestampMs + i, key, values[i].getBytes(StandardCharsets.UTF_8));
        }
        return builder.build().buffer();
    }
}

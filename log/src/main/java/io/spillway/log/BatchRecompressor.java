package io.spillway.log;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.nio.ByteBuffer;

/**
 * Rewrites a batch with the codec a topic demands (compression.type other than {@code producer}),
 * keeping producer id, epoch, sequence, transactional flag, timestamps, keys, values and headers.
 * Batches already in the right codec are left alone, so the common case costs nothing. Stateless.
 */
final class BatchRecompressor {
    private static final String KEEP_PRODUCER_CODEC = "producer";

    private BatchRecompressor() {
    }

    /** The batch re-encoded with {@code topicCodec}, or null when it can be stored as sent. */
    static ByteBuffer maybeRecompress(String partition, MutableRecordBatch batch, String topicCodec, int maxMessageBytes) {
        if (KEEP_PRODUCER_CODEC.equals(topicCodec)) {
            return null;
        }
        CompressionType target = "uncompressed".equals(topicCodec) ? CompressionType.NONE : CompressionType.forName(topicCodec);
        if (batch.compressionType() == target) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.allocate(Math.max(256, batch.sizeInBytes() * 2));
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, RecordBatch.MAGIC_VALUE_V2,
                Compression.of(target).build(), batch.timestampType(), batch.baseOffset(), RecordBatch.NO_TIMESTAMP,
                batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.isTransactional(),
                RecordBatch.NO_PARTITION_LEADER_EPOCH);
        for (Record record : batch) {
            builder.appendWithOffset(record.offset(), record.timestamp(), record.key(), record.value(), record.headers());
        }
        ByteBuffer rewritten = builder.build().buffer();
        if (rewritten.remaining() > maxMessageBytes) {
            throw new RecordTooLargeException("The batch for " + partition + " is " + rewritten.remaining()
                    + " bytes after conversion to " + topicCodec + " (the topic's compression.type), more than its "
                    + "max.message.bytes of " + maxMessageBytes);
        }
        return rewritten;
    }
}

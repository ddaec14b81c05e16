package io.spillway.log;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Checks a produced record batch the way Kafka does before it is appended: exactly one v2 batch,
 * size against max.message.bytes, CRC, offsets and count inside the batch, keys on compacted
 * topics, and timestamps against message.timestamp.{before,after}.max.ms.
 *
 * <p>Stateless and thread safe; each call decompresses with its own buffers.
 */
public final class BatchValidator {

    /**
     * Decompression buffers (lz4 needs 64 KiB per block, zstd/gzip their own) reused per request thread, as Kafka
     * reuses them per request handler thread; allocating them per batch cost more than the decompression itself.
     * A supplier is not thread-safe, hence one per thread; it holds at most one buffer per size.
     */
    private static final ThreadLocal<BufferSupplier> DECOMPRESSION_BUFFERS = ThreadLocal.withInitial(BufferSupplier::create);
    private BatchValidator() {
    }

    /**
     * @param records the partition's records as produced; bytes after the first batch are ignored
     * @return the batch, backed by {@code records}' bytes, ready for offsets to be assigned
     */
    public static MutableRecordBatch validate(String partition, ByteBuffer records, LogConfig config, long nowMs) {
        MutableRecordBatch batch = onlyBatch(partition, records);
        if (batch.sizeInBytes() > config.maxMessageBytes()) {
            throw new RecordTooLargeException("The batch of " + batch.sizeInBytes() + " bytes sent to " + partition
                    + " is larger than its max.message.bytes of " + config.maxMessageBytes());
        }
        if (!batch.isValid()) {
            throw new CorruptRecordException("Record batch for " + partition + " fails its CRC check; "
                    + "the producer or network corrupted it");
        }
        if (batch.isControlBatch()) {
            throw new InvalidRecordException("Clients may not write control batches (to " + partition + ")");
        }
        Integer count = batch.countOrNull();
        if (count == null || count <= 0 || lastOffsetDelta(batch) != count - 1) {
            throw new InvalidRecordException("Record batch for " + partition + " has " + count
                    + " records but a last offset delta of " + lastOffsetDelta(batch));
        }
        validateRecords(partition, batch, config, nowMs, count);
        return batch;
    }

    /** Offset of the batch's last record relative to its first. */
    public static int lastOffsetDelta(RecordBatch batch) {
        return (int) (batch.lastOffset() - batch.baseOffset());
    }

    private static MutableRecordBatch onlyBatch(String partition, ByteBuffer records) {
        Iterator<MutableRecordBatch> batches;
        MutableRecordBatch batch;
        try {
            batches = MemoryRecords.readableRecords(records.slice()).batches().iterator();
            if (!batches.hasNext()) {
                throw new InvalidRecordException("Produce request for " + partition + " holds no complete record batch");
            }
            batch = batches.next();
        } catch (CorruptRecordException | InvalidRecordException e) {
            throw e;
        } catch (KafkaException e) {
            throw new CorruptRecordException("Records for " + partition + " cannot be read: " + e.getMessage());
        }
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
            throw new InvalidRecordException("Produce requests to " + partition
                    + " must use record batch format v2 (magic 2), got magic " + batch.magic());
        }
        if (batches.hasNext()) {
            throw new InvalidRecordException("Produce requests may hold exactly one record batch per partition ("
                    + partition + ")");
        }
        return batch;
    }

    private static void validateRecords(String partition, MutableRecordBatch batch, LogConfig config, long nowMs,
                                        int count) {
        boolean checkTimestamps = config.timestampType() == TimestampType.CREATE_TIME
                && (config.timestampBeforeMaxMs() != Long.MAX_VALUE || config.timestampAfterMaxMs() != Long.MAX_VALUE);
        List<RecordErrorsException.RecordError> keyErrors = new ArrayList<>();
        List<RecordErrorsException.RecordError> timestampErrors = new ArrayList<>();
        int index = 0;
        BufferSupplier buffers = DECOMPRESSION_BUFFERS.get();
        try (CloseableIterator<Record> it = config.compact()
                ? batch.streamingIterator(buffers)
                : batch.skipKeyValueIterator(buffers)) {
            while (it.hasNext()) {
                Record record = it.next();
                if (record.offset() != batch.baseOffset() + index) {
                    throw new InvalidRecordException("Record " + index + " of the batch for " + partition
                            + " has offset delta " + (record.offset() - batch.baseOffset()) + ", expected " + index);
                }
                if (config.compact() && !record.hasKey()) {
                    keyErrors.add(new RecordErrorsException.RecordError(index,
                            "Compacted topic cannot accept message without key in topic partition " + partition + "."));
                }
                if (checkTimestamps) {
                    long ts = record.timestamp();
                    if (ts != RecordBatch.NO_TIMESTAMP && (ts < nowMs - config.timestampBeforeMaxMs()
                            || (config.timestampAfterMaxMs() != Long.MAX_VALUE && ts > nowMs + config.timestampAfterMaxMs()))) {
                        timestampErrors.add(new RecordErrorsException.RecordError(index, "Timestamp " + ts
                                + " of message with offset " + index + " is out of range. The timestamp should be within ["
                                + (nowMs - config.timestampBeforeMaxMs()) + ", " + (nowMs + config.timestampAfterMaxMs()) + "]"));
                    }
                }
                index++;
            }
        } catch (InvalidRecordException | CorruptRecordException e) {
            throw e;
        } catch (KafkaException | IllegalArgumentException | IllegalStateException e) {
            throw new InvalidRecordException("Records in the batch for " + partition + " cannot be decoded: "
                    + e.getMessage());
        }
        if (index != count) {
            throw new InvalidRecordException("Record batch for " + partition + " declares " + count
                    + " records but holds " + index);
        }
        if (!keyErrors.isEmpty()) {
            throw new RecordErrorsException(Errors.INVALID_RECORD, keyErrors,
                    "Compacted topic cannot accept message without key in topic partition " + partition + ".");
        }
        if (!timestampErrors.isEmpty()) {
            throw new RecordErrorsException(Errors.INVALID_TIMESTAMP, timestampErrors,
                    "One or more records have been rejected due to invalid timestamp");
        }
    }
}

package io.spillway.log;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Record batches read from a partition, with the partition's offsets at the time of the read.
 *
 * @param records whole record batches, possibly starting before the requested offset (clients skip
 *     those records, as with Kafka); empty if nothing was available
 * @param abortedTransactions for a read_committed read, the aborted transactions with records in the
 *     range read (consumers drop those producers' records up to each abort marker); null otherwise
 */
public record ReadResult(ByteBuffer records, long highWatermark, long lastStableOffset, long logStartOffset,
                         long logEndOffset, List<AbortedTransaction> abortedTransactions) {
}

package io.spillway.log;

import java.nio.ByteBuffer;

/**
 * Record batches read from a partition, with the partition's offsets at the time of the read.
 *
 * @param records whole record batches, possibly starting before the requested offset (clients skip
 *     those records, as with Kafka); empty if nothing was available
 */
public record ReadResult(ByteBuffer records, long highWatermark, long logStartOffset, long logEndOffset) {
}

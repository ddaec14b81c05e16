package io.spillway.storage.local;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Byte layout of a segment file and of each entry in it.
 *
 * <pre>
 * Segment file:
 *   0      4         8            12          16
 *  +------+---------+------------+-----------+------------------ ... entries ...
 *  | SPWL | version | segment id | reserved  |
 *  +------+---------+------------+-----------+
 *
 * Entry (all integers big-endian):
 *   0               4               8                       16
 *  +---------------+---------------+-----------------------+------------------+
 *  | payload bytes | CRC32C        | partition key         | payload ...      |
 *  +---------------+---------------+-----------------------+------------------+
 *  The CRC covers the partition key and the payload, so a torn or misdirected entry is detected.
 * </pre>
 */
final class EntryDescriptor {
    static final int SEGMENT_MAGIC = 0x5350574C; // "SPWL"
    static final int SEGMENT_VERSION = 1;
    static final int SEGMENT_HEADER_BYTES = 16;

    static final int LENGTH_OFFSET = 0;
    static final int CRC_OFFSET = 4;
    static final int KEY_OFFSET = 8;
    static final int ENTRY_HEADER_BYTES = 16;

    private EntryDescriptor() {
    }

    static ByteBuffer segmentHeader(int segmentId) {
        ByteBuffer header = ByteBuffer.allocate(SEGMENT_HEADER_BYTES);
        header.putInt(SEGMENT_MAGIC).putInt(SEGMENT_VERSION).putInt(segmentId).putInt(0).flip();
        return header;
    }

    /** Fills {@code header} (position 0, 16 bytes) for an entry; does not move the payload's position. */
    static void writeEntryHeader(ByteBuffer header, long partitionKey, ByteBuffer payload) {
        header.clear();
        header.putInt(LENGTH_OFFSET, payload.remaining());
        header.putInt(CRC_OFFSET, checksum(partitionKey, payload.duplicate()));
        header.putLong(KEY_OFFSET, partitionKey);
        header.limit(ENTRY_HEADER_BYTES);
    }

    static int checksum(long partitionKey, ByteBuffer payload) {
        CRC32C crc = new CRC32C();
        for (int shift = 56; shift >= 0; shift -= 8) {
            crc.update((int) (partitionKey >>> shift)); // the key's 8 bytes, big-endian, without a buffer per entry
        }
        crc.update(payload);
        return (int) crc.getValue();
    }
}

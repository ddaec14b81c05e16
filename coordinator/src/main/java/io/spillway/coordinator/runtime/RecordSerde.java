package io.spillway.coordinator.runtime;

import java.nio.ByteBuffer;

/**
 * How a coordinator's records are stored as Kafka records in its internal topic: a key and a value (null
 * for a tombstone), in Spillway's versioned record encoding. Stateless and thread safe.
 *
 * @param <R> the coordinator's record type
 */
public interface RecordSerde<R> {
    byte[] key(R record);

    /** Null deletes the key. */
    byte[] value(R record);

    /**
     * The record stored under this key and value, or null for a record type this broker does not know and
     * may skip (a newer broker's optional record).
     *
     * @throws io.spillway.common.codec.RecordReader.RecordFormatException for bytes it cannot read
     */
    R decode(ByteBuffer key, ByteBuffer value);

    /**
     * The place whose partition keeps the record ({@link CoordinatorPartitions}), or null for the home partition.
     * All records of one key must have the same place, so that the latest one per key is found in one partition.
     */
    default String place(R record) {
        return null;
    }
}

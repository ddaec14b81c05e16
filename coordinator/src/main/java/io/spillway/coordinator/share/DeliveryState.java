package io.spillway.coordinator.share;

/**
 * The delivery state of an in-flight record of a share-partition, with the ids Kafka stores and shows
 * ({@code kafka-share-groups.sh}, {@code __share_group_state}).
 */
public enum DeliveryState {
    /** May be acquired by the next ShareFetch (never delivered, released, or its lock timed out). */
    AVAILABLE((byte) 0),
    /** Handed to one consumer under a time-limited lock. Never stored: after a restart it is AVAILABLE. */
    ACQUIRED((byte) 1),
    /** Accepted by a consumer: never delivered again. */
    ACKNOWLEDGED((byte) 2),
    /** Rejected, over the delivery limit, a gap, or an aborted transaction's record: never delivered again. */
    ARCHIVED((byte) 4);

    private final byte id;

    DeliveryState(byte id) {
        this.id = id;
    }

    public byte id() {
        return id;
    }

    /** True when the record will never be delivered again (ACKNOWLEDGED or ARCHIVED). */
    public boolean isTerminal() {
        return this == ACKNOWLEDGED || this == ARCHIVED;
    }

    public static DeliveryState fromId(byte id) {
        for (DeliveryState s : values()) {
            if (s.id == id) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown delivery state id " + id);
    }
}

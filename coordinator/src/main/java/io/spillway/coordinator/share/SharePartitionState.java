package io.spillway.coordinator.share;

import java.util.List;

/**
 * The durable state of one share-partition, as the share coordinator stores it in {@code __share_group_state}:
 * records below {@code startOffset} are done; from it on, {@code batches} hold the records whose state is not
 * plain "never delivered" (delivery count and state per offset range, sorted, not overlapping). Offsets at or
 * after the start that no batch covers are AVAILABLE with delivery count 0. Immutable.
 *
 * @param stateEpoch raised whenever an admin operation replaces the state (alter or delete offsets); a write
 *     made against an older epoch is refused, so a broker never overwrites what an admin set
 * @param startOffset the share-partition start offset, or {@link #UNINITIALIZED} when the group has not read the
 *     partition yet ({@code share.auto.offset.reset} decides at the first ShareFetch)
 */
public record SharePartitionState(int stateEpoch, long startOffset, List<StateBatch> batches) {
    public static final long UNINITIALIZED = -1L;

    public SharePartitionState {
        batches = List.copyOf(batches);
    }

    /** A range of offsets with one delivery state and count (ACQUIRED is stored as AVAILABLE). */
    public record StateBatch(long firstOffset, long lastOffset, DeliveryState state, short deliveryCount) {
        public StateBatch {
            if (lastOffset < firstOffset) {
                throw new IllegalArgumentException("state batch " + firstOffset + ".." + lastOffset + " is empty");
            }
        }
    }

    /**
     * How many records at or after the start offset are done (ACKNOWLEDGED or ARCHIVED): the share-group lag of a
     * partition is its high watermark minus the start offset minus this.
     */
    public long deliveryCompleteCount() {
        long done = 0;
        for (StateBatch b : batches) {
            if (b.state().isTerminal() && b.lastOffset() >= startOffset) {
                done += b.lastOffset() - Math.max(b.firstOffset(), startOffset) + 1;
            }
        }
        return done;
    }
}

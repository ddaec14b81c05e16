package io.spillway.coordinator.runtime;

import java.util.List;

/**
 * The state machine of one coordinator (groups, transactions) over its internal-topic partitions. Its state
 * changes only in {@link #replay} and {@link #replayEndTransaction}: operations hand the records they make
 * to {@link Changes#add}, which applies them through the same method that rebuilds the state when the
 * partition is loaded, so what runs after a restart is what ran before it.
 *
 * <p>Thread contract: owned by its {@link CoordinatorRuntime}'s event thread; every method (and every
 * operation the runtime runs on it) is called on that thread only, so a shard needs no locks.
 *
 * @param <R> the record type of this coordinator
 */
public interface CoordinatorShard<R> {

    /**
     * Applies one record.
     *
     * @param producerId the producer whose transaction the record belongs to (its effect then waits for the
     *     transaction's marker), or -1 for a record that takes effect at once
     */
    void replay(R record, long producerId, short producerEpoch);

    /**
     * A transaction marker: the producer's pending records take effect ({@code committed}) or are dropped; only
     * those kept in the marker's partition, since each partition gets its own marker.
     *
     * @param place the place of the partition the marker was written to ({@link RecordSerde#place}), null for home
     */
    default void replayEndTransaction(long producerId, boolean committed, String place) {
    }

    /**
     * The partition of {@code place} is gone (its stream was deleted, with the internal topic): drop the state
     * its records made, committed and pending, so the state is what a replay of the partitions that remain
     * builds.
     */
    default void forgetPlace(String place) {
    }

    /** Called once the partition is loaded (start timers from the replayed state). */
    default void onLoaded() {
    }

    /**
     * Called when the runtime discards this shard (a write failed, or the broker stops): complete every
     * request the shard still holds with an error so that clients retry; the runtime cancels its timers.
     */
    default void onUnloaded() {
    }

    /**
     * The records that recreate the current committed state from nothing, so the runtime can append them and
     * drop everything older (the partition stays about the size of the live state). Records of transactions
     * still open are not included: the runtime keeps the log from their first record on.
     */
    List<R> snapshot();
}

package io.spillway.coordinator.share;

import org.apache.kafka.common.errors.InvalidRequestException;

import java.util.ArrayList;
import java.util.List;

/**
 * What the share coordinator accepts to store, checked before anything is written so a bad request leaves no
 * trace: a key with a group and a partition, an epoch and start offset that can be, and batches sorted and not
 * overlapping. ACQUIRED is stored as AVAILABLE, since a lock does not outlive the broker that holds it.
 * Stateless and thread safe.
 */
final class ShareStateChecks {
    private ShareStateChecks() {
    }

    /** @throws InvalidRequestException saying what is wrong with the key */
    static void checkKey(SharePartitionKey key) {
        if (key == null) {
            throw new InvalidRequestException("No share-partition named");
        }
        if (key.groupId().isEmpty()) {
            throw new InvalidRequestException("The share group id of " + key + " is empty");
        }
        if (key.partition() < 0) {
            throw new InvalidRequestException("The partition of " + key + " is negative");
        }
    }

    /** @throws InvalidRequestException unless {@code startOffset} is an offset or {@link SharePartitionState#UNINITIALIZED} */
    static void checkStartOffset(SharePartitionKey key, long startOffset) {
        if (startOffset < SharePartitionState.UNINITIALIZED) {
            throw new InvalidRequestException("The start offset " + startOffset + " of " + key + " is negative");
        }
    }

    /**
     * The state as it is stored: the same, with ACQUIRED batches made AVAILABLE.
     *
     * @throws InvalidRequestException saying what is wrong with the state
     */
    static SharePartitionState storable(SharePartitionKey key, SharePartitionState state) {
        checkKey(key);
        if (state == null) {
            throw new InvalidRequestException("No state given for " + key + "; deleting state is an admin operation");
        }
        if (state.stateEpoch() < 0) {
            throw new InvalidRequestException("The state epoch " + state.stateEpoch() + " of " + key + " is negative");
        }
        checkStartOffset(key, state.startOffset());
        if (state.startOffset() == SharePartitionState.UNINITIALIZED && !state.batches().isEmpty()) {
            throw new InvalidRequestException("The state of " + key + " has in-flight records but no start offset");
        }
        List<SharePartitionState.StateBatch> stored = new ArrayList<>(state.batches().size());
        long previousLast = -1;
        boolean changed = false;
        for (SharePartitionState.StateBatch b : state.batches()) {
            if (b.firstOffset() < 0) {
                throw new InvalidRequestException("The state of " + key + " has a batch at negative offset "
                        + b.firstOffset());
            }
            if (b.firstOffset() <= previousLast) {
                throw new InvalidRequestException("The batches of " + key + " are not sorted or overlap at offset "
                        + b.firstOffset() + " (the previous one ends at " + previousLast + ")");
            }
            if (b.state() == null) {
                throw new InvalidRequestException("The batch " + b.firstOffset() + ".." + b.lastOffset() + " of " + key
                        + " has no delivery state");
            }
            if (b.deliveryCount() < 0) {
                throw new InvalidRequestException("The batch " + b.firstOffset() + ".." + b.lastOffset() + " of " + key
                        + " has a negative delivery count");
            }
            previousLast = b.lastOffset();
            if (b.state() == DeliveryState.ACQUIRED) {
                stored.add(new SharePartitionState.StateBatch(b.firstOffset(), b.lastOffset(), DeliveryState.AVAILABLE,
                        b.deliveryCount()));
                changed = true;
            } else {
                stored.add(b);
            }
        }
        return changed ? new SharePartitionState(state.stateEpoch(), state.startOffset(), stored) : state;
    }
}

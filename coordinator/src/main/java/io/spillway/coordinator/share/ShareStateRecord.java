package io.spillway.coordinator.share;

import java.util.Objects;

/**
 * The one record the share coordinator keeps per share-partition in {@code __share_group_state}: the whole
 * state, so the latest record of a key is all there is to know of it; a null state is a tombstone (the state was
 * deleted). Immutable.
 *
 * @param place the stream whose share-state partition keeps the record, or null for the home partition
 *     ({@code __share_group_state}). It is decided when the key is first written and never changes afterwards
 *     (updates and the tombstone reuse the stored one), so every record of a key lands in one partition even
 *     once its topic is gone. A decoded tombstone carries no place (null): it is only replayed, never written again.
 */
public record ShareStateRecord(SharePartitionKey key, String place, SharePartitionState state) {
    public ShareStateRecord {
        Objects.requireNonNull(key, "key");
    }

    /** The tombstone that deletes {@code key} from the partition of {@code place}. */
    public static ShareStateRecord tombstone(SharePartitionKey key, String place) {
        return new ShareStateRecord(key, place, null);
    }

    public boolean isTombstone() {
        return state == null;
    }
}

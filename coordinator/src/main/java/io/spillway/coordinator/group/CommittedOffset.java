package io.spillway.coordinator.group;

/**
 * An offset a group committed for a partition. Immutable.
 *
 * @param leaderEpoch -1 when the client did not send one
 * @param metadata the client's free-form string ("" when none)
 * @param expireTimestampMs when the offset expires whatever its group does (OffsetCommit v2-v4 with a
 *     retention time), or -1 to follow offsets.retention.minutes
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs,
                              long expireTimestampMs) {

    /** An offset without its own retention time. */
    public CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {
        this(offset, leaderEpoch, metadata, commitTimestampMs, -1);
    }

    /**
     * Kafka's expiry rule: at its own expire timestamp if it has one, else {@code retentionMs} after
     * {@code baseTimestampMs} (the commit, or when the group became empty).
     */
    boolean isExpired(long nowMs, long baseTimestampMs, long retentionMs) {
        return expireTimestampMs >= 0 ? nowMs >= expireTimestampMs : nowMs - baseTimestampMs >= retentionMs;
    }
}

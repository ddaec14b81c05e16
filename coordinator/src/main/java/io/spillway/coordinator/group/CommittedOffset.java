package io.spillway.coordinator.group;

/**
 * An offset a group committed for a partition. Immutable.
 *
 * @param leaderEpoch -1 when the client did not send one
 * @param metadata the client's free-form string ("" when none)
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {
}

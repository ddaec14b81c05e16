package io.spillway.coordinator.group.share;

/**
 * Told when a member leaves a share group (it left, was fenced, its session expired, or the group was deleted),
 * so that the broker's share-partitions release the records that member had acquired at once rather than when
 * their locks time out.
 *
 * <p>Thread contract: called on the group coordinator's event thread once the change is durable; an
 * implementation must return quickly and hand any real work to its own threads.
 */
@FunctionalInterface
public interface ShareGroupListener {
    void memberLeft(String groupId, String memberId);

    /** A listener that does nothing (no share-partitions on this broker yet). */
    ShareGroupListener NONE = (groupId, memberId) -> { };
}

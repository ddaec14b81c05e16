package io.spillway.coordinator.group;

/** A group's committed offset for one partition; a null offset deletes it (OffsetDelete, expiry, DeleteGroups). */
public record OffsetCommitRecord(String groupId, String topic, int partition, CommittedOffset offset)
        implements GroupRecord {
}

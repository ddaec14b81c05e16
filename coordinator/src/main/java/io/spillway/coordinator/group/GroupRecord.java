package io.spillway.coordinator.group;

/**
 * One record of the group coordinator's internal topic ({@code __consumer_offsets}). The latest record per
 * key is the state (the topic is compacted by key); a null payload is the key's tombstone. How records are
 * laid out is {@link GroupRecordSerde}'s business.
 */
public sealed interface GroupRecord permits OffsetCommitRecord, ClassicGroupRecord, ConsumerGroupChange,
        ShareGroupChange {
    String groupId();
}

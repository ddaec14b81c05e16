package io.spillway.coordinator.group;

import io.spillway.coordinator.group.consumer.ConsumerGroupRecord;

/** One change to a consumer-protocol (KIP-848) group. */
public record ConsumerGroupChange(String groupId, ConsumerGroupRecord change) implements GroupRecord {
}

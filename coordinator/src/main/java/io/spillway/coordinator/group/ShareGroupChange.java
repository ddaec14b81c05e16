package io.spillway.coordinator.group;

import io.spillway.coordinator.group.share.ShareGroupRecord;

/** One change to a share group (KIP-932). */
public record ShareGroupChange(String groupId, ShareGroupRecord change) implements GroupRecord {
}

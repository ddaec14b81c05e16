package io.spillway.coordinator.group;

import io.spillway.coordinator.group.classic.ClassicGroupSnapshot;

/**
 * What survives of a classic-protocol group: its generation, protocol, leader and members with their
 * subscriptions and assignments (written when the leader's assignment is stored, and when the group
 * becomes empty). A null snapshot deletes the group.
 */
public record ClassicGroupRecord(String groupId, ClassicGroupSnapshot snapshot) implements GroupRecord {
}

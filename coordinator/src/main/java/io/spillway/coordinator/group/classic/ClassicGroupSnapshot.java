package io.spillway.coordinator.group.classic;

import java.util.List;

/**
 * The persisted part of a classic group, as its {@code ClassicGroupRecord} carries it. Immutable.
 *
 * @param stateSinceMs when the group entered its state (offset expiry of an empty group counts from it)
 */
public record ClassicGroupSnapshot(String protocolType, int generation, String protocolName, String leaderId,
                                   long stateSinceMs, List<Member> members) {

    public ClassicGroupSnapshot {
        members = List.copyOf(members);
    }

    /** One member: who it is, its timeouts, its subscription for the chosen protocol and its assignment. */
    public record Member(String memberId, String groupInstanceId, String clientId, String clientHost,
                         int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] subscription, byte[] assignment) {
    }
}

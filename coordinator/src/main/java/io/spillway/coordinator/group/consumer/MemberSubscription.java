package io.spillway.coordinator.group.consumer;

import java.util.Set;

/**
 * What a consumer-protocol member told the coordinator about itself: identity, client, subscription
 * and preferred assignor. Persisted as the member-subscription record. Immutable.
 *
 * @param instanceId group.instance.id of a static member, or null
 * @param rackId client.rack, or null
 * @param rebalanceTimeoutMs how long the member may take to revoke partitions (its max.poll.interval.ms)
 * @param topicNames subscribed topic names (sorted, may be empty)
 * @param topicRegex subscribed topic pattern, "" when none
 * @param serverAssignor assignor the member asked for (group.remote.assignor), or null
 */
public record MemberSubscription(String instanceId, String rackId, String clientId, String clientHost,
                                 int rebalanceTimeoutMs, Set<String> topicNames, String topicRegex,
                                 String serverAssignor) {
    static final MemberSubscription NEW = new MemberSubscription(null, null, "", "", -1, Set.of(), "", null);

    public MemberSubscription {
        topicNames = Set.copyOf(topicNames);
        topicRegex = topicRegex == null ? "" : topicRegex;
    }

    boolean hasRegex() {
        return !topicRegex.isEmpty();
    }
}

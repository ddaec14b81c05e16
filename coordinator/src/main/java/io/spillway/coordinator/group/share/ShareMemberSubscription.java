package io.spillway.coordinator.group.share;

import java.util.Set;
import java.util.TreeSet;

/**
 * What a share-group member told the coordinator about itself: its rack, client and the topics it subscribes to.
 * Immutable; {@code topicNames} is kept sorted so that equal subscriptions compare equal.
 */
public record ShareMemberSubscription(String rackId, String clientId, String clientHost, Set<String> topicNames) {
    /** A member that has not heartbeated yet. */
    public static final ShareMemberSubscription NEW = new ShareMemberSubscription(null, "", "", Set.of());

    public ShareMemberSubscription {
        topicNames = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(topicNames));
        clientId = clientId == null ? "" : clientId;
        clientHost = clientHost == null ? "" : clientHost;
    }
}

package io.spillway.coordinator.group.consumer;

/**
 * One member of a consumer-protocol group: its id, what it subscribed to and where it is in
 * reconciliation. Immutable; a change makes a new member.
 */
record ConsumerGroupMember(String memberId, MemberSubscription subscription, CurrentAssignment current) {

    ConsumerGroupMember withSubscription(MemberSubscription next) {
        return new ConsumerGroupMember(memberId, next, current);
    }

    ConsumerGroupMember withCurrent(CurrentAssignment next) {
        return new ConsumerGroupMember(memberId, subscription, next);
    }

    String instanceId() {
        return subscription.instanceId();
    }

    int memberEpoch() {
        return current.memberEpoch();
    }
}

package io.spillway.coordinator.group.share;

/**
 * A member of a share group: its subscription and its current assignment. Immutable; a change is a new object
 * made by {@link ShareGroup#apply}.
 */
public record ShareGroupMember(String memberId, ShareMemberSubscription subscription, ShareMemberAssignment current) {

    public int memberEpoch() {
        return current.memberEpoch();
    }

    ShareGroupMember withSubscription(ShareMemberSubscription next) {
        return new ShareGroupMember(memberId, next, current);
    }

    ShareGroupMember withCurrent(ShareMemberAssignment next) {
        return new ShareGroupMember(memberId, subscription, next);
    }
}

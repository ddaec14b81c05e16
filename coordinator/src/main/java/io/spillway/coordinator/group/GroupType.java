package io.spillway.coordinator.group;

/** The rebalance protocol of a group, with the names ListGroups reports and filters by. */
public enum GroupType {
    /** JoinGroup/SyncGroup/Heartbeat (and simple groups that only hold offsets). */
    CLASSIC("classic"),
    /** KIP-848: ConsumerGroupHeartbeat with server-side assignment. */
    CONSUMER("consumer"),
    /** KIP-932: ShareGroupHeartbeat; members share partitions and acknowledge records one by one. */
    SHARE("share");

    private final String kafkaName;

    GroupType(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    public String kafkaName() {
        return kafkaName;
    }
}

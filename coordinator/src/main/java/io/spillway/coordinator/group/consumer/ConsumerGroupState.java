package io.spillway.coordinator.group.consumer;

/**
 * States of a consumer-protocol (KIP-848) group, derived from its epochs and members, with the names
 * Kafka reports in ListGroups and ConsumerGroupDescribe.
 *
 * <pre>
 *   EMPTY:       no members
 *   ASSIGNING:   group epoch &gt; target assignment epoch (a new target is to be computed)
 *   RECONCILING: some member has not reached the target assignment epoch yet
 *   STABLE:      every member is STABLE at the target assignment epoch
 *   DEAD:        deleted, or replaced by a classic group
 * </pre>
 */
enum ConsumerGroupState {
    EMPTY("Empty"),
    ASSIGNING("Assigning"),
    RECONCILING("Reconciling"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;

    ConsumerGroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    String kafkaName() {
        return kafkaName;
    }
}

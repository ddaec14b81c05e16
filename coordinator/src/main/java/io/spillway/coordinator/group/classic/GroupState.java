package io.spillway.coordinator.group.classic;

/**
 * States of a classic-protocol group, with the names Kafka reports in DescribeGroups/ListGroups.
 *
 * <pre>
 *   EMPTY ──join──► PREPARING_REBALANCE ──all joined / timeout──► COMPLETING_REBALANCE ──leader sync──► STABLE
 *     ▲                  ▲    │ (nobody left)                          │ member change                  │
 *     └──────────────────┼────┘                                        └───────────► PREPARING_REBALANCE ◄┘
 *   DEAD: deleted (DeleteGroups, or empty with all offsets expired); never left
 * </pre>
 */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    public String kafkaName() {
        return kafkaName;
    }
}

package io.spillway.it.groups;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;

/** How a kafka-clients consumer takes part in a group: which group protocol and which assignor. */
enum GroupProtocolCase {
    /** Classic protocol (JoinGroup/SyncGroup), eager rebalancing with the client-side range assignor. */
    CLASSIC_EAGER_RANGE("classic", RangeAssignor.class.getName(), "range"),
    /** Classic protocol, incremental cooperative rebalancing with the client-side cooperative-sticky assignor. */
    CLASSIC_COOPERATIVE_STICKY("classic", CooperativeStickyAssignor.class.getName(), "cooperative-sticky"),
    /** KIP-848 consumer protocol (ConsumerGroupHeartbeat), server-side uniform assignor. */
    CONSUMER_UNIFORM("consumer", null, "uniform"),
    /** KIP-848 consumer protocol, server-side range assignor. */
    CONSUMER_RANGE("consumer", null, "range");

    private final String groupProtocol;
    private final String clientAssignorClass;
    private final String assignorName;

    GroupProtocolCase(String groupProtocol, String clientAssignorClass, String assignorName) {
        this.groupProtocol = groupProtocol;
        this.clientAssignorClass = clientAssignorClass;
        this.assignorName = assignorName;
    }

    boolean classic() {
        return "classic".equals(groupProtocol);
    }

    /** The assignor's name as DescribeGroups/ConsumerGroupDescribe report it. */
    String assignorName() {
        return assignorName;
    }

    /** Consumer settings for this case. */
    Map<String, Object> settings() {
        if (classic()) {
            return Map.of(
                    ConsumerConfig.GROUP_PROTOCOL_CONFIG, groupProtocol,
                    ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, clientAssignorClass,
                    ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.toString(GroupBroker.SESSION_TIMEOUT_MS),
                    ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500",
                    ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "30000");
        }
        return Map.of(
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, groupProtocol,
                ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, assignorName,
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "30000");
    }
}

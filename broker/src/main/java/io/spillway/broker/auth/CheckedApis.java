package io.spillway.broker.auth;

import org.apache.kafka.common.protocol.ApiKeys;

import java.util.EnumSet;
import java.util.Set;

/**
 * The APIs whose handlers check ACLs themselves, resource by resource, with Kafka's rules (and those that need no
 * check: ApiVersions and the SASL exchange). With an authorizer enabled, every other API is allowed only to a
 * principal that may ALTER the CLUSTER (an administrator), so that an API without its own checks is closed by
 * default rather than open.
 */
public final class CheckedApis {
    private static final Set<ApiKeys> CHECKED = EnumSet.of(
            ApiKeys.API_VERSIONS, ApiKeys.SASL_HANDSHAKE, ApiKeys.SASL_AUTHENTICATE,
            ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.METADATA, ApiKeys.OFFSET_FOR_LEADER_EPOCH,
            ApiKeys.DESCRIBE_TOPIC_PARTITIONS,
            ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS, ApiKeys.CREATE_PARTITIONS, ApiKeys.DELETE_RECORDS,
            ApiKeys.DESCRIBE_CLUSTER, ApiKeys.FIND_COORDINATOR,
            ApiKeys.DESCRIBE_CONFIGS, ApiKeys.ALTER_CONFIGS, ApiKeys.INCREMENTAL_ALTER_CONFIGS,
            ApiKeys.JOIN_GROUP, ApiKeys.SYNC_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP,
            ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH, ApiKeys.LIST_GROUPS, ApiKeys.DESCRIBE_GROUPS,
            ApiKeys.DELETE_GROUPS, ApiKeys.CONSUMER_GROUP_HEARTBEAT, ApiKeys.CONSUMER_GROUP_DESCRIBE,
            ApiKeys.INIT_PRODUCER_ID, ApiKeys.ADD_PARTITIONS_TO_TXN, ApiKeys.ADD_OFFSETS_TO_TXN, ApiKeys.END_TXN,
            ApiKeys.TXN_OFFSET_COMMIT, ApiKeys.OFFSET_DELETE, ApiKeys.DESCRIBE_TRANSACTIONS, ApiKeys.LIST_TRANSACTIONS,
            ApiKeys.CREATE_ACLS, ApiKeys.DESCRIBE_ACLS, ApiKeys.DELETE_ACLS,
            ApiKeys.DESCRIBE_CLIENT_QUOTAS, ApiKeys.ALTER_CLIENT_QUOTAS, ApiKeys.DESCRIBE_PRODUCERS,
            ApiKeys.DESCRIBE_LOG_DIRS, ApiKeys.LIST_CONFIG_RESOURCES, ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS);

    private CheckedApis() {
    }

    public static boolean checksItself(ApiKeys key) {
        return CHECKED.contains(key);
    }
}

package io.spillway.broker.auth;

import io.spillway.broker.RequestContext;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;

import java.util.List;

/**
 * The {@code authorized_operations} bit sets of Metadata, DescribeTopicPartitions, DescribeCluster and
 * DescribeGroups: each operation that applies to the resource type and that the request's principal may perform
 * sets bit {@code 1 << operation code}, as in Kafka. Stateless.
 */
public final class AuthorizedOperations {
    private static final List<AclOperation> TOPIC = List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE,
            AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS,
            AclOperation.ALTER_CONFIGS);
    private static final List<AclOperation> CLUSTER = List.of(AclOperation.CREATE, AclOperation.CLUSTER_ACTION,
            AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE,
            AclOperation.ALTER, AclOperation.DESCRIBE);
    private static final List<AclOperation> GROUP = List.of(AclOperation.READ, AclOperation.DESCRIBE,
            AclOperation.DELETE);

    private AuthorizedOperations() {
    }

    public static int topic(RequestContext context, String topic) {
        return bits(context, TOPIC, ResourceType.TOPIC, topic);
    }

    public static int cluster(RequestContext context) {
        return bits(context, CLUSTER, ResourceType.CLUSTER, Resource.CLUSTER_NAME);
    }

    public static int group(RequestContext context, String groupId) {
        return bits(context, GROUP, ResourceType.GROUP, groupId);
    }

    private static int bits(RequestContext context, List<AclOperation> operations, ResourceType type, String name) {
        int set = 0;
        for (AclOperation operation : operations) {
            if (context.may(operation, type, name)) {
                set |= 1 << operation.code();
            }
        }
        return set;
    }
}

package io.spillway.broker.share;

import io.spillway.broker.RequestContext;
import io.spillway.broker.Topics;
import io.spillway.coordinator.share.SharePartitionKey;
import io.spillway.log.PartitionLog;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

/**
 * One partition a share request names, resolved against the topics: its log and share-partition key, or the
 * error the request gets for it (unknown topic id, unknown partition, not authorized to READ the topic).
 */
record ShareTarget(ShareSessions.Partition partition, TopicMetadata topic, PartitionLog log, Errors error) {

    static ShareTarget resolve(RequestContext context, Topics topics, Uuid topicId, int partitionIndex) {
        ShareSessions.Partition partition = new ShareSessions.Partition(topicId, partitionIndex);
        TopicMetadata topic = topics.byId(topicId);
        if (topic == null) {
            return new ShareTarget(partition, null, null, Errors.UNKNOWN_TOPIC_ID);
        }
        if (!context.may(AclOperation.READ, ResourceType.TOPIC, topic.kafkaName())) {
            return new ShareTarget(partition, topic, null, Errors.TOPIC_AUTHORIZATION_FAILED);
        }
        PartitionLog log = topics.partition(topic, partitionIndex);
        if (log == null) {
            return new ShareTarget(partition, topic, null, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        return new ShareTarget(partition, topic, log, Errors.NONE);
    }

    SharePartitionKey key(String groupId) {
        return new SharePartitionKey(groupId, partition.topicId(), partition.partition());
    }

    boolean ok() {
        return error == Errors.NONE;
    }
}

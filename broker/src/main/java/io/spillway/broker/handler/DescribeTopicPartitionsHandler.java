package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.BrokerIdentity;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Topics;
import io.spillway.common.TopicNames;
import io.spillway.log.PartitionLog;
import io.spillway.meta.TopicMetadata;
import io.spillway.broker.auth.AuthorizedOperations;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.Cursor;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeTopicPartitions (KIP-966): topics and their partitions in name order, at most
 * {@value #MAX_PARTITIONS_PER_RESPONSE} partitions (or the request's limit, if lower) per response, with a cursor
 * to the first partition left out. An empty topic list describes every topic from the cursor on; a named topic
 * that does not exist gets UNKNOWN_TOPIC_OR_PARTITION (INVALID_TOPIC_EXCEPTION for an invalid name), as in Kafka.
 * The Java admin client's describeTopics uses this API when the broker offers it.
 */
public final class DescribeTopicPartitionsHandler
        implements ApiHandler<DescribeTopicPartitionsRequestData, DescribeTopicPartitionsResponseData> {
    /** Kafka's max.request.partition.size.limit default. */
    static final int MAX_PARTITIONS_PER_RESPONSE = 2000;

    private final Topics topics;
    private final BrokerIdentity identity;

    public DescribeTopicPartitionsHandler(Topics topics, BrokerIdentity identity) {
        this.topics = topics;
        this.identity = identity;
    }

    @Override
    public CompletableFuture<DescribeTopicPartitionsResponseData> handle(RequestContext context,
                                                                        DescribeTopicPartitionsRequestData request) {
        boolean all = request.topics().isEmpty();
        DescribeTopicPartitionsRequestData.Cursor cursor = request.cursor();
        String from = cursor != null ? cursor.topicName() : "";
        Iterable<String> names;
        if (all) {
            // the topics in name order from the cursor on, read lazily: a page costs its own topics only
            names = () -> topics.allFrom(from).stream().map(TopicMetadata::kafkaName).iterator();
        } else {
            TreeSet<String> wanted = new TreeSet<>();
            request.topics().forEach(t -> {
                if (t.name() != null && t.name().compareTo(from) >= 0) {
                    wanted.add(t.name());
                }
            });
            if (cursor != null && !wanted.contains(cursor.topicName())) {
                throw new InvalidRequestException("DescribeTopicPartitions from " + context.describeClient()
                        + ": the cursor topic " + cursor.topicName() + " is not among the topics asked for");
            }
            names = wanted;
        }
        int remaining = Math.min(MAX_PARTITIONS_PER_RESPONSE, request.responsePartitionLimit());
        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData();
        for (String name : names) {
            if (remaining <= 0) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(0));
                break;
            }
            if (!context.may(AclOperation.DESCRIBE, ResourceType.TOPIC, name)) {
                if (!all) { // all topics: only those the principal may DESCRIBE
                    response.topics().add(new DescribeTopicPartitionsResponseTopic()
                            .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()).setName(name)
                            .setTopicId(Uuid.ZERO_UUID).setIsInternal(TopicNames.isInternal(name)));
                }
                continue;
            }
            TopicMetadata topic = topics.byName(name);
            if (topic == null) {
                if (!all) {
                    Errors error = TopicNames.problem(name) == null ? Errors.UNKNOWN_TOPIC_OR_PARTITION
                            : Errors.INVALID_TOPIC_EXCEPTION;
                    response.topics().add(new DescribeTopicPartitionsResponseTopic().setErrorCode(error.code())
                            .setName(name).setTopicId(Uuid.ZERO_UUID).setIsInternal(TopicNames.isInternal(name)));
                }
                continue;
            }
            int first = cursor != null && name.equals(cursor.topicName()) ? Math.max(0, cursor.partitionIndex()) : 0;
            int end = Math.min(topic.partitionCount(), first + remaining);
            response.topics().add(describe(context, topic, first, end));
            remaining -= end - first;
            if (end < topic.partitionCount()) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(end));
                break;
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private DescribeTopicPartitionsResponseTopic describe(RequestContext context, TopicMetadata topic, int first,
                                                          int end) {
        List<Integer> replicas = List.of(identity.nodeId());
        List<DescribeTopicPartitionsResponsePartition> partitions = new ArrayList<>(Math.max(0, end - first));
        for (int p = first; p < end; p++) {
            partitions.add(new DescribeTopicPartitionsResponsePartition()
                    .setPartitionIndex(p)
                    .setLeaderId(identity.nodeId())
                    .setLeaderEpoch(PartitionLog.LEADER_EPOCH)
                    .setReplicaNodes(replicas)
                    .setIsrNodes(replicas)
                    .setEligibleLeaderReplicas(List.of())
                    .setLastKnownElr(List.of())
                    .setOfflineReplicas(List.of()));
        }
        return new DescribeTopicPartitionsResponseTopic()
                .setName(topic.kafkaName())
                .setTopicId(topic.id())
                .setIsInternal(TopicNames.isInternal(topic.kafkaName()))
                .setPartitions(partitions)
                .setTopicAuthorizedOperations(AuthorizedOperations.topic(context, topic.kafkaName()));
    }
}

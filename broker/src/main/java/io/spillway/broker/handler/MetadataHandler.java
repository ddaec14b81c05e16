package io.spillway.broker.handler;

import io.spillway.common.TopicNames;
import io.spillway.broker.ApiHandler;
import io.spillway.broker.BrokerIdentity;
import io.spillway.broker.RequestContext;
import io.spillway.broker.TopicCreator;
import io.spillway.broker.Topics;
import io.spillway.log.PartitionLog;
import io.spillway.meta.TopicMetadata;
import io.spillway.broker.auth.AuthorizedOperations;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Metadata: this broker as the only node, leader of every partition, and the requested topics
 * (all if none are named), creating missing ones when the client allows it and
 * auto.create.topics.enable is on, as Kafka does.
 */
public final class MetadataHandler implements ApiHandler<MetadataRequestData, MetadataResponseData> {
    private final Topics topics;
    private final TopicCreator creator;
    private final BrokerIdentity identity;

    public MetadataHandler(Topics topics, TopicCreator creator, BrokerIdentity identity) {
        this.topics = topics;
        this.creator = creator;
        this.identity = identity;
    }

    @Override
    public CompletableFuture<MetadataResponseData> handle(RequestContext context, MetadataRequestData request) {
        short version = context.apiVersion();
        MetadataResponseData response = new MetadataResponseData()
                .setClusterId(identity.clusterId())
                .setControllerId(identity.nodeId());
        response.brokers().add(new MetadataResponseData.MetadataResponseBroker()
                .setNodeId(identity.nodeId()).setHost(identity.host(context.listenerName()))
                .setPort(identity.port(context.listenerName())));
        boolean allTopics = request.topics() == null || (version == 0 && request.topics().isEmpty());
        boolean mayCreate = version < 4 || request.allowAutoTopicCreation();
        if (allTopics) {
            // All topics: only those the principal may DESCRIBE, as in Kafka (the rest are not mentioned).
            for (TopicMetadata topic : topics.all()) {
                if (context.may(AclOperation.DESCRIBE, ResourceType.TOPIC, topic.kafkaName())) {
                    response.topics().add(describe(context, topic, request.includeTopicAuthorizedOperations()));
                }
            }
        } else {
            for (MetadataRequestData.MetadataRequestTopic wanted : request.topics()) {
                response.topics().add(lookup(context, wanted, mayCreate, request.includeTopicAuthorizedOperations()));
            }
        }
        if (request.includeClusterAuthorizedOperations()) {
            response.setClusterAuthorizedOperations(AuthorizedOperations.cluster(context));
        }
        return CompletableFuture.completedFuture(response);
    }

    private MetadataResponseData.MetadataResponseTopic lookup(RequestContext context,
                                                             MetadataRequestData.MetadataRequestTopic wanted,
                                                             boolean mayCreate, boolean withOperations) {
        if (!Uuid.ZERO_UUID.equals(wanted.topicId()) || wanted.name() == null) {
            // By id (v10+): the Java admin client sends the id with an empty name.
            TopicMetadata topic = Uuid.ZERO_UUID.equals(wanted.topicId()) ? null : topics.byId(wanted.topicId());
            if (topic == null) {
                return new MetadataResponseData.MetadataResponseTopic()
                        .setTopicId(wanted.topicId()).setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
            }
            if (!context.may(AclOperation.DESCRIBE, ResourceType.TOPIC, topic.kafkaName())) {
                return new MetadataResponseData.MetadataResponseTopic().setTopicId(wanted.topicId())
                        .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
            }
            return describe(context, topic, withOperations);
        }
        if (!context.may(AclOperation.DESCRIBE, ResourceType.TOPIC, wanted.name())) {
            return error(wanted.name(), Errors.TOPIC_AUTHORIZATION_FAILED);
        }
        TopicMetadata topic = topics.byName(wanted.name());
        if (topic == null) {
            try {
                Topics.validateName(wanted.name());
                if (!mayCreate || !creator.autoCreateEnabled(wanted.name())) {
                    return error(wanted.name(), Errors.UNKNOWN_TOPIC_OR_PARTITION);
                }
                if (!context.mayOnCluster(AclOperation.CREATE)
                        && !context.may(AclOperation.CREATE, ResourceType.TOPIC, wanted.name())) {
                    return error(wanted.name(), Errors.TOPIC_AUTHORIZATION_FAILED);
                }
                topic = creator.autoCreate(wanted.name(), context);
            } catch (ApiException e) {
                return error(wanted.name(), Errors.forException(e));
            }
            if (topic == null) {
                return error(wanted.name(), Errors.UNKNOWN_TOPIC_OR_PARTITION);
            }
        }
        return describe(context, topic, withOperations);
    }

    private static MetadataResponseData.MetadataResponseTopic error(String name, Errors error) {
        return new MetadataResponseData.MetadataResponseTopic().setName(name).setErrorCode(error.code());
    }

    private MetadataResponseData.MetadataResponseTopic describe(RequestContext context, TopicMetadata topic,
                                                               boolean withOperations) {
        MetadataResponseData.MetadataResponseTopic out = new MetadataResponseData.MetadataResponseTopic()
                .setName(topic.kafkaName())
                .setTopicId(topic.id())
                .setIsInternal(TopicNames.isInternal(topic.kafkaName()));
        List<Integer> replicas = List.of(identity.nodeId());
        List<MetadataResponseData.MetadataResponsePartition> partitions = new ArrayList<>(topic.partitionCount());
        for (int p = 0; p < topic.partitionCount(); p++) {
            partitions.add(new MetadataResponseData.MetadataResponsePartition()
                    .setPartitionIndex(p)
                    .setLeaderId(identity.nodeId())
                    .setLeaderEpoch(PartitionLog.LEADER_EPOCH)
                    .setReplicaNodes(replicas)
                    .setIsrNodes(replicas)
                    .setOfflineReplicas(List.of()));
        }
        out.setPartitions(partitions);
        if (withOperations) {
            out.setTopicAuthorizedOperations(AuthorizedOperations.topic(context, topic.kafkaName()));
        }
        return out;
    }
}

package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.BrokerIdentity;
import io.spillway.broker.RequestContext;
import io.spillway.broker.quota.Quotas;
import io.spillway.broker.Topics;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** CreatePartitions: grows a topic to the requested partition count (never shrinks), or only validates. */
public final class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequestData, CreatePartitionsResponseData> {
    private final Topics topics;
    private final BrokerIdentity identity;
    private final Quotas quotas;

    public CreatePartitionsHandler(Topics topics, BrokerIdentity identity, Quotas quotas) {
        this.topics = topics;
        this.identity = identity;
        this.quotas = quotas;
    }

    @Override
    public CompletableFuture<CreatePartitionsResponseData> handle(RequestContext context, CreatePartitionsRequestData request) {
        CreatePartitionsResponseData response = new CreatePartitionsResponseData();
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        request.topics().forEach(t -> {
            if (!seen.add(t.name())) {
                duplicates.add(t.name());
            }
        });
        for (CreatePartitionsRequestData.CreatePartitionsTopic t : request.topics()) {
            CreatePartitionsResponseData.CreatePartitionsTopicResult result =
                    new CreatePartitionsResponseData.CreatePartitionsTopicResult().setName(t.name());
            response.results().add(result);
            if (duplicates.contains(t.name())) {
                result.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("Duplicate topic in request: " + t.name());
                continue;
            }
            if (!context.may(AclOperation.ALTER, ResourceType.TOPIC, t.name())) {
                result.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                        .setErrorMessage(context.principal() + " may not ALTER topic " + t.name());
                continue;
            }
            try {
                TopicMetadata topic = validate(t);
                if (!request.validateOnly() && quotas.mutationRefused(context)) {
                    result.setErrorCode(Errors.THROTTLING_QUOTA_EXCEEDED.code())
                            .setErrorMessage(Quotas.mutationRefusal(context, t.name()));
                } else if (!request.validateOnly()) {
                    quotas.recordMutations(context, t.count() - topic.partitionCount());
                    topics.addPartitions(topic, t.count());
                }
            } catch (ApiException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private TopicMetadata validate(CreatePartitionsRequestData.CreatePartitionsTopic t) {
        TopicMetadata topic = topics.byName(t.name());
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("The topic '" + t.name() + "' does not exist.");
        }
        int current = topic.partitionCount();
        if (t.count() < current) {
            throw new InvalidPartitionsException("Topic currently has " + current
                    + " partitions, which is higher than the requested " + t.count() + ".");
        }
        if (t.count() == current) {
            throw new InvalidPartitionsException("Topic already has " + current + " partitions.");
        }
        if (t.count() > TopicMetadata.MAX_PARTITIONS) {
            throw new InvalidPartitionsException("At most " + TopicMetadata.MAX_PARTITIONS + " partitions are supported");
        }
        if (t.assignments() != null) {
            if (t.assignments().size() != t.count() - current) {
                throw new InvalidReplicaAssignmentException("Increasing the number of partitions by "
                        + (t.count() - current) + " but " + t.assignments().size() + " assignments provided.");
            }
            for (CreatePartitionsRequestData.CreatePartitionsAssignment a : t.assignments()) {
                if (a.brokerIds().size() != 1 || a.brokerIds().get(0) != identity.nodeId()) {
                    throw new InvalidReplicaAssignmentException("Assignment " + a.brokerIds()
                            + " names brokers that do not exist; only broker " + identity.nodeId() + " exists");
                }
            }
        }
        return topic;
    }
}

package io.spillway.broker.txn;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Topics;
import io.spillway.log.PartitionLog;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import java.util.concurrent.CompletableFuture;

/**
 * DescribeProducers: the producers with state in each partition (epoch, last sequence and timestamp, coordinator
 * epoch, and where an open transaction starts), which {@code kafka-transactions.sh find-hanging} and
 * {@code describe-producers} show.
 */
public final class DescribeProducersHandler implements ApiHandler<DescribeProducersRequestData, DescribeProducersResponseData> {
    private final Topics topics;

    public DescribeProducersHandler(Topics topics) {
        this.topics = topics;
    }

    @Override
    public CompletableFuture<DescribeProducersResponseData> handle(RequestContext context, DescribeProducersRequestData request) {
        DescribeProducersResponseData response = new DescribeProducersResponseData();
        for (DescribeProducersRequestData.TopicRequest t : request.topics()) {
            DescribeProducersResponseData.TopicResponse topic = new DescribeProducersResponseData.TopicResponse()
                    .setName(t.name());
            for (int index : t.partitionIndexes()) {
                DescribeProducersResponseData.PartitionResponse out = new DescribeProducersResponseData.PartitionResponse()
                        .setPartitionIndex(index);
                PartitionLog partition = topics.partition(t.name(), index);
                if (!context.may(AclOperation.READ, ResourceType.TOPIC, t.name())) {
                    // As Kafka: describing a partition's producers needs READ on its topic.
                    out.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                            .setErrorMessage(context.principal() + " may not READ topic " + t.name());
                } else if (partition == null) {
                    out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                            .setErrorMessage("Partition " + t.name() + "-" + index + " does not exist");
                } else {
                    for (PartitionLog.ActiveProducer p : partition.activeProducers()) {
                        out.activeProducers().add(new DescribeProducersResponseData.ProducerState()
                                .setProducerId(p.producerId()).setProducerEpoch(p.producerEpoch())
                                .setLastSequence(p.lastSequence()).setLastTimestamp(p.lastTimestampMs())
                                .setCoordinatorEpoch(p.coordinatorEpoch()).setCurrentTxnStartOffset(p.currentTxnStartOffset()));
                    }
                }
                topic.partitions().add(out);
            }
            response.topics().add(topic);
        }
        return CompletableFuture.completedFuture(response);
    }
}

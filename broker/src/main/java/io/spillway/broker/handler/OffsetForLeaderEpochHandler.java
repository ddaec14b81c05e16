package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Topics;
import io.spillway.log.PartitionLog;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import java.util.concurrent.CompletableFuture;

/**
 * OffsetForLeaderEpoch: consumers validate their position after a metadata change with it. A
 * single node has had one leader epoch (0) for every partition, ending at the log end offset.
 */
public final class OffsetForLeaderEpochHandler
        implements ApiHandler<OffsetForLeaderEpochRequestData, OffsetForLeaderEpochResponseData> {
    private final Topics topics;

    public OffsetForLeaderEpochHandler(Topics topics) {
        this.topics = topics;
    }

    @Override
    public CompletableFuture<OffsetForLeaderEpochResponseData> handle(RequestContext context,
                                                                      OffsetForLeaderEpochRequestData request) {
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic : request.topics()) {
            OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult result =
                    new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult().setTopic(topic.topic());
            for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : topic.partitions()) {
                OffsetForLeaderEpochResponseData.EpochEndOffset out = new OffsetForLeaderEpochResponseData.EpochEndOffset()
                        .setPartition(p.partition());
                PartitionLog log = topics.partition(topic.topic(), p.partition());
                if (!context.may(AclOperation.DESCRIBE, ResourceType.TOPIC, topic.topic())) {
                    out.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
                } else if (log == null) {
                    out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                } else if (p.currentLeaderEpoch() > PartitionLog.LEADER_EPOCH) {
                    out.setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
                } else if (p.leaderEpoch() == PartitionLog.LEADER_EPOCH) {
                    out.setLeaderEpoch(PartitionLog.LEADER_EPOCH).setEndOffset(log.logEndOffset());
                } else {
                    out.setLeaderEpoch(-1).setEndOffset(-1);
                }
                result.partitions().add(out);
            }
            response.topics().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }
}

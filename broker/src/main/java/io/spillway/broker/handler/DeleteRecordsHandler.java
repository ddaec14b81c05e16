package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Topics;
import io.spillway.common.TopicNames;
import io.spillway.log.PartitionLog;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * DeleteRecords: moves a partition's log start offset forward (offset -1 means the high watermark).
 * The new log starts are persisted in one write before any storage is released.
 */
public final class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequestData, DeleteRecordsResponseData> {
    private static final Logger LOG = LoggerFactory.getLogger(DeleteRecordsHandler.class);
    private static final long TO_HIGH_WATERMARK = -1L;

    private final Topics topics;

    public DeleteRecordsHandler(Topics topics) {
        this.topics = topics;
    }

    private record Trim(PartitionLog log, long offset, DeleteRecordsResponseData.DeleteRecordsPartitionResult out) {
    }

    @Override
    public CompletableFuture<DeleteRecordsResponseData> handle(RequestContext context, DeleteRecordsRequestData request) {
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        Map<Long, Long> newStarts = new HashMap<>();
        List<Trim> trims = new java.util.ArrayList<>();
        for (DeleteRecordsRequestData.DeleteRecordsTopic topic : request.topics()) {
            DeleteRecordsResponseData.DeleteRecordsTopicResult result =
                    new DeleteRecordsResponseData.DeleteRecordsTopicResult().setName(topic.name());
            for (DeleteRecordsRequestData.DeleteRecordsPartition p : topic.partitions()) {
                DeleteRecordsResponseData.DeleteRecordsPartitionResult out =
                        new DeleteRecordsResponseData.DeleteRecordsPartitionResult().setPartitionIndex(p.partitionIndex());
                result.partitions().add(out);
                PartitionLog log = topics.partition(topic.name(), p.partitionIndex());
                if (!context.may(AclOperation.DELETE, ResourceType.TOPIC, topic.name())) {
                    out.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()).setLowWatermark(-1);
                    continue;
                }
                if (log == null) {
                    out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()).setLowWatermark(-1);
                    continue;
                }
                if (TopicNames.isInternal(topic.name())) {
                    // As in Kafka: the coordinators rebuild their state from these records at every start.
                    LOG.warn("Refused to delete records of internal topic '{}' partition {} asked by {}", topic.name(),
                            p.partitionIndex(), context.describeClient());
                    out.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code()).setLowWatermark(-1);
                    continue;
                }
                long hw = log.highWatermark();
                long offset = p.offset() == TO_HIGH_WATERMARK ? hw : p.offset();
                if (offset < 0 || offset > hw) {
                    out.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code()).setLowWatermark(-1);
                    continue;
                }
                if (offset > log.logStartOffset()) {
                    newStarts.put(log.key(), offset);
                }
                trims.add(new Trim(log, offset, out));
            }
            response.topics().add(result);
        }
        try {
            topics.meta().persistLogStarts(newStarts);
        } catch (ApiException e) {
            for (Trim t : trims) {
                t.out.setErrorCode(Errors.forException(e).code()).setLowWatermark(-1);
            }
            return CompletableFuture.completedFuture(response);
        }
        for (Trim t : trims) {
            t.log.trimTo(t.offset);
            t.out.setLowWatermark(t.log.logStartOffset());
        }
        return CompletableFuture.completedFuture(response);
    }
}

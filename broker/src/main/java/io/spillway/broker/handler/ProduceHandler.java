package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Topics;
import io.spillway.log.AppendResult;
import io.spillway.log.PartitionLog;
import io.spillway.log.RecordErrorsException;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Produce: appends each partition's batch and answers once every append is durable (acks=1 and
 * acks=all are the same on one node: both wait for fsync). acks=0 gets no response.
 */
public final class ProduceHandler implements ApiHandler<ProduceRequestData, ProduceResponseData> {
    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);

    private final Topics topics;

    public ProduceHandler(Topics topics) {
        this.topics = topics;
    }

    @Override
    public CompletableFuture<ProduceResponseData> handle(RequestContext context, ProduceRequestData request) {
        short acks = request.acks();
        boolean validAcks = acks == 0 || acks == 1 || acks == -1;
        boolean byId = context.apiVersion() >= 13;
        ProduceResponseData response = new ProduceResponseData();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (ProduceRequestData.TopicProduceData topicData : request.topicData()) {
            TopicMetadata topic = byId ? topics.byId(topicData.topicId()) : topics.byName(topicData.name());
            ProduceResponseData.TopicProduceResponse topicResponse = new ProduceResponseData.TopicProduceResponse()
                    .setName(topicData.name()).setTopicId(topicData.topicId());
            for (ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData()) {
                ProduceResponseData.PartitionProduceResponse out = new ProduceResponseData.PartitionProduceResponse()
                        .setIndex(partitionData.index());
                topicResponse.partitionResponses().add(out);
                if (!validAcks) {
                    out.setErrorCode(Errors.INVALID_REQUIRED_ACKS.code());
                    continue;
                }
                PartitionLog partition = topics.partition(topic, partitionData.index());
                if (partition == null) {
                    out.setErrorCode((topic == null && byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
                    continue;
                }
                append(context, partition, partitionData, out, pending);
            }
            response.responses().add(topicResponse);
        }
        if (acks == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((ignored, error) -> response);
    }

    private static void append(RequestContext context, PartitionLog partition, ProduceRequestData.PartitionProduceData data,
                               ProduceResponseData.PartitionProduceResponse out, List<CompletableFuture<Void>> pending) {
        if (!(data.records() instanceof MemoryRecords records)) {
            fail(out, Errors.INVALID_RECORD, "Produce request to " + partition.name() + " holds no records");
            return;
        }
        try {
            AppendResult result = partition.append(records.buffer());
            out.setBaseOffset(result.baseOffset())
                    .setLogAppendTimeMs(result.logAppendTimeMs())
                    .setLogStartOffset(result.logStartOffset());
            pending.add(result.durable().handle((ok, error) -> {
                if (error != null) {
                    out.setBaseOffset(-1).setLogAppendTimeMs(-1);
                    fail(out, Errors.KAFKA_STORAGE_ERROR, error.getMessage());
                }
                return null;
            }));
        } catch (RecordErrorsException e) {
            fail(out, e.error(), e.getMessage());
            for (RecordErrorsException.RecordError recordError : e.recordErrors()) {
                out.recordErrors().add(new ProduceResponseData.BatchIndexAndErrorMessage()
                        .setBatchIndex(recordError.batchIndex()).setBatchIndexErrorMessage(recordError.message()));
            }
        } catch (ApiException e) {
            Errors error = Errors.forException(e);
            if (error == Errors.KAFKA_STORAGE_ERROR) {
                log.error("Produce from {} to {} failed: {}", context.describeClient(), partition.name(), e.getMessage());
            }
            fail(out, error, e.getMessage());
        }
    }

    private static void fail(ProduceResponseData.PartitionProduceResponse out, Errors error, String message) {
        out.setErrorCode(error.code()).setErrorMessage(message).setBaseOffset(-1).setLogStartOffset(-1);
    }
}

package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Topics;
import io.spillway.log.OffsetAndTimestamp;
import io.spillway.log.PartitionLog;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import java.util.concurrent.CompletableFuture;

/**
 * ListOffsets: earliest, latest, max timestamp, or the first offset at or after a timestamp. "Latest" is
 * the high watermark for read_uncommitted and the last stable offset for read_committed (isolation level
 * from v2), as in Kafka.
 */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequestData, ListOffsetsResponseData> {
    static final long LATEST = -1L;
    static final long EARLIEST = -2L;
    static final long MAX_TIMESTAMP = -3L;
    static final long EARLIEST_LOCAL = -4L;
    static final long LATEST_TIERED = -5L;

    private final Topics topics;

    public ListOffsetsHandler(Topics topics) {
        this.topics = topics;
    }

    @Override
    public CompletableFuture<ListOffsetsResponseData> handle(RequestContext context, ListOffsetsRequestData request) {
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        for (ListOffsetsRequestData.ListOffsetsTopic topic : request.topics()) {
            ListOffsetsResponseData.ListOffsetsTopicResponse topicResponse =
                    new ListOffsetsResponseData.ListOffsetsTopicResponse().setName(topic.name());
            boolean refused = !context.may(AclOperation.DESCRIBE, ResourceType.TOPIC, topic.name());
            for (ListOffsetsRequestData.ListOffsetsPartition p : topic.partitions()) {
                if (refused) {
                    topicResponse.partitions().add(new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                            .setPartitionIndex(p.partitionIndex()).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
                    continue;
                }
                topicResponse.partitions().add(answer(topics.partition(topic.name(), p.partitionIndex()), p,
                        context.apiVersion(), context.apiVersion() >= 2 && request.isolationLevel() == 1));
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(response);
    }

    private static ListOffsetsResponseData.ListOffsetsPartitionResponse answer(PartitionLog log,
                                                                              ListOffsetsRequestData.ListOffsetsPartition p,
                                                                              short version, boolean readCommitted) {
        ListOffsetsResponseData.ListOffsetsPartitionResponse out = new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                .setPartitionIndex(p.partitionIndex());
        if (log == null) {
            return out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        if (p.currentLeaderEpoch() > PartitionLog.LEADER_EPOCH) {
            return out.setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
        }
        try {
            OffsetAndTimestamp found = find(log, p.timestamp(), readCommitted);
            out.setOffset(found.offset()).setTimestamp(found.timestampMs());
            if (found.offset() >= 0 && version >= 4) { // leader_epoch exists from v4
                out.setLeaderEpoch(PartitionLog.LEADER_EPOCH);
            }
            return out;
        } catch (ApiException e) {
            return out.setErrorCode(Errors.forException(e).code());
        }
    }

    private static OffsetAndTimestamp find(PartitionLog log, long timestamp, boolean readCommitted) {
        if (timestamp == LATEST) {
            return new OffsetAndTimestamp(readCommitted ? log.lastStableOffset() : log.highWatermark(), -1L);
        }
        if (timestamp == EARLIEST || timestamp == EARLIEST_LOCAL) {
            return new OffsetAndTimestamp(log.logStartOffset(), -1L);
        }
        OffsetAndTimestamp found;
        if (timestamp == MAX_TIMESTAMP) {
            found = log.offsetOfMaxTimestamp();
        } else if (timestamp < 0) {
            // LATEST_TIERED and newer special values: no tiered storage here, so there is no such offset.
            return OffsetAndTimestamp.NONE;
        } else {
            found = log.offsetForTimestamp(timestamp);
        }
        // As Kafka: a read_committed lookup never answers an offset a read_committed consumer cannot fetch yet.
        return readCommitted && found.offset() >= log.lastStableOffset() ? OffsetAndTimestamp.NONE : found;
    }
}

package io.spillway.broker.txn;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * WriteTxnMarkers: writes commit or abort markers into partitions of this broker. Kafka's coordinators send it
 * to partition leaders; here the transaction coordinator writes its markers directly, and this API serves the
 * admin's abort of a hanging transaction ({@code kafka-transactions.sh abort}, Admin#abortTransaction), which
 * writes an abort marker with the producer's current epoch.
 */
public final class WriteTxnMarkersHandler implements ApiHandler<WriteTxnMarkersRequestData, WriteTxnMarkersResponseData> {
    private final PartitionMarkers markers;

    /** Writes one marker into one partition; completes with the partition's error (NONE once durable). */
    @FunctionalInterface
    public interface PartitionMarkers {
        CompletableFuture<Errors> write(TopicPartition partition, long producerId, short producerEpoch,
                                        int coordinatorEpoch, boolean commit);
    }

    public WriteTxnMarkersHandler(PartitionMarkers markers) {
        this.markers = markers;
    }

    @Override
    public CompletableFuture<WriteTxnMarkersResponseData> handle(RequestContext context, WriteTxnMarkersRequestData request) {
        List<CompletableFuture<WriteTxnMarkersResponseData.WritableTxnMarkerResult>> results = new ArrayList<>();
        for (WriteTxnMarkersRequestData.WritableTxnMarker marker : request.markers()) {
            List<CompletableFuture<?>> pending = new ArrayList<>();
            WriteTxnMarkersResponseData.WritableTxnMarkerResult result =
                    new WriteTxnMarkersResponseData.WritableTxnMarkerResult().setProducerId(marker.producerId());
            for (WriteTxnMarkersRequestData.WritableTxnMarkerTopic topic : marker.topics()) {
                WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult topicResult =
                        new WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult().setName(topic.name());
                result.topics().add(topicResult);
                for (int partition : topic.partitionIndexes()) {
                    WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult partitionResult =
                            new WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult().setPartitionIndex(partition);
                    topicResult.partitions().add(partitionResult);
                    pending.add(markers.write(new TopicPartition(topic.name(), partition), marker.producerId(),
                            marker.producerEpoch(), marker.coordinatorEpoch(), marker.transactionResult())
                            .thenAccept(error -> partitionResult.setErrorCode(error.code())));
                }
            }
            results.add(CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(ignored -> result));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData();
            results.forEach(r -> response.markers().add(r.join()));
            return response;
        });
    }
}

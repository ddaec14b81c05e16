package io.spillway.coordinator.txn;

import org.apache.kafka.common.TopicPartition;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Writes the markers that commit or abort a transaction into the partitions it wrote to (its data partitions
 * and the group coordinator's partition for its offsets). Implemented by the broker, which knows the
 * partitions; called by the transaction coordinator on its event thread.
 */
public interface TransactionMarkerWriter {
    /**
     * Appends the marker to every partition (at once, on the calling thread, so markers of one coordinator are
     * written in the order it decides them) and completes once all are durable. A partition that no longer
     * exists, or that a newer epoch of the producer has written to, needs no marker; storage errors are retried
     * until the marker is written, so the future completes only when every partition is decided.
     */
    CompletableFuture<Void> writeMarkers(long producerId, short producerEpoch, int coordinatorEpoch, boolean commit,
                                         Set<TopicPartition> partitions);
}

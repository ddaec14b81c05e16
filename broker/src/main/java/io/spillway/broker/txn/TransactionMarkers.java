package io.spillway.broker.txn;

import io.spillway.broker.Topics;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.coordinator.txn.TransactionMarkerWriter;
import io.spillway.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes transaction markers into this broker's partitions: data partitions directly (a control batch in the
 * partition log), the group coordinator's partition through the group coordinator, so that the transaction's
 * pending offsets take effect in the same step. A partition that was deleted, or whose producer state already
 * has a newer epoch (a newer producer instance wrote there), needs no marker, as in Kafka. A storage error is
 * retried until the marker is written: a transaction stays undecided, and the partition's last stable offset
 * held back, rather than be skipped.
 *
 * <p>Thread safe.
 */
public final class TransactionMarkers implements TransactionMarkerWriter {
    private static final Logger log = LoggerFactory.getLogger(TransactionMarkers.class);

    private final Topics topics;
    private final GroupCoordinator groups;
    private final String groupTopic;
    private final ScheduledExecutorService scheduler;
    private final long retryMs;

    /**
     * @param groupTopic the group coordinator's internal topic ({@code __consumer_offsets})
     */
    public TransactionMarkers(Topics topics, GroupCoordinator groups, String groupTopic, ScheduledExecutorService scheduler,
                              long retryMs) {
        this.topics = topics;
        this.groups = groups;
        this.groupTopic = groupTopic;
        this.scheduler = scheduler;
        this.retryMs = retryMs;
    }

    @Override
    public CompletableFuture<Void> writeMarkers(long producerId, short producerEpoch, int coordinatorEpoch, boolean commit,
                                                Set<TopicPartition> partitions) {
        List<CompletableFuture<Void>> written = new ArrayList<>(partitions.size());
        for (TopicPartition tp : partitions) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            write(tp, producerId, producerEpoch, coordinatorEpoch, commit, done, 0);
            written.add(done);
        }
        return CompletableFuture.allOf(written.toArray(CompletableFuture[]::new));
    }

    private void write(TopicPartition tp, long producerId, short epoch, int coordinatorEpoch, boolean commit,
                       CompletableFuture<Void> done, int attempt) {
        CompletableFuture<Void> durable;
        try {
            durable = append(tp, producerId, epoch, coordinatorEpoch, commit);
        } catch (RuntimeException e) {
            durable = CompletableFuture.failedFuture(e);
        }
        durable.whenComplete((ok, error) -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause == null || cause instanceof UnknownTopicOrPartitionException
                    || cause instanceof InvalidProducerEpochException) {
                if (cause != null) {
                    log.debug("No {} marker needed in {} for producer {}: {}", commit ? "commit" : "abort", tp, producerId,
                            cause.getMessage());
                }
                done.complete(null);
                return;
            }
            if (attempt == 0 || attempt % 60 == 0) {
                log.error("Could not write the {} marker of producer {} (epoch {}) to {}: {}. Its transaction stays "
                        + "undecided there (read_committed consumers wait) and the marker is retried every {} ms; check "
                        + "the disk under the data directory.", commit ? "commit" : "abort", producerId, epoch, tp,
                        cause.getMessage(), retryMs);
            }
            try {
                scheduler.schedule(() -> write(tp, producerId, epoch, coordinatorEpoch, commit, done, attempt + 1),
                        retryMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                done.completeExceptionally(cause);
            }
        });
    }

    /**
     * One marker into one partition, without retries, for WriteTxnMarkers: completes with the partition's
     * error (NONE once the marker is durable).
     */
    public CompletableFuture<Errors> writeOnce(TopicPartition tp, long producerId, short producerEpoch,
                                               int coordinatorEpoch, boolean commit) {
        CompletableFuture<Void> durable;
        try {
            durable = append(tp, producerId, producerEpoch, coordinatorEpoch, commit);
        } catch (RuntimeException e) {
            durable = CompletableFuture.failedFuture(e);
        }
        return durable.handle((ok, error) -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause != null) {
                log.warn("Writing a {} marker for producer {} (epoch {}) to {} on request failed: {}",
                        commit ? "commit" : "abort", producerId, producerEpoch, tp, cause.getMessage());
            }
            return cause == null ? Errors.NONE : Errors.forException(cause);
        });
    }

    private CompletableFuture<Void> append(TopicPartition tp, long producerId, short epoch, int coordinatorEpoch,
                                           boolean commit) {
        if (tp.topic().equals(groupTopic) && tp.partition() == 0) {
            return groups.completeTransaction(producerId, epoch, coordinatorEpoch, commit);
        }
        PartitionLog partition = topics.partitionIncludingFormerName(tp.topic(), tp.partition());
        if (partition == null) {
            throw new UnknownTopicOrPartitionException("Partition " + tp + " no longer exists");
        }
        return partition.appendEndTxnMarker(producerId, epoch, coordinatorEpoch, commit).durable();
    }
}

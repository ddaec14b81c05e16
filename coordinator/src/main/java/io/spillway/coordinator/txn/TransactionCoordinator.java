package io.spillway.coordinator.txn;

import io.spillway.common.Time;
import io.spillway.coordinator.runtime.CoordinatorRuntime;
import io.spillway.coordinator.txn.TransactionCoordinatorShard.EndResult;
import io.spillway.coordinator.txn.TransactionCoordinatorShard.InitResult;
import io.spillway.log.LogStartStore;
import io.spillway.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * The transaction coordinator as the broker's handlers see it: InitProducerId for transactional ids,
 * AddPartitionsToTxn (client and verification forms), AddOffsetsToTxn, EndTxn, the admin views, and the
 * verification that guards every first transactional append to a partition. Each call is one operation of a
 * {@link CoordinatorRuntime} over {@code __transaction_state} against {@link TransactionCoordinatorShard}; its
 * future completes once what it wrote is durable. See docs/transactions.md.
 *
 * <p>Thread safe: every method may be called from any thread and returns without waiting.
 */
public final class TransactionCoordinator {
    private final CoordinatorRuntime<TransactionCoordinatorShard, TransactionRecord> runtime;
    private final TransactionConfig config;
    private final ProducerIdSource producerIds;

    /**
     * @param events the coordinator's event executor: runs one task at a time, in order
     */
    public TransactionCoordinator(PartitionLog statePartition, LogStartStore logStarts, TransactionConfig config,
                                  ProducerIdSource producerIds, TransactionMarkerWriter markers, Executor events,
                                  ScheduledExecutorService scheduler, Time time) {
        this.config = config;
        this.producerIds = producerIds;
        this.runtime = new CoordinatorRuntime<>("transaction coordinator", statePartition, logStarts,
                new TransactionRecordSerde(),
                context -> new TransactionCoordinatorShard(context, config, producerIds, markers),
                events, scheduler, time);
    }

    public CompletableFuture<Void> load() {
        return runtime.load();
    }

    public CompletableFuture<Void> unload() {
        return runtime.unload();
    }

    public TransactionConfig config() {
        return config;
    }

    /** The result of InitProducerId: an error, or the producer id and epoch to use. */
    public record ProducerIdAndEpoch(Errors error, long producerId, short producerEpoch) {
    }

    /**
     * InitProducerId with Kafka's checks: no transactional id → a fresh idempotent producer id; an empty one →
     * INVALID_REQUEST; 2PC (KIP-939) while disabled → TRANSACTIONAL_ID_AUTHORIZATION_FAILED, keepPreparedTxn →
     * UNSUPPORTED_VERSION; a timeout above transaction.max.timeout.ms → INVALID_TRANSACTION_TIMEOUT.
     *
     * @param expectedProducerId the producer id the client had (v3+, KIP-360), or -1
     */
    public CompletableFuture<ProducerIdAndEpoch> initProducerId(String transactionalId, int timeoutMs, boolean enable2Pc,
                                                                boolean keepPreparedTxn, long expectedProducerId,
                                                                short expectedEpoch) {
        if (transactionalId == null) {
            return CompletableFuture.completedFuture(new ProducerIdAndEpoch(Errors.NONE, producerIds.nextProducerId(),
                    (short) 0));
        }
        Errors invalid = transactionalId.isEmpty() ? Errors.INVALID_REQUEST
                : enable2Pc && !config.twoPhaseCommitEnabled() ? Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
                : keepPreparedTxn ? Errors.UNSUPPORTED_VERSION
                : timeoutMs <= 0 || timeoutMs > config.maxTimeoutMs() ? Errors.INVALID_TRANSACTION_TIMEOUT
                : Errors.NONE;
        if (invalid != Errors.NONE) {
            return CompletableFuture.completedFuture(new ProducerIdAndEpoch(invalid, -1, (short) -1));
        }
        return runtime.write("init-producer-id", (shard, changes) -> {
            InitResult r = shard.initProducerId(changes, transactionalId, timeoutMs, expectedProducerId, expectedEpoch);
            return new ProducerIdAndEpoch(r.error(), r.producerId(), r.producerEpoch());
        });
    }

    /**
     * The partitions join the producer's transaction (AddPartitionsToTxn v0-3, AddOffsetsToTxn, and the v4+
     * form without verify_only).
     *
     * @param clientTransactionVersion 2 for an implicit add of transactions version 2, else 0
     */
    public CompletableFuture<Errors> addPartitions(String transactionalId, long producerId, short producerEpoch,
                                                   Set<TopicPartition> partitions, int clientTransactionVersion) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.INVALID_REQUEST);
        }
        return runtime.write("add-partitions-to-txn", (shard, changes) -> shard.addPartitions(changes, transactionalId,
                producerId, producerEpoch, partitions, clientTransactionVersion));
    }

    /** AddPartitionsToTxn v4+ with verify_only: per partition NONE, TRANSACTION_ABORTABLE or the producer's error. */
    public CompletableFuture<Map<TopicPartition, Errors>> verifyPartitions(String transactionalId, long producerId,
                                                                           short producerEpoch,
                                                                           Set<TopicPartition> partitions) {
        return runtime.read("verify-partitions", shard -> shard.verify(transactionalId, producerId, producerEpoch,
                partitions));
    }

    /**
     * Guards the first transactional write of a producer's transaction to a partition (KIP-890): the partition is
     * added to the transaction ({@code addImplicitly}, transactions version 2) or must already be in it; then
     * {@code write} runs on the coordinator's thread, so that no marker of this transaction can be written to
     * the partition before the write is. Fails with the coordinator's error (INVALID_PRODUCER_ID_MAPPING,
     * PRODUCER_FENCED, CONCURRENT_TRANSACTIONS, TRANSACTION_ABORTABLE, ...) as an ApiException when not.
     */
    public <T> CompletableFuture<T> whenInTransaction(String transactionalId, long producerId, short producerEpoch,
                                                      TopicPartition partition, boolean addImplicitly,
                                                      Supplier<CompletableFuture<T>> write) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.failedFuture(Errors.INVALID_TXN_STATE.exception(
                    "A transactional write must name its transactional id"));
        }
        return runtime.write("verify-transactional-write", (shard, changes) -> {
            Errors error = addImplicitly
                    ? shard.addPartitions(changes, transactionalId, producerId, producerEpoch, Set.of(partition), 2)
                    : shard.verify(transactionalId, producerId, producerEpoch, Set.of(partition)).get(partition);
            if (error != Errors.NONE) {
                throw error.exception();
            }
            CompletableFuture<T> written = new CompletableFuture<>();
            changes.afterDurable(() -> {
                try {
                    write.get().whenComplete((value, failure) -> {
                        if (failure != null) {
                            written.completeExceptionally(failure);
                        } else {
                            written.complete(value);
                        }
                    });
                } catch (RuntimeException e) {
                    written.completeExceptionally(e);
                }
            });
            return written;
        }).thenCompose(written -> written);
    }

    /** The result of EndTxn: an error, or (v5+) the producer id and epoch for the next transaction. */
    public CompletableFuture<ProducerIdAndEpoch> endTransaction(String transactionalId, long producerId,
                                                                short producerEpoch, boolean commit,
                                                                int clientTransactionVersion) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(new ProducerIdAndEpoch(Errors.INVALID_REQUEST, -1, (short) -1));
        }
        return runtime.write("end-txn", (shard, changes) -> {
            EndResult r = shard.endTransaction(changes, transactionalId, producerId, producerEpoch, commit,
                    clientTransactionVersion);
            return new ProducerIdAndEpoch(r.error(), r.producerId(), r.producerEpoch());
        });
    }

    public CompletableFuture<List<DescribeTransactionsResponseData.TransactionState>> describeTransactions(
            List<String> transactionalIds) {
        return runtime.read("describe-transactions", shard -> {
            List<DescribeTransactionsResponseData.TransactionState> out = new ArrayList<>();
            transactionalIds.forEach(id -> out.add(shard.describe(id)));
            return out;
        });
    }

    public CompletableFuture<ListTransactionsResponseData> listTransactions(ListTransactionsRequestData request) {
        return runtime.read("list-transactions", shard -> shard.list(request));
    }

    /** The metadata of a transactional id, or null (tests and tools). */
    public CompletableFuture<TransactionMetadata> inspect(String transactionalId) {
        return runtime.read("inspect", shard -> shard.transaction(transactionalId));
    }

    public PartitionLog partition() {
        return runtime.partition();
    }
}

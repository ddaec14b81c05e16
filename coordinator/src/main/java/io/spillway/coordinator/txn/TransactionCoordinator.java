package io.spillway.coordinator.txn;

import io.spillway.common.Time;
import io.spillway.coordinator.runtime.Changes;
import io.spillway.coordinator.runtime.CoordinatorRuntime;
import io.spillway.coordinator.txn.TransactionCoordinatorShard.EndResult;
import io.spillway.coordinator.txn.TransactionCoordinatorShard.InitResult;
import io.spillway.log.LogStartStore;
import io.spillway.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
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
import java.util.function.BiFunction;
import java.util.function.Consumer;
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
    /** How many times one request waits for a transaction to be decided before it answers CONCURRENT_TRANSACTIONS. */
    private static final int MAX_WAITS = 3;

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
        return afterDecision("init-producer-id", transactionalId, (shard, changes) -> {
            InitResult r = shard.initProducerId(changes, transactionalId, timeoutMs, expectedProducerId, expectedEpoch);
            return new Attempt<>(new ProducerIdAndEpoch(r.error(), r.producerId(), r.producerEpoch()),
                    r.error() == Errors.CONCURRENT_TRANSACTIONS);
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
        return afterDecision("add-partitions-to-txn", transactionalId, (shard, changes) -> {
            Errors error = shard.addPartitions(changes, transactionalId, producerId, producerEpoch, partitions,
                    clientTransactionVersion);
            return new Attempt<>(error, error == Errors.CONCURRENT_TRANSACTIONS);
        });
    }

    /** AddPartitionsToTxn v4+ with verify_only: per partition NONE, TRANSACTION_ABORTABLE or the producer's error. */
    public CompletableFuture<Map<TopicPartition, Errors>> verifyPartitions(String transactionalId, long producerId,
                                                                           short producerEpoch,
                                                                           Set<TopicPartition> partitions) {
        return runtime.read("verify-partitions", shard -> shard.verify(transactionalId, producerId, producerEpoch,
                partitions));
    }

    /**
     * Guards the first transactional writes of a producer's transaction to partitions (KIP-890): the partitions are
     * added to the transaction ({@code addImplicitly}, transactions version 2) or must already be in it; then
     * {@code write} runs on the coordinator's thread, so that no marker of this transaction can be written to
     * them before the write is. While the producer's previous transaction is still writing its markers, the
     * check waits for them. Fails with the coordinator's error (INVALID_PRODUCER_ID_MAPPING,
     * PRODUCER_FENCED, CONCURRENT_TRANSACTIONS, TRANSACTION_ABORTABLE, ...) as an ApiException when not.
     */
    public <T> CompletableFuture<T> whenInTransaction(String transactionalId, long producerId, short producerEpoch,
                                                      Set<TopicPartition> partitions, boolean addImplicitly,
                                                      Supplier<CompletableFuture<T>> write) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.failedFuture(Errors.INVALID_TXN_STATE.exception(
                    "A transactional write must name its transactional id"));
        }
        CompletableFuture<T> written = new CompletableFuture<>();
        return runtime.write("verify-transactional-write", (shard, changes) -> {
            tryOnce(shard, changes, transactionalId, (sh, c) -> {
                Errors error = addImplicitly
                        ? sh.addPartitions(c, transactionalId, producerId, producerEpoch, partitions, 2)
                        : worst(sh.verify(transactionalId, producerId, producerEpoch, partitions));
                return new Attempt<>(error, error == Errors.CONCURRENT_TRANSACTIONS);
            }, error -> {
                if (error != Errors.NONE) {
                    written.completeExceptionally(error.exception());
                    return;
                }
                // on the coordinator's thread, after the partitions were added: before any marker of the transaction
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
            }, written, MAX_WAITS);
            return written;
        }).thenCompose(w -> w);
    }

    /** The error to answer for several partitions: the first that is not NONE. */
    private static Errors worst(Map<TopicPartition, Errors> errors) {
        return errors.values().stream().filter(e -> e != Errors.NONE).findFirst().orElse(Errors.NONE);
    }

    /** One try of an operation: its answer, and whether it found the transactional id deciding a transaction. */
    private record Attempt<T>(T value, boolean deciding) {
    }

    /** An operation that, while the transactional id writes its markers, waits for them instead of failing. */
    private <T> CompletableFuture<T> afterDecision(String name, String transactionalId,
            BiFunction<TransactionCoordinatorShard, Changes<TransactionRecord>, Attempt<T>> attempt) {
        CompletableFuture<T> result = new CompletableFuture<>();
        return runtime.write(name, (shard, changes) -> {
            tryOnce(shard, changes, transactionalId, attempt, result::complete, result, MAX_WAITS);
            return result;
        }).thenCompose(r -> r);
    }

    /**
     * Runs {@code attempt}; when it found the transactional id writing the markers of its previous transaction
     * (the answer would be CONCURRENT_TRANSACTIONS, and the client would back off for up to a second), it runs
     * again in the operation that completes that transaction, at most {@code waitsLeft} times. {@code finish} gets the
     * final answer once what the last attempt wrote is durable, on the coordinator's thread.
     */
    private <T> void tryOnce(TransactionCoordinatorShard shard, Changes<TransactionRecord> changes, String transactionalId,
                             BiFunction<TransactionCoordinatorShard, Changes<TransactionRecord>, Attempt<T>> attempt,
                             Consumer<T> finish, CompletableFuture<?> answer, int waitsLeft) {
        Attempt<T> a;
        try {
            a = attempt.apply(shard, changes);
        } catch (RuntimeException e) {
            answer.completeExceptionally(e);
            return;
        }
        if (a.deciding() && waitsLeft > 0 && shard.isDeciding(transactionalId)) {
            shard.whenDecided(transactionalId, new TransactionCoordinatorShard.Waiter(
                    c -> tryOnce(shard, c, transactionalId, attempt, finish, answer, waitsLeft - 1),
                    () -> answer.completeExceptionally(new CoordinatorNotAvailableException(
                            "The transaction coordinator stopped while the request waited; retry"))));
            return;
        }
        changes.afterDurable(() -> finish.accept(a.value()));
    }

    /** The result of EndTxn: an error, or (v5+) the producer id and epoch for the next transaction. */
    public CompletableFuture<ProducerIdAndEpoch> endTransaction(String transactionalId, long producerId,
                                                                short producerEpoch, boolean commit,
                                                                int clientTransactionVersion) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(new ProducerIdAndEpoch(Errors.INVALID_REQUEST, -1, (short) -1));
        }
        return afterDecision("end-txn", transactionalId, (shard, changes) -> {
            EndResult r = shard.endTransaction(changes, transactionalId, producerId, producerEpoch, commit,
                    clientTransactionVersion);
            return new Attempt<>(new ProducerIdAndEpoch(r.error(), r.producerId(), r.producerEpoch()),
                    r.error() == Errors.CONCURRENT_TRANSACTIONS);
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

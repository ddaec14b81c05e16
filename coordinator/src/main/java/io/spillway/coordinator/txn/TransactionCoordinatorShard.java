package io.spillway.coordinator.txn;

import io.spillway.common.Time;
import io.spillway.coordinator.runtime.Changes;
import io.spillway.coordinator.runtime.CoordinatorContext;
import io.spillway.coordinator.runtime.CoordinatorShard;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The transaction coordinator's state and operations over {@code __transaction_state}, with Kafka's rules:
 * producer ids and epochs per transactional id (InitProducerId, fencing, KIP-360 recovery, producer id
 * rotation), the partitions of each transaction, EndTxn with transactions versions 1 and 2, timeouts, expiry
 * of idle transactional ids, and the admin views. State changes only in {@link #replay}.
 *
 * <p>Deciding a transaction is two-phase, as in Kafka, but resumable: the PREPARE_COMMIT / PREPARE_ABORT record
 * is written first; once it is durable the markers go to every partition of the transaction, and once all of
 * them are durable the COMPLETE_ record follows. After a restart, every transaction still in a PREPARE_ state
 * writes its markers again before anything else happens to it, and until a partition has its marker the
 * partition's last stable offset stays before the transaction's first record there, so no read_committed
 * reader ever passes an undecided transaction.
 *
 * <p>Not thread safe: owned by the transaction coordinator runtime's event thread. Markers are written on it
 * too, which orders them after every data append this coordinator verified before.
 */
final class TransactionCoordinatorShard implements CoordinatorShard<TransactionRecord> {
    private static final Logger log = LoggerFactory.getLogger(TransactionCoordinatorShard.class);
    /** Single node: the coordinator epoch of every marker. */
    static final int COORDINATOR_EPOCH = 0;

    private final Map<String, TransactionMetadata> transactions = new HashMap<>();
    /** Requests waiting for a transactional id's markers; they run again in the operation that completes it. */
    private final Map<String, List<Waiter>> waitingForCompletion = new HashMap<>();
    /**
     * EndTxn(commit) requests answered CONCURRENT_TRANSACTIONS because they came before their records, by
     * transactional id: bookkeeping of requests, not state (it is not replayed; a restart starts it afresh).
     */
    private final Map<String, EarlyCommit> earlyCommits = new HashMap<>();
    /** How long a producer may keep asking to commit before its records come, before it gets Kafka's answer. */
    static final long EARLY_COMMIT_TOLERANCE_MS = 10_000;
    private final CoordinatorContext<TransactionRecord> context;
    private final Time time;
    private final TransactionConfig config;
    private final ProducerIdSource producerIds;
    private final TransactionMarkerWriter markers;

    TransactionCoordinatorShard(CoordinatorContext<TransactionRecord> context, TransactionConfig config,
                                ProducerIdSource producerIds, TransactionMarkerWriter markers) {
        this.context = context;
        this.time = context.time();
        this.config = config;
        this.producerIds = producerIds;
        this.markers = markers;
    }

    // ---------------------------------------------------------------- replay and lifecycle

    @Override
    public void replay(TransactionRecord record, long producerId, short producerEpoch) {
        if (record.metadata() == null) {
            transactions.remove(record.transactionalId());
        } else {
            transactions.put(record.transactionalId(), record.metadata());
        }
    }

    @Override
    public void onLoaded() {
        int resumed = 0;
        for (TransactionMetadata m : transactions.values()) {
            if (m.state().isPreparing()) {
                log.info("Resuming {} of transactional id {} (producer {} epoch {}): writing its markers to {} partitions",
                        m.state().kafkaName(), m.transactionalId(), m.producerId(), m.producerEpoch(), m.partitions().size());
                sendMarkers(m);
                resumed++;
            } else if (m.state() == TransactionState.ONGOING) {
                scheduleTimeout(m);
            }
        }
        scheduleExpiry();
        log.info("Transaction coordinator serves {} transactional ids ({} transactions resumed to finish their markers)",
                transactions.size(), resumed);
    }

    @Override
    public void onUnloaded() {
        waitingForCompletion.values().forEach(waiters -> waiters.forEach(w -> w.abandon().run()));
        waitingForCompletion.clear();
    }

    /**
     * Whether an EndTxn(commit) of transactions version 2 came before the first record of its transaction: the
     * epoch is the producer's current one, yet no transaction of that epoch is ongoing (the previous one may still
     * be writing its markers). The Java producer can send it so: its sender looks for unsent batches before it
     * takes the EndTxn from its queue, and batches appended in between follow the EndTxn on the wire. Kafka
     * answers PRODUCER_FENCED or INVALID_TXN_STATE, both fatal to the producer. Spillway answers
     * CONCURRENT_TRANSACTIONS: the producer retries the EndTxn, and holds the retry back until its batches are
     * answered. (Committing as soon as the first of them arrived could leave later batches out of the
     * transaction.) A producer that keeps committing without records gets Kafka's answer after
     * {@link #EARLY_COMMIT_TOLERANCE_MS}.
     */
    private boolean isCommitBeforeItsRecords(TransactionMetadata m, long producerId, short epoch, boolean commit) {
        if (!commit || m.producerId() != producerId || m.producerEpoch() != epoch
                || !(m.state().isIdle() || m.state().isPreparing())) {
            return false;
        }
        long nowMs = time.nowMs();
        EarlyCommit early = earlyCommits.get(m.transactionalId());
        if (early == null || early.producerId() != producerId || early.epoch() != epoch) {
            earlyCommits.put(m.transactionalId(), new EarlyCommit(producerId, epoch, nowMs));
            return true;
        }
        if (nowMs - early.firstMs() < EARLY_COMMIT_TOLERANCE_MS) {
            return true;
        }
        earlyCommits.remove(m.transactionalId());
        log.warn("Transactional id {} (producer {} epoch {}) asked to commit for {} ms without sending any record of "
                + "its transaction; answering as Kafka does", m.transactionalId(), producerId, epoch, nowMs - early.firstMs());
        return false;
    }

    /** The first EndTxn(commit) of a producer epoch that came before its records. */
    private record EarlyCommit(long producerId, short epoch, long firstMs) {
    }

    /**
     * A request that found the transactional id deciding its previous transaction (markers being written):
     * instead of answering CONCURRENT_TRANSACTIONS, after which the client would back off and retry, it runs
     * again as part of the operation that completes the transaction.
     *
     * @param retry runs the request again with the completing operation's changes
     * @param abandon answers the request when the coordinator goes away first
     */
    record Waiter(Consumer<Changes<TransactionRecord>> retry, Runnable abandon) {
    }

    /** Whether the transactional id is writing the markers of a decided transaction. */
    boolean isDeciding(String transactionalId) {
        TransactionMetadata m = transactions.get(transactionalId);
        return m != null && m.state().isPreparing();
    }

    void whenDecided(String transactionalId, Waiter waiter) {
        waitingForCompletion.computeIfAbsent(transactionalId, id -> new ArrayList<>()).add(waiter);
    }

    private void runWaiters(Changes<TransactionRecord> changes, String transactionalId) {
        if (isDeciding(transactionalId)) {
            return;
        }
        List<Waiter> waiters = waitingForCompletion.remove(transactionalId);
        if (waiters != null) {
            waiters.forEach(w -> w.retry().accept(changes));
        }
    }

    @Override
    public List<TransactionRecord> snapshot() {
        List<TransactionRecord> live = new ArrayList<>();
        transactions.forEach((id, m) -> live.add(new TransactionRecord(id, m)));
        return live;
    }

    TransactionMetadata transaction(String transactionalId) {
        return transactions.get(transactionalId);
    }

    // ---------------------------------------------------------------- InitProducerId

    /** What InitProducerId answers. */
    record InitResult(Errors error, long producerId, short producerEpoch) {
        static InitResult failed(Errors error) {
            return new InitResult(error, -1, (short) -1);
        }
    }

    /**
     * InitProducerId for a transactional id (its request was validated): a new epoch, a rotated producer id, or,
     * while a transaction is ongoing, the abort of that transaction (the answer is then CONCURRENT_TRANSACTIONS and
     * the producer retries).
     *
     * @param expectedProducerId with {@code expectedEpoch}: what the producer had (KIP-360), or -1
     */
    InitResult initProducerId(Changes<TransactionRecord> changes, String transactionalId, int timeoutMs,
                              long expectedProducerId, short expectedEpoch) {
        long nowMs = time.nowMs();
        TransactionMetadata m = transactions.get(transactionalId);
        boolean expected = expectedProducerId >= 0;
        if (m == null) {
            m = TransactionMetadata.create(transactionalId, producerIds.nextProducerId(), timeoutMs, nowMs);
        }
        if (expected && !(m.producerEpoch() == TransactionMetadata.NO_EPOCH || expectedProducerId == m.producerId()
                || (expectedProducerId == m.prevProducerId() && expectedEpoch >= TransactionMetadata.MAX_USABLE_EPOCH))) {
            return InitResult.failed(Errors.PRODUCER_FENCED);
        }
        switch (m.state()) {
            case PREPARE_COMMIT, PREPARE_ABORT:
                return InitResult.failed(Errors.CONCURRENT_TRANSACTIONS);
            case ONGOING:
                log.info("InitProducerId for transactional id {} fences producer {} epoch {} and aborts its ongoing "
                        + "transaction", transactionalId, m.producerId(), m.producerEpoch());
                startAbort(changes, m, nowMs);
                return InitResult.failed(Errors.CONCURRENT_TRANSACTIONS);
            case EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT: {
                TransactionMetadata next;
                if (m.isEpochExhausted() && (!expected || expectedEpoch == m.producerEpoch())) {
                    next = m.rotateProducerId(producerIds.nextProducerId(), timeoutMs, expected, nowMs);
                } else {
                    next = m.incrementEpoch(timeoutMs, expected ? expectedEpoch : null, nowMs);
                }
                changes.add(new TransactionRecord(transactionalId, next));
                log.info("Initialized transactional id {} with producer id {} and epoch {}", transactionalId,
                        next.producerId(), next.producerEpoch());
                return new InitResult(Errors.NONE, next.producerId(), next.producerEpoch());
            }
            default:
                throw new IllegalStateException("Transactional id " + transactionalId + " is in state " + m.state());
        }
    }

    // ---------------------------------------------------------------- partitions

    /**
     * AddPartitionsToTxn (and AddOffsetsToTxn, and the implicit add of transactions version 2): the partitions
     * join the producer's transaction, which begins if none is ongoing.
     */
    Errors addPartitions(Changes<TransactionRecord> changes, String transactionalId, long producerId, short epoch,
                         Set<TopicPartition> partitions, int clientTransactionVersion) {
        TransactionMetadata m = transactions.get(transactionalId);
        Errors error = checkProducer(m, producerId, epoch);
        if (error != Errors.NONE) {
            return error;
        }
        if (m.state().isPreparing()) {
            return Errors.CONCURRENT_TRANSACTIONS;
        }
        if (m.state() == TransactionState.ONGOING && m.partitions().containsAll(partitions)) {
            return Errors.NONE;
        }
        boolean starts = m.state().isIdle();
        TransactionMetadata next = m.addPartitions(partitions, clientTransactionVersion, time.nowMs());
        changes.add(new TransactionRecord(transactionalId, next));
        if (starts) {
            scheduleTimeout(next);
            earlyCommits.remove(transactionalId);
        }
        return Errors.NONE;
    }

    /**
     * Server-side verification (KIP-890): whether each partition is in the producer's ongoing transaction, so a
     * transactional batch is only appended where a marker will later be written. TRANSACTION_ABORTABLE for a
     * partition that is not.
     */
    Map<TopicPartition, Errors> verify(String transactionalId, long producerId, short epoch,
                                       Set<TopicPartition> partitions) {
        TransactionMetadata m = transactions.get(transactionalId);
        Errors error = checkProducer(m, producerId, epoch);
        if (error == Errors.NONE && m.state().isPreparing()) {
            error = Errors.CONCURRENT_TRANSACTIONS;
        }
        Map<TopicPartition, Errors> out = new HashMap<>();
        for (TopicPartition tp : partitions) {
            out.put(tp, error != Errors.NONE ? error
                    : m.partitions().contains(tp) && m.state() == TransactionState.ONGOING ? Errors.NONE
                    : Errors.TRANSACTION_ABORTABLE);
        }
        return out;
    }

    private static Errors checkProducer(TransactionMetadata m, long producerId, short epoch) {
        if (m == null || m.producerId() != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (m.producerEpoch() != epoch) {
            return Errors.PRODUCER_FENCED;
        }
        return Errors.NONE;
    }

    // ---------------------------------------------------------------- EndTxn

    /** What EndTxn answers: with transactions version 2, the producer id and (bumped) epoch to go on with. */
    record EndResult(Errors error, long producerId, short producerEpoch) {
        static EndResult failed(Errors error) {
            return new EndResult(error, -1, (short) -1);
        }
    }

    /** EndTxn from a client, with Kafka's checks for transactions versions 1 and 2 (retries included). */
    EndResult endTransaction(Changes<TransactionRecord> changes, String transactionalId, long producerId, short epoch,
                             boolean commit, int clientTransactionVersion) {
        TransactionMetadata m = transactions.get(transactionalId);
        if (m == null) {
            return EndResult.failed(Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        return clientTransactionVersion >= 2
                ? endTransactionV2(changes, m, producerId, epoch, commit)
                : endTransactionV1(changes, m, producerId, epoch, commit);
    }

    private EndResult endTransactionV1(Changes<TransactionRecord> changes, TransactionMetadata m, long producerId,
                                       short epoch, boolean commit) {
        if (m.producerId() != producerId) {
            return EndResult.failed(Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        if (epoch != m.producerEpoch()) {
            return EndResult.failed(Errors.PRODUCER_FENCED);
        }
        switch (m.state()) {
            case ONGOING:
                return prepare(changes, m, commit, 0, false);
            case COMPLETE_COMMIT:
                return commit ? new EndResult(Errors.NONE, m.producerId(), m.producerEpoch()) : invalidState(m, commit);
            case COMPLETE_ABORT:
                return !commit ? new EndResult(Errors.NONE, m.producerId(), m.producerEpoch()) : invalidState(m, commit);
            case PREPARE_COMMIT:
                return commit ? EndResult.failed(Errors.CONCURRENT_TRANSACTIONS) : invalidState(m, commit);
            case PREPARE_ABORT:
                return !commit ? EndResult.failed(Errors.CONCURRENT_TRANSACTIONS) : invalidState(m, commit);
            default:
                return invalidState(m, commit);
        }
    }

    private EndResult endTransactionV2(Changes<TransactionRecord> changes, TransactionMetadata m, long producerId,
                                       short epoch, boolean commit) {
        boolean retryOnEpochBump = m.producerEpoch() == epoch + 1;
        boolean retryOnOverflow = m.prevProducerId() == producerId && epoch == TransactionMetadata.MAX_USABLE_EPOCH
                && m.producerEpoch() == 0;
        boolean validEpoch = switch (m.state()) {
            case PREPARE_COMMIT, PREPARE_ABORT -> retryOnEpochBump;
            case COMPLETE_COMMIT, COMPLETE_ABORT -> retryOnEpochBump || retryOnOverflow || epoch == m.producerEpoch();
            default -> epoch == m.producerEpoch();
        };
        boolean retry = retryOnEpochBump || retryOnOverflow;
        if (isCommitBeforeItsRecords(m, producerId, epoch, commit)) {
            return EndResult.failed(Errors.CONCURRENT_TRANSACTIONS);
        }
        if (m.producerId() != producerId && !retryOnOverflow) {
            return EndResult.failed(Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        if (!validEpoch) {
            return EndResult.failed(Errors.PRODUCER_FENCED);
        }
        switch (m.state()) {
            case ONGOING:
                return prepare(changes, m, commit, 2, false);
            case COMPLETE_COMMIT:
                if (commit) {
                    return retry ? new EndResult(Errors.NONE, m.producerId(), m.producerEpoch()) : invalidState(m, commit);
                }
                return retry ? invalidState(m, commit) : prepare(changes, m, false, 2, true);
            case COMPLETE_ABORT:
                if (commit) {
                    return invalidState(m, commit);
                }
                return retry ? new EndResult(Errors.NONE, m.producerId(), m.producerEpoch())
                        : prepare(changes, m, false, 2, true);
            case PREPARE_COMMIT:
                return commit ? EndResult.failed(Errors.CONCURRENT_TRANSACTIONS) : invalidState(m, commit);
            case PREPARE_ABORT:
                return !commit ? EndResult.failed(Errors.CONCURRENT_TRANSACTIONS) : invalidState(m, commit);
            case EMPTY:
                // A version 2 producer may abort before anything reached the coordinator: bump the epoch, no markers.
                return commit ? invalidState(m, commit) : prepare(changes, m, false, 2, true);
            default:
                return invalidState(m, commit);
        }
    }

    private static EndResult invalidState(TransactionMetadata m, boolean commit) {
        log.debug("Transactional id {} is in state {}; EndTxn({}) is refused", m.transactionalId(), m.state(),
                commit ? "commit" : "abort");
        return EndResult.failed(Errors.INVALID_TXN_STATE);
    }

    /** Writes PREPARE_COMMIT/PREPARE_ABORT; once durable, the markers go out. */
    private EndResult prepare(Changes<TransactionRecord> changes, TransactionMetadata m, boolean commit,
                              int clientTransactionVersion, boolean noPartitionAdded) {
        long nextProducerId = clientTransactionVersion >= 2 && m.isEpochExhausted() ? producerIds.nextProducerId() : -1;
        TransactionMetadata prepared = m.prepareEnd(commit, clientTransactionVersion, nextProducerId, noPartitionAdded,
                time.nowMs());
        changes.add(new TransactionRecord(m.transactionalId(), prepared));
        context.timer().cancel(timeoutKey(m.transactionalId()));
        changes.afterDurable(() -> sendMarkers(prepared));
        return new EndResult(Errors.NONE, prepared.producerId(), prepared.producerEpoch());
    }

    /** The coordinator aborts an ongoing transaction (timeout, or a new producer instance), fencing its producer. */
    private void startAbort(Changes<TransactionRecord> changes, TransactionMetadata m, long nowMs) {
        // As Kafka: a fence bumps the epoch once, whatever transactions version the producer used.
        long nextProducerId = m.isEpochExhausted() ? producerIds.nextProducerId() : -1;
        TransactionMetadata prepared = m.prepareEnd(false, 2, nextProducerId, false, nowMs);
        changes.add(new TransactionRecord(m.transactionalId(), prepared));
        context.timer().cancel(timeoutKey(m.transactionalId()));
        changes.afterDurable(() -> sendMarkers(prepared));
    }

    /** Writes the markers of a prepared transaction, then (as an operation of its own) its COMPLETE_ record. */
    private void sendMarkers(TransactionMetadata prepared) {
        boolean commit = prepared.state() == TransactionState.PREPARE_COMMIT;
        String id = prepared.transactionalId();
        markers.writeMarkers(prepared.producerId(), prepared.markerEpoch(), COORDINATOR_EPOCH, commit, prepared.partitions())
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        log.error("Writing the {} markers of transactional id {} failed: {}", commit ? "commit" : "abort",
                                id, error.getMessage());
                        return;
                    }
                    context.submit("complete transaction " + id, changes -> complete(changes, prepared));
                });
    }

    private void complete(Changes<TransactionRecord> changes, TransactionMetadata prepared) {
        TransactionMetadata m = transactions.get(prepared.transactionalId());
        if (m == null || !m.state().isPreparing() || m.producerId() != prepared.producerId()
                || m.producerEpoch() != prepared.producerEpoch()) {
            runWaiters(changes, prepared.transactionalId());
            return; // already completed (markers of a replaced shard) or changed since
        }
        TransactionMetadata completed = m.complete(time.nowMs());
        changes.add(new TransactionRecord(m.transactionalId(), completed));
        runWaiters(changes, m.transactionalId());
        log.debug("Transactional id {} completed {} (producer {} epoch {})", m.transactionalId(),
                completed.state().kafkaName(), completed.producerId(), completed.producerEpoch());
    }

    // ---------------------------------------------------------------- timers: timeouts and expiry

    private static String timeoutKey(String transactionalId) {
        return "timeout/" + transactionalId;
    }

    private void scheduleTimeout(TransactionMetadata m) {
        String id = m.transactionalId();
        long delayMs = Math.max(0, m.txnStartMs() + m.timeoutMs() - time.nowMs());
        context.timer().schedule(timeoutKey(id), delayMs, changes -> {
            TransactionMetadata current = transactions.get(id);
            if (current == null || current.state() != TransactionState.ONGOING || current.producerId() != m.producerId()
                    || current.producerEpoch() != m.producerEpoch()) {
                return;
            }
            long openMs = time.nowMs() - current.txnStartMs();
            if (openMs < current.timeoutMs()) {
                scheduleTimeout(current);
                return;
            }
            log.info("Aborting the transaction of transactional id {} (producer {} epoch {}): it has been open for {} ms, "
                    + "longer than its timeout of {} ms. The producer is fenced.", id, current.producerId(),
                    current.producerEpoch(), openMs, current.timeoutMs());
            startAbort(changes, current, time.nowMs());
        });
    }

    private void scheduleExpiry() {
        context.timer().schedule("expire-transactional-ids", config.idExpirationCheckMs(), changes -> {
            long nowMs = time.nowMs();
            List<String> expired = new ArrayList<>();
            transactions.forEach((id, m) -> {
                if (m.state().isIdle() && nowMs - m.lastUpdateMs() >= config.idExpirationMs()) {
                    expired.add(id);
                }
            });
            for (String id : expired) {
                changes.add(new TransactionRecord(id, null));
            }
            if (!expired.isEmpty()) {
                log.info("Expired {} transactional ids idle for more than {} ms", expired.size(), config.idExpirationMs());
            }
            scheduleExpiry();
        });
    }

    // ---------------------------------------------------------------- admin

    DescribeTransactionsResponseData.TransactionState describe(String transactionalId) {
        DescribeTransactionsResponseData.TransactionState out = new DescribeTransactionsResponseData.TransactionState()
                .setTransactionalId(transactionalId);
        if (transactionalId == null || transactionalId.isEmpty()) {
            return out.setErrorCode(Errors.INVALID_REQUEST.code());
        }
        TransactionMetadata m = transactions.get(transactionalId);
        if (m == null) {
            return out.setErrorCode(Errors.TRANSACTIONAL_ID_NOT_FOUND.code());
        }
        Map<String, DescribeTransactionsResponseData.TopicData> topics = new HashMap<>();
        for (TopicPartition tp : m.partitions()) {
            topics.computeIfAbsent(tp.topic(), t -> {
                DescribeTransactionsResponseData.TopicData data = new DescribeTransactionsResponseData.TopicData().setTopic(t);
                out.topics().add(data);
                return data;
            }).partitions().add(tp.partition());
        }
        return out.setErrorCode(Errors.NONE.code()).setProducerId(m.producerId()).setProducerEpoch(m.producerEpoch())
                .setTransactionState(m.state().kafkaName()).setTransactionTimeoutMs(m.timeoutMs())
                .setTransactionStartTimeMs(m.txnStartMs());
    }

    /**
     * ListTransactions with Kafka's filters: producer ids, state names (unknown names are reported back),
     * transactions open longer than a duration (v1+), transactional ids matching a regular expression (v2+).
     *
     * @throws ApiException INVALID_REQUEST for a pattern that does not compile
     */
    ListTransactionsResponseData list(ListTransactionsRequestData request) {
        ListTransactionsResponseData out = new ListTransactionsResponseData();
        Set<TransactionState> states = new HashSet<>();
        for (String name : request.stateFilters()) {
            TransactionState s = TransactionState.fromKafkaName(name);
            if (s == null) {
                out.unknownStateFilters().add(name);
            } else {
                states.add(s);
            }
        }
        Pattern pattern = null;
        String regex = request.transactionalIdPattern();
        if (regex != null && !regex.isEmpty()) {
            try {
                pattern = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw Errors.INVALID_REQUEST.exception("Transactional id pattern `" + regex + "` is not a valid regular "
                        + "expression: " + e.getDescription());
            }
        }
        Set<Long> producerIdFilter = new HashSet<>(request.producerIdFilters());
        long nowMs = time.nowMs();
        for (TransactionMetadata m : transactions.values()) {
            if ((!out.unknownStateFilters().isEmpty() && states.isEmpty())
                    || (!states.isEmpty() && !states.contains(m.state()))
                    || (!producerIdFilter.isEmpty() && !producerIdFilter.contains(m.producerId()))
                    || (request.durationFilter() >= 0 && nowMs - m.txnStartMs() <= request.durationFilter())
                    || (pattern != null && !pattern.matcher(m.transactionalId()).matches())) {
                continue;
            }
            out.transactionStates().add(new ListTransactionsResponseData.TransactionState()
                    .setTransactionalId(m.transactionalId()).setProducerId(m.producerId())
                    .setTransactionState(m.state().kafkaName()));
        }
        return out;
    }
}

package io.spillway.coordinator.runtime;

import io.spillway.common.Time;
import io.spillway.log.AppendResult;
import io.spillway.log.LogStartStore;
import io.spillway.log.PartitionLog;
import io.spillway.log.ReadResult;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one coordinator shard over its internal-topic partitions, in the manner of Kafka's coordinator
 * runtime: operations are queued to one event executor and run one at a time; an operation makes records
 * ({@link Changes}), which are applied to the shard as they are made and then appended as one batch; its
 * response is completed only once those records, and everything appended before them, are durable.
 * Reads get the same treatment: they are answered after everything before them is durable, so no client
 * ever sees state that a crash could take back.
 *
 * <p>A write that fails leaves the state as it was: the runtime discards the shard (its parked requests
 * fail, its timers stop) and rebuilds it from the partition, where the failed records never arrived. If the
 * log itself fails (an fsync error takes the shared log out of service), the coordinator stops serving
 * until the broker restarts, rather than answer from state that may not be durable.
 *
 * <p>Records go to the home partition unless the serde gives them a place ({@link RecordSerde#place}); then
 * they go to that place's partition ({@link CoordinatorPartitions}), created on first use. An operation's
 * records are appended as one batch per partition and answered once all are durable; every partition gets its
 * own transaction markers, and the shard decides a producer's pending records per partition, so that loading
 * (each place's partition, then home) builds the same state as ran live.
 *
 * <p>Each partition is kept about the size of its live state: once it has doubled since its last rewrite, the
 * runtime appends the part of the shard's {@link CoordinatorShard#snapshot snapshot} kept there and, when it
 * is durable, moves the log start past the older records (but never past the first record of a transaction
 * still open there).
 *
 * <p>Thread contract: public methods may be called from any thread. The shard, the timers and every field
 * below are owned by the event executor, which must run tasks one at a time in submission order (a single
 * thread in the broker). Nothing here ever waits on a future: durability continuations come back to the
 * event executor, so no coordinator code runs on the storage's threads.
 *
 * @param <S> the shard type
 * @param <R> the shard's record type
 */
public final class CoordinatorRuntime<S extends CoordinatorShard<R>, R> {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorRuntime.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    /** A rewrite is considered once this many records were appended since the last one (and twice the live state). */
    static final int REWRITE_MIN_RECORDS = 10_000;
    /** Snapshot batches are cut at about this size. */
    private static final int SNAPSHOT_BATCH_BYTES = 512 * 1024;
    private static final int LOAD_READ_BYTES = 4 * 1024 * 1024;

    private final String name;
    private final CoordinatorPartitions partitions;
    private final LogStartStore logStarts;
    private final RecordSerde<R> serde;
    private final Function<CoordinatorContext<R>, S> shardFactory;
    private final Executor events;
    private final ScheduledExecutorService scheduler;
    private final Time time;
    private final int rewriteMinRecords;
    private final Context context = new Context();
    private final Map<String, TimerEntry> timers = new HashMap<>();
    /** The partitions of places written or loaded, by place. */
    private final Map<String, Placement> places = new HashMap<>();
    /** Completions waiting for durability, in the order their operations ran. */
    private final ArrayDeque<Completion> completions = new ArrayDeque<>();

    private S shard;
    /** Incremented whenever the shard is replaced; callbacks of an older shard are then ignored. */
    private int generation;
    private String unavailableReason = "it is still loading";
    private CompletableFuture<Void> lastDurable = DONE;
    private Placement home;

    /**
     * @param name what operators call it, for logs and errors ("group coordinator")
     * @param events runs the runtime's tasks one at a time, in order
     */
    public CoordinatorRuntime(String name, PartitionLog partition, LogStartStore logStarts, RecordSerde<R> serde,
                              Function<CoordinatorContext<R>, S> shardFactory, Executor events,
                              ScheduledExecutorService scheduler, Time time) {
        this(name, CoordinatorPartitions.only(partition), logStarts, serde, shardFactory, events, scheduler, time,
                REWRITE_MIN_RECORDS);
    }

    /** A coordinator whose records may be placed in partitions besides its home partition. */
    public CoordinatorRuntime(String name, CoordinatorPartitions partitions, LogStartStore logStarts,
                              RecordSerde<R> serde, Function<CoordinatorContext<R>, S> shardFactory, Executor events,
                              ScheduledExecutorService scheduler, Time time) {
        this(name, partitions, logStarts, serde, shardFactory, events, scheduler, time, REWRITE_MIN_RECORDS);
    }

    CoordinatorRuntime(String name, CoordinatorPartitions partitions, LogStartStore logStarts, RecordSerde<R> serde,
                       Function<CoordinatorContext<R>, S> shardFactory, Executor events,
                       ScheduledExecutorService scheduler, Time time, int rewriteMinRecords) {
        this.name = name;
        this.partitions = partitions;
        this.logStarts = logStarts;
        this.serde = serde;
        this.shardFactory = shardFactory;
        this.events = events;
        this.scheduler = scheduler;
        this.time = time;
        this.rewriteMinRecords = rewriteMinRecords;
    }

    // ---------------------------------------------------------------- public operations

    /** Builds the shard from the partitions; completes when it serves (or with the reason it cannot). */
    public CompletableFuture<Void> load() {
        CompletableFuture<Void> loaded = new CompletableFuture<>();
        execute(() -> {
            try {
                long startNs = time.nowNs();
                long records = loadShard();
                log.info("The {} loaded {} records from {}{} in {} ms", name, records, home.log.name(),
                        places.isEmpty() ? "" : " and the partitions of " + places.size() + " streams",
                        (time.nowNs() - startNs) / 1_000_000);
                loaded.complete(null);
            } catch (RuntimeException e) {
                unavailableReason = "loading " + partitions.home().name() + " failed: " + e.getMessage();
                loaded.completeExceptionally(e);
            }
        }, loaded);
        return loaded;
    }

    /**
     * Runs a write: {@code operation} validates, adds its records to the {@link Changes} it gets and returns
     * the response, which completes once the records are durable. An {@link ApiException} it throws before
     * adding records fails the future with that error and changes nothing.
     */
    public <T> CompletableFuture<T> write(String operationName, BiFunction<S, Changes<R>, T> operation) {
        return submit(operationName, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, operation);
    }

    /**
     * A write whose records belong to the producer's open transaction: appended as a transactional batch,
     * applied to the shard as pending until {@link #writeEndMarker} decides them.
     */
    public <T> CompletableFuture<T> writeTransactional(String operationName, long producerId, short producerEpoch,
                                                       BiFunction<S, Changes<R>, T> operation) {
        if (producerId < 0) {
            throw new IllegalArgumentException("a transactional write needs a producer id");
        }
        return submit(operationName, producerId, producerEpoch, operation);
    }

    /**
     * Writes the marker that commits or aborts the producer's transaction in the home partition and in every
     * place's partition that holds records of it, applying each. Completes once the markers are durable; fails
     * with Kafka's error (e.g. INVALID_PRODUCER_EPOCH) when a partition refuses it, and then that partition's
     * records stay pending (the transaction coordinator retries the marker).
     */
    public CompletableFuture<Void> writeEndMarker(long producerId, short producerEpoch, int coordinatorEpoch,
                                                  boolean commit) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        execute(() -> {
            S current = shard;
            if (current == null) {
                done.completeExceptionally(unavailable());
                return;
            }
            List<Placement> targets = new ArrayList<>();
            for (Placement p : places.values()) {
                if (p.openTransactions.containsKey(producerId)) {
                    targets.add(p);
                }
            }
            targets.add(home);
            CompletableFuture<Void> durable = null;
            for (Placement p : targets) {
                if (p != home && partitions.existing(p.place) != p.log) {
                    forgetPlacement(current, p.place); // deleted with its stream: nothing left to decide there
                    continue;
                }
                AppendResult result;
                try {
                    result = p.log.appendEndTxnMarker(producerId, producerEpoch, coordinatorEpoch, commit);
                } catch (RuntimeException e) {
                    if (durable != null) {
                        lastDurable = durable;
                    }
                    done.completeExceptionally(e);
                    return;
                }
                p.openTransactions.remove(producerId);
                current.replayEndTransaction(producerId, commit, p.place);
                p.appendedSinceRewrite++;
                durable = both(durable, result.durable());
            }
            lastDurable = durable;
            whenDurable(lastDurable, List.of(), () -> done.complete(null), done::completeExceptionally);
        }, done);
        return done;
    }

    /** Runs a read of the shard; answered once everything written before it is durable. */
    public <T> CompletableFuture<T> read(String operationName, Function<S, T> operation) {
        CompletableFuture<T> response = new CompletableFuture<>();
        execute(() -> {
            S current = shard;
            if (current == null) {
                response.completeExceptionally(unavailable());
                return;
            }
            T result;
            try {
                result = operation.apply(current);
            } catch (RuntimeException e) {
                if (!(e instanceof ApiException)) {
                    log.error("The {} failed to run {}", name, operationName, e);
                }
                response.completeExceptionally(e);
                return;
            }
            whenDurable(lastDurable, List.of(), () -> response.complete(result), response::completeExceptionally);
        }, response);
        return response;
    }

    /** Stops serving: parked requests fail, timers stop. Completes on the event executor. */
    public CompletableFuture<Void> unload() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        execute(() -> {
            discardShard("the broker is shutting down");
            done.complete(null);
        }, done);
        return done;
    }

    /**
     * Rewrites every partition as the live state now (tests, tools; the runtime does it by itself when a
     * partition has grown). Completes once the older records are dropped.
     */
    public CompletableFuture<Void> rewriteNow() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        execute(() -> {
            List<CompletableFuture<Void>> each = new ArrayList<>();
            List<Placement> all = new ArrayList<>(places.values());
            all.add(home);
            for (Placement p : all) {
                CompletableFuture<Void> one = new CompletableFuture<>();
                each.add(one);
                rewrite(p, one);
            }
            CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> {
                if (error != null) {
                    done.completeExceptionally(error);
                } else {
                    done.complete(null);
                }
            });
        }, done);
        return done;
    }

    /**
     * The partition of {@code place} is gone with its stream: the runtime stops writing it and the shard drops
     * the state it held ({@link CoordinatorShard#forgetPlace}). Completes on the event executor.
     */
    public CompletableFuture<Void> forgetPlace(String place) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        execute(() -> {
            if (shard != null) {
                forgetPlacement(shard, place);
            }
            done.complete(null);
        }, done);
        return done;
    }

    /** The home partition: where the records that name no place are kept. */
    public PartitionLog partition() {
        return partitions.home();
    }

    // ---------------------------------------------------------------- writes

    private <T> CompletableFuture<T> submit(String operationName, long producerId, short producerEpoch,
                                            BiFunction<S, Changes<R>, T> operation) {
        CompletableFuture<T> response = new CompletableFuture<>();
        execute(() -> runWrite(operationName, producerId, producerEpoch, operation, response), response);
        return response;
    }

    private <T> void runWrite(String operationName, long producerId, short producerEpoch,
                              BiFunction<S, Changes<R>, T> operation, CompletableFuture<T> response) {
        S current = shard;
        if (current == null) {
            response.completeExceptionally(unavailable());
            return;
        }
        Changes<R> changes = new Changes<>(record -> current.replay(record, producerId, producerEpoch));
        T result;
        try {
            result = operation.apply(current, changes);
        } catch (RuntimeException e) {
            if (!changes.isEmpty()) {
                log.error("The {} failed in {} after changing its state; rebuilding it from its partitions", name,
                        operationName, e);
                reload("an operation failed midway");
            } else if (!(e instanceof ApiException)) {
                log.error("The {} failed to run {}", name, operationName, e);
            }
            response.completeExceptionally(e);
            return;
        }
        CompletableFuture<Void> durable;
        List<Placement> written = List.of();
        if (changes.isEmpty()) {
            durable = lastDurable;
        } else {
            Map<Placement, List<R>> byPartition;
            try {
                byPartition = placeAll(changes.records());
            } catch (RuntimeException e) {
                log.warn("The {} has nowhere to keep the records of {} ({}); rebuilding its state from the log so "
                        + "the operation leaves no trace", name, operationName, e.getMessage());
                reload(operationName + " named a place that is gone");
                response.completeExceptionally(e instanceof ApiException ? e : new CoordinatorNotAvailableException(
                        "The " + name + " could not store the change (" + e.getMessage() + "); retry"));
                return;
            }
            durable = null;
            try {
                for (Map.Entry<Placement, List<R>> batch : byPartition.entrySet()) {
                    durable = both(durable, appendBatch(batch.getKey(), batch.getValue(), producerId, producerEpoch));
                }
            } catch (RuntimeException e) {
                log.error("The {} could not write the records of {} ({}); rebuilding its state from the log so the "
                        + "operation leaves no trace. Check the disk under the data directory.",
                        name, operationName, e.getMessage());
                reload("writing the records of " + operationName + " failed");
                response.completeExceptionally(new CoordinatorNotAvailableException("The " + name
                        + " could not store the change (" + e.getMessage() + "); retry"));
                return;
            }
            lastDurable = durable;
            written = new ArrayList<>(byPartition.keySet());
        }
        whenDurable(durable, changes.afterDurableActions(), () -> response.complete(result),
                response::completeExceptionally);
        written.forEach(this::maybeRewrite);
    }

    /**
     * The records grouped by the partition that keeps them, in the order they were made within each; every
     * partition is resolved (and created) before anything is written, so a place that is gone fails the whole
     * operation instead of half of it.
     */
    private Map<Placement, List<R>> placeAll(List<R> records) {
        Map<Placement, List<R>> byPartition = new LinkedHashMap<>();
        Map<String, Placement> resolved = new HashMap<>();
        for (R record : records) {
            String place = serde.place(record);
            Placement p = place == null ? home : resolved.computeIfAbsent(place, this::placementFor);
            byPartition.computeIfAbsent(p, x -> new ArrayList<>()).add(record);
        }
        return byPartition;
    }

    /** The partition of a place, opened (created on first use) through {@link CoordinatorPartitions#open}. */
    private Placement placementFor(String place) {
        PartitionLog partition = partitions.open(place);
        if (partition == null) {
            throw new UnknownTopicOrPartitionException("The " + name + " cannot keep records in " + place
                    + ": it does not exist (deleted?)");
        }
        Placement p = places.get(place);
        if (p == null || p.log != partition) {
            p = new Placement(place, partition);
            places.put(place, p);
        }
        return p;
    }

    /** Stops writing a place's partition and drops the shard's state from it. */
    private void forgetPlacement(S current, String place) {
        places.remove(place);
        current.forgetPlace(place);
        log.info("The {} dropped the state kept in the partition of {}: it was deleted", name, place);
    }

    private static CompletableFuture<Void> both(CompletableFuture<Void> first, CompletableFuture<Void> second) {
        return first == null || first == second ? second : CompletableFuture.allOf(first, second);
    }

    /**
     * Appends records to one partition as one batch (transactional when a producer id is given); returns the
     * future of their durability.
     */
    private CompletableFuture<Void> appendBatch(Placement p, List<R> records, long producerId, short producerEpoch) {
        MemoryRecordsBuilder builder = builder(estimateBytes(records), producerId, producerEpoch);
        long nowMs = time.nowMs();
        for (R record : records) {
            builder.append(nowMs, serde.key(record), serde.value(record));
        }
        AppendResult result = p.log.appendFromCoordinator(builder.build().buffer());
        if (producerId >= 0) {
            p.openTransactions.putIfAbsent(producerId, result.baseOffset());
        }
        p.appendedSinceRewrite += records.size();
        return result.durable();
    }

    private MemoryRecordsBuilder builder(int capacity, long producerId, short producerEpoch) {
        boolean transactional = producerId >= 0;
        // The record format wants a sequence with a producer id; the partition does not check it for batches
        // a coordinator writes (Kafka writes 0 as well).
        return MemoryRecords.builder(ByteBuffer.allocate(capacity), RecordBatch.MAGIC_VALUE_V2, Compression.NONE,
                TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP, producerId, producerEpoch,
                transactional ? 0 : RecordBatch.NO_SEQUENCE, transactional, RecordBatch.NO_PARTITION_LEADER_EPOCH);
    }

    private int estimateBytes(List<R> records) {
        return Math.min(SNAPSHOT_BATCH_BYTES, 128 + 48 * records.size());
    }

    /** What to do once a durability future completes: the operation's actions, then its answer. */
    private record Completion(CompletableFuture<Void> durable, int shardGeneration, List<Runnable> actions,
                              Runnable onSuccess, Consumer<Throwable> onFailure) {
    }

    /**
     * Queues what to do once {@code durable} completes. Completions run strictly in the order they were queued
     * (a later operation's actions never run before an earlier one's, even when both wait on the same future),
     * on the event executor.
     */
    private void whenDurable(CompletableFuture<Void> durable, List<Runnable> actions, Runnable onSuccess,
                             Consumer<Throwable> onFailure) {
        completions.add(new Completion(durable, generation, actions, onSuccess, onFailure));
        durable.whenCompleteAsync((ok, error) -> runCompletions(), events);
    }

    private void runCompletions() {
        while (!completions.isEmpty() && completions.peek().durable().isDone()) {
            Completion c = completions.poll();
            Throwable error = null;
            try {
                c.durable().join();
            } catch (RuntimeException e) {
                error = e;
            }
            if (error != null) {
                if (c.shardGeneration() == generation && shard != null) {
                    log.error("The {} stops serving: its records could not be made durable ({}). Restart the broker "
                            + "once the disk is healthy.", name, error.getMessage());
                    discardShard("its log could not be made durable; restart the broker");
                }
                c.onFailure().accept(unavailable());
                continue;
            }
            if (c.shardGeneration() == generation) {
                for (Runnable action : c.actions()) {
                    try {
                        action.run();
                    } catch (RuntimeException e) {
                        log.error("The {} failed in a completion callback", name, e);
                    }
                }
            }
            c.onSuccess().run();
        }
    }

    // ---------------------------------------------------------------- loading, failure, rewriting

    /**
     * Builds a fresh shard from the partitions and makes it current; returns the number of records read. The
     * places' partitions go first and home last: a group's offsets kept in places are then in place when home
     * replays the group's own records (which carry over the offsets of the group they replace).
     */
    private long loadShard() {
        places.clear();
        S fresh = shardFactory.apply(context);
        long records = 0;
        for (String place : new TreeSet<>(partitions.places())) {
            PartitionLog partition = partitions.existing(place);
            if (partition != null) {
                Placement p = new Placement(place, partition);
                places.put(place, p);
                records += replayPartition(fresh, p);
            }
        }
        home = new Placement(null, partitions.home());
        records += replayPartition(fresh, home);
        shard = fresh;
        fresh.onLoaded();
        return records;
    }

    /** Replays every record from the log start to the log end, also those appended but not yet durable. */
    private long replayPartition(S target, Placement p) {
        PartitionLog partition = p.log;
        long offset = partition.logStartOffset();
        long records = 0;
        while (offset < partition.logEndOffset()) {
            ReadResult read = partition.readIncludingUnflushed(offset, LOAD_READ_BYTES);
            if (!read.records().hasRemaining()) {
                break;
            }
            for (RecordBatch batch : MemoryRecords.readableRecords(read.records()).batches()) {
                if (batch.lastOffset() >= offset) {
                    records += replayBatch(target, p, batch, offset);
                }
                offset = Math.max(offset, batch.lastOffset() + 1);
            }
        }
        // As if the partition had just been rewritten: the next rewrite waits until it has doubled.
        p.appendedSinceRewrite = partition.logEndOffset() - partition.logStartOffset();
        p.sizeAfterRewrite = p.appendedSinceRewrite;
        return records;
    }

    private long replayBatch(S target, Placement p, RecordBatch batch, long fromOffset) {
        if (batch.isControlBatch()) {
            for (Record record : batch) {
                EndTransactionMarker marker = EndTransactionMarker.deserialize(record);
                p.openTransactions.remove(batch.producerId());
                target.replayEndTransaction(batch.producerId(), marker.controlType() == ControlRecordType.COMMIT,
                        p.place);
            }
            return 1;
        }
        long producerId = batch.isTransactional() ? batch.producerId() : RecordBatch.NO_PRODUCER_ID;
        if (producerId >= 0) {
            p.openTransactions.putIfAbsent(producerId, batch.baseOffset());
        }
        long records = 0;
        for (Record record : batch) {
            if (record.offset() < fromOffset || !record.hasKey()) {
                continue;
            }
            R decoded = serde.decode(record.key(), record.hasValue() ? record.value() : null);
            if (decoded != null) {
                target.replay(decoded, producerId, batch.producerEpoch());
            }
            records++;
        }
        return records;
    }

    private void reload(String reason) {
        discardShard(reason);
        try {
            loadShard();
            log.info("The {} rebuilt its state from its partitions after {}", name, reason);
        } catch (RuntimeException e) {
            unavailableReason = "rebuilding its state from its partitions failed: " + e.getMessage();
            log.error("The {} cannot serve: {}", name, unavailableReason, e);
        }
    }

    private void discardShard(String reason) {
        S old = shard;
        shard = null;
        generation++;
        unavailableReason = reason;
        timers.values().forEach(TimerEntry::cancel);
        timers.clear();
        if (old != null) {
            try {
                old.onUnloaded();
            } catch (RuntimeException e) {
                log.error("The {} failed while failing its parked requests", name, e);
            }
        }
    }

    /** Queues a rewrite of the partition once it has doubled since the last one (and grown by enough). */
    private void maybeRewrite(Placement p) {
        if (p.rewriteQueued || shard == null || p.appendedSinceRewrite <= rewriteMinRecords
                || p.appendedSinceRewrite <= 2L * p.sizeAfterRewrite) {
            return;
        }
        p.rewriteQueued = true;
        execute(() -> rewrite(p, null), null);
    }

    /**
     * Appends the live state kept in one partition and, once durable, drops what came before it. Runs on the
     * event executor.
     *
     * @param done completed when the old records are dropped (or the rewrite gave up), or null
     */
    private void rewrite(Placement p, CompletableFuture<Void> done) {
        p.rewriteQueued = false;
        S current = shard;
        if (current == null || (p != home && places.get(p.place) != p)) {
            if (done != null) {
                done.completeExceptionally(current == null ? unavailable()
                        : new UnknownTopicOrPartitionException("The partition of " + p.place + " is gone"));
            }
            return;
        }
        PartitionLog partition = p.log;
        List<R> live = new ArrayList<>();
        for (R record : current.snapshot()) {
            if (Objects.equals(serde.place(record), p.place)) {
                live.add(record);
            }
        }
        long snapshotStart = partition.logEndOffset();
        long keepFrom = snapshotStart;
        for (long first : p.openTransactions.values()) {
            keepFrom = Math.min(keepFrom, first);
        }
        CompletableFuture<Void> durable = lastDurable;
        try {
            for (List<R> chunk : chunks(live)) {
                durable = both(durable, appendBatch(p, chunk, RecordBatch.NO_PRODUCER_ID,
                        RecordBatch.NO_PRODUCER_EPOCH));
            }
            lastDurable = durable;
        } catch (RuntimeException e) {
            // The snapshot repeats the current state, so a partial one changes nothing; try again later.
            log.warn("The {} could not rewrite {} ({}); it keeps the older records for now", name, partition.name(),
                    e.getMessage());
            if (done != null) {
                done.completeExceptionally(e);
            }
            return;
        }
        p.appendedSinceRewrite = live.size();
        p.sizeAfterRewrite = live.size();
        long trimTo = keepFrom;
        int shardGeneration = generation;
        durable.whenCompleteAsync((ok, error) -> {
            if (error != null || shardGeneration != generation) {
                if (done != null) {
                    done.completeExceptionally(error != null ? error : unavailable());
                }
                return;
            }
            try {
                logStarts.persist(Map.of(partition.key(), trimTo));
                partition.trimTo(trimTo);
                log.info("The {} rewrote {} as its {} live records and dropped the records before offset {}", name,
                        partition.name(), live.size(), trimTo);
                if (done != null) {
                    done.complete(null);
                }
            } catch (RuntimeException e) {
                log.warn("The {} could not drop the old records of {}: {}", name, partition.name(), e.getMessage());
                if (done != null) {
                    done.completeExceptionally(e);
                }
            }
        }, events);
    }

    private List<List<R>> chunks(List<R> records) {
        List<List<R>> chunks = new ArrayList<>();
        List<R> chunk = new ArrayList<>();
        int bytes = 0;
        for (R record : records) {
            byte[] key = serde.key(record);
            byte[] value = serde.value(record);
            int size = 24 + key.length + (value == null ? 0 : value.length);
            if (!chunk.isEmpty() && bytes + size > SNAPSHOT_BATCH_BYTES) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                bytes = 0;
            }
            chunk.add(record);
            bytes += size;
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return chunks;
    }

    /** One partition the coordinator writes, with what the runtime tracks of it. Owned by the event executor. */
    private static final class Placement {
        /** Null for the home partition. */
        final String place;
        final PartitionLog log;
        /** Producer id → offset of its first record here, for transactions whose marker is not written here yet. */
        final Map<Long, Long> openTransactions = new HashMap<>();
        long appendedSinceRewrite;
        /** Records the last rewrite left (at load: the whole partition); the next waits until it has doubled. */
        long sizeAfterRewrite;
        boolean rewriteQueued;

        Placement(String place, PartitionLog log) {
            this.place = place;
            this.log = log;
        }
    }

    private CoordinatorNotAvailableException unavailable() {
        return new CoordinatorNotAvailableException("The " + name + " is not available: " + unavailableReason);
    }

    /** Queues a task; if the executor refuses (shutdown), the given future fails instead of hanging. */
    private void execute(Runnable task, CompletableFuture<?> failIfRejected) {
        try {
            events.execute(task);
        } catch (RejectedExecutionException e) {
            if (failIfRejected != null) {
                failIfRejected.completeExceptionally(new CoordinatorNotAvailableException("The " + name
                        + " has stopped"));
            }
        }
    }

    // ---------------------------------------------------------------- timers and follow-up writes

    private final class TimerEntry {
        final Consumer<Changes<R>> operation;
        volatile ScheduledFuture<?> future;

        TimerEntry(Consumer<Changes<R>> operation) {
            this.operation = operation;
        }

        void cancel() {
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    private void fire(String key, TimerEntry entry) {
        if (timers.get(key) != entry) {
            return; // cancelled or replaced after it fell due
        }
        timers.remove(key);
        runWrite("timer " + key, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, (s, changes) -> {
            entry.operation.accept(changes);
            return null;
        }, new CompletableFuture<>());
    }

    private final class Context implements CoordinatorContext<R>, CoordinatorTimer<R> {
        @Override
        public Time time() {
            return time;
        }

        @Override
        public CoordinatorTimer<R> timer() {
            return this;
        }

        @Override
        public void submit(String operationName, Consumer<Changes<R>> operation) {
            CoordinatorRuntime.this.submit(operationName, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                    (s, changes) -> {
                        operation.accept(changes);
                        return null;
                    });
        }

        @Override
        public void schedule(String key, long delayMs, Consumer<Changes<R>> operation) {
            cancel(key);
            TimerEntry entry = new TimerEntry(operation);
            timers.put(key, entry);
            try {
                entry.future = scheduler.schedule(() -> execute(() -> fire(key, entry), null), Math.max(0, delayMs),
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                timers.remove(key);
            }
        }

        @Override
        public void cancel(String key) {
            TimerEntry entry = timers.remove(key);
            if (entry != null) {
                entry.cancel();
            }
        }

        @Override
        public boolean isScheduled(String key) {
            return timers.containsKey(key);
        }
    }
}

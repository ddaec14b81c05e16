package io.spillway.coordinator.runtime;

import io.spillway.common.Time;
import io.spillway.coordinator.runtime.KeyValueShard.Put;
import io.spillway.log.HighWatermarkListener;
import io.spillway.log.LogConfig;
import io.spillway.log.LogManager;
import io.spillway.log.PartitionLog;
import io.spillway.storage.local.LocalSharedLog;
import io.spillway.storage.local.LocalSharedLogConfig;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The coordinator runtime over a real fsynced shared log: records applied by the shard's replay code,
 * answers only after durability, failed appends leaving no trace, rewrites, timers, and that no coordinator
 * code runs on the storage's threads.
 */
class CoordinatorRuntimeTest {
    private static final String EVENTS_THREAD = "test-coordinator-events";

    @TempDir
    Path dir;
    private FailingSharedLog storage;
    private LogManager logs;
    private PartitionLog partition;
    private final ExecutorService events = Executors.newSingleThreadExecutor(r -> new Thread(r, EVENTS_THREAD));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<KeyValueShard> shards = new ArrayList<>();
    private final List<String> logStartThreads = new ArrayList<>();
    private CoordinatorRuntime<KeyValueShard, Put> runtime;
    private Places places;

    /** The places' partitions, made on demand in the same log manager; a deleted place cannot be opened again. */
    private final class Places implements CoordinatorPartitions {
        final Map<String, PartitionLog> byPlace = new ConcurrentHashMap<>();
        final Set<String> deleted = ConcurrentHashMap.newKeySet();
        private long nextKey = 100;

        @Override
        public PartitionLog home() {
            return partition;
        }

        @Override
        public synchronized PartitionLog open(String place) {
            return deleted.contains(place) ? null
                    : byPlace.computeIfAbsent(place, p -> logs.open(nextKey++, "__test-" + p, 0, LogConfig.DEFAULT, 0));
        }

        @Override
        public PartitionLog existing(String place) {
            return byPlace.get(place);
        }

        @Override
        public Collection<String> places() {
            return List.copyOf(byPlace.keySet());
        }

        synchronized void delete(String place) {
            deleted.add(place);
            logs.delete(byPlace.remove(place).key());
        }
    }

    @BeforeEach
    void open() {
        storage = new FailingSharedLog(new LocalSharedLog(LocalSharedLogConfig.defaults(dir)));
        logs = new LogManager(storage, Time.SYSTEM, HighWatermarkListener.NONE);
        partition = logs.open(1, "__test", 0, LogConfig.DEFAULT, 0);
        logs.recover();
        places = new Places();
        runtime = newRuntime(100);
    }

    private CoordinatorRuntime<KeyValueShard, Put> newRuntime(int rewriteMinRecords) {
        CoordinatorRuntime<KeyValueShard, Put> r = new CoordinatorRuntime<>("test coordinator", places, starts -> {
            synchronized (logStartThreads) {
                logStartThreads.add(Thread.currentThread().getName());
            }
        }, KeyValueShard.SERDE, context -> {
            KeyValueShard shard = new KeyValueShard(context);
            shards.add(shard);
            return shard;
        }, events, scheduler, Time.SYSTEM, rewriteMinRecords);
        r.load().join();
        return r;
    }

    @AfterEach
    void close() throws Exception {
        runtime.unload().join();
        events.shutdown();
        scheduler.shutdownNow();
        logs.close();
    }

    private KeyValueShard shard() {
        return shards.get(shards.size() - 1);
    }

    private Map<String, String> values() {
        return runtime.read("values", s -> Map.copyOf(s.values)).join();
    }

    private CompletableFuture<String> put(String key, String value) {
        return runtime.write("put", (shard, changes) -> {
            changes.add(new Put(key, value));
            return key;
        });
    }

    private CompletableFuture<Void> putAll(long producerId, String... keyValues) {
        BiFunction<KeyValueShard, Changes<Put>, Void> operation = (shard, changes) -> {
            for (int i = 0; i < keyValues.length; i += 2) {
                changes.add(new Put(keyValues[i], keyValues[i + 1]));
            }
            return null;
        };
        return producerId < 0 ? runtime.write("puts", operation)
                : runtime.writeTransactional("txn puts", producerId, (short) 0, operation);
    }

    private void reload() {
        runtime.unload().join();
        runtime = newRuntime(100);
    }

    @Test
    void recordsGoToTheirPlacesPartitionAndLoadingAllPartitionsRebuildsTheSameState() throws Exception {
        putAll(-1, "a", "1", "s1|x", "2", "s2|y", "3", "s1|z", "4").get(10, TimeUnit.SECONDS);
        assertThat(partition.logEndOffset()).isEqualTo(1);
        assertThat(places.existing("s1").logEndOffset()).as("one batch of two records").isEqualTo(2);
        assertThat(places.existing("s2").logEndOffset()).isEqualTo(1);
        assertThat(places.existing("s1").highWatermark()).as("answered once every partition is durable").isEqualTo(2);
        Map<String, String> live = values();
        reload();
        assertThat(values()).isEqualTo(live).hasSize(4);
    }

    @Test
    void eachPartitionsMarkerDecidesOnlyThePartOfTheTransactionKeptThere() throws Exception {
        putAll(7, "s1|a", "1", "s2|b", "2", "h", "3").get(10, TimeUnit.SECONDS);
        assertThat(values()).isEmpty();
        runtime.writeEndMarker(7, (short) 0, 0, true).get(10, TimeUnit.SECONDS);
        assertThat(values()).containsOnly(Map.entry("s1|a", "1"), Map.entry("s2|b", "2"), Map.entry("h", "3"));
        assertThat(places.existing("s2").logEndOffset()).as("its record and its marker").isEqualTo(2);

        // The producer's next transaction touches s1 only. Loading replays s1 (with it pending at the end) before
        // s2, whose marker of the first transaction must not decide it.
        putAll(7, "s1|c", "4").get(10, TimeUnit.SECONDS);
        reload();
        assertThat(values()).containsOnly(Map.entry("s1|a", "1"), Map.entry("s2|b", "2"), Map.entry("h", "3"));
        assertThat(runtime.read("pending", s -> Map.copyOf(s.pending.get(7L))).join())
                .containsOnly(Map.entry("s1|c", "4"));

        runtime.writeEndMarker(7, (short) 0, 0, false).get(10, TimeUnit.SECONDS);
        reload();
        assertThat(values()).doesNotContainKey("s1|c");
        assertThat(runtime.read("pending", s -> Map.copyOf(s.pending)).join()).isEmpty();
    }

    @Test
    void aDeletedPlaceTakesItsStateAlongAndIsNotWrittenAgain() throws Exception {
        putAll(-1, "s1|a", "1", "s2|b", "2", "h", "3").get(10, TimeUnit.SECONDS);
        putAll(9, "s1|p", "pending").get(10, TimeUnit.SECONDS);
        places.delete("s1");
        runtime.forgetPlace("s1").get(10, TimeUnit.SECONDS);
        assertThat(values()).containsOnly(Map.entry("s2|b", "2"), Map.entry("h", "3"));

        assertThatThrownBy(() -> putAll(-1, "s1|again", "x", "h", "4").get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(values()).as("nothing of the refused write, not even its home part")
                .containsOnly(Map.entry("s2|b", "2"), Map.entry("h", "3"));
        runtime.writeEndMarker(9, (short) 0, 0, true).get(10, TimeUnit.SECONDS);
        assertThat(values()).doesNotContainKey("s1|p");
        reload();
        assertThat(values()).containsOnly(Map.entry("s2|b", "2"), Map.entry("h", "3"));
    }

    @Test
    void aRewriteKeepsEachPartitionToItsOwnLiveRecords() throws Exception {
        for (int i = 0; i < 40; i++) {
            putAll(-1, "s1|k" + (i % 2), "v" + i, "h" + (i % 3), "w" + i).get(10, TimeUnit.SECONDS);
        }
        runtime.rewriteNow().get(10, TimeUnit.SECONDS);
        PartitionLog s1 = places.existing("s1");
        assertThat(s1.logEndOffset() - s1.logStartOffset()).as("s1's two live keys").isEqualTo(2);
        assertThat(partition.logEndOffset() - partition.logStartOffset()).as("home's three").isEqualTo(3);
        reload();
        assertThat(values()).containsOnly(Map.entry("s1|k0", "v38"), Map.entry("s1|k1", "v39"),
                Map.entry("h0", "w39"), Map.entry("h1", "w37"), Map.entry("h2", "w38"));
    }

    @Test
    void aWriteIsAppliedByReplayAndAnsweredOnlyOnceItsRecordsAreDurable() throws Exception {
        AtomicReference<String> answeredOn = new AtomicReference<>();
        List<Long> highWatermarkAtAnswer = new ArrayList<>();
        CompletableFuture<String> done = put("a", "1").whenComplete((ok, error) -> {
            answeredOn.set(Thread.currentThread().getName());
            highWatermarkAtAnswer.add(partition.highWatermark());
        });
        assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo("a");
        assertThat(highWatermarkAtAnswer).containsExactly(partition.logEndOffset());
        assertThat(answeredOn.get()).isEqualTo(EVENTS_THREAD);
        assertThat(values()).containsExactly(Map.entry("a", "1"));
        assertThat(shard().applyingThreads).containsOnly(EVENTS_THREAD);
    }

    @Test
    void aReadIsAnsweredOnlyAfterTheWritesBeforeItAreDurable() throws Exception {
        List<CompletableFuture<String>> writes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            writes.add(put("k" + i, "v" + i));
        }
        CompletableFuture<Long> read = runtime.read("size", s -> (long) s.values.size())
                .thenApply(size -> {
                    assertThat(partition.highWatermark()).isEqualTo(partition.logEndOffset());
                    return size;
                });
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(50);
        assertThat(writes).allMatch(CompletableFuture::isDone);
    }

    @Test
    void anOperationThatFailsBeforeWritingChangesNothing() {
        CompletableFuture<Object> refused = runtime.write("refuse", (shard, changes) -> {
            throw new InvalidRequestException("no");
        });
        assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(InvalidRequestException.class);
        assertThat(shards).hasSize(1);
    }

    @Test
    void aFailedAppendLeavesTheStateAsItWasAndTheCoordinatorServesOn() throws Exception {
        put("a", "1").get(10, TimeUnit.SECONDS);
        KeyValueShard before = shard();
        storage.failNextAppend.set(true);
        CompletableFuture<String> failed = runtime.write("two puts", (shard, changes) -> {
            changes.add(new Put("a", "2"));
            changes.add(new Put("b", "3"));
            changes.afterDurable(() -> shard.values.put("after-durable", "ran"));
            return "never";
        });
        assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(CoordinatorNotAvailableException.class);
        assertThat(before.unloaded).as("the shard that applied the failed records was discarded").isTrue();
        assertThat(values()).containsExactly(Map.entry("a", "1"));
        put("b", "4").get(10, TimeUnit.SECONDS);
        assertThat(values()).containsOnly(Map.entry("a", "1"), Map.entry("b", "4"));
    }

    @Test
    void aRewriteKeepsTheLiveStateAndTheRecordsOfOpenTransactions() throws Exception {
        for (int i = 0; i < 30; i++) {
            put("k" + (i % 3), "v" + i).get(10, TimeUnit.SECONDS);
        }
        runtime.writeTransactional("txn put", 7, (short) 0, (shard, changes) -> {
            changes.add(new Put("t", "pending"));
            return null;
        }).get(10, TimeUnit.SECONDS);
        long openTransactionStart = partition.logEndOffset() - 1;
        put("k0", "last").get(10, TimeUnit.SECONDS);
        runtime.rewriteNow().get(10, TimeUnit.SECONDS);
        assertThat(partition.logStartOffset()).as("kept from the open transaction's record on")
                .isEqualTo(openTransactionStart);

        runtime.unload().join();
        runtime = newRuntime(100);
        assertThat(values()).containsOnly(Map.entry("k0", "last"), Map.entry("k1", "v28"), Map.entry("k2", "v29"));
        assertThat(runtime.read("pending", s -> Map.copyOf(s.pending)).join()).containsOnlyKeys(7L);

        runtime.writeEndMarker(7, (short) 0, 0, true).get(10, TimeUnit.SECONDS);
        assertThat(values()).containsEntry("t", "pending");
        runtime.rewriteNow().get(10, TimeUnit.SECONDS);
        long afterSecondRewrite = partition.logStartOffset();
        assertThat(afterSecondRewrite).isGreaterThan(openTransactionStart);
        runtime.unload().join();
        runtime = newRuntime(100);
        assertThat(values()).containsOnly(Map.entry("k0", "last"), Map.entry("k1", "v28"), Map.entry("k2", "v29"),
                Map.entry("t", "pending"));
        assertThat(logStartThreads).containsOnly(EVENTS_THREAD);
    }

    @Test
    void theRuntimeRewritesByItselfOnceEnoughWasAppended() throws Exception {
        runtime.unload().join();
        runtime = newRuntime(100);
        for (int i = 0; i < 300; i++) {
            put("k" + (i % 5), "v" + i).get(10, TimeUnit.SECONDS);
        }
        values(); // the rewrite queued behind the last write has run once this is answered
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (partition.logStartOffset() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(partition.logStartOffset()).isPositive();
        assertThat(partition.logEndOffset() - partition.logStartOffset()).isLessThan(150);
        runtime.unload().join();
        runtime = newRuntime(100);
        assertThat(values()).hasSize(5).containsEntry("k4", "v299");
    }

    @Test
    void timersRunAsWritesOfTheirOwnAndStopWithTheShard() throws Exception {
        CompletableFuture<String> fired = new CompletableFuture<>();
        runtime.write("arm", (shard, changes) -> {
            shard.context.timer().schedule("t1", 20, c -> {
                c.add(new Put("timer", Thread.currentThread().getName()));
                c.afterDurable(() -> fired.complete(partition.highWatermark() == partition.logEndOffset() ? "durable" : "early"));
            });
            shard.context.timer().schedule("t2", 60_000, c -> c.add(new Put("never", "x")));
            return null;
        }).get(10, TimeUnit.SECONDS);
        assertThat(fired.get(10, TimeUnit.SECONDS)).isEqualTo("durable");
        assertThat(values()).containsEntry("timer", EVENTS_THREAD);
        assertThat(runtime.read("scheduled", s -> s.context.timer().isScheduled("t2")).join()).isTrue();
        runtime.unload().join();
        assertThat(runtime.read("after unload", s -> true)).failsWithin(10, TimeUnit.SECONDS)
                .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(CoordinatorNotAvailableException.class);
        runtime = newRuntime(100);
        assertThat(runtime.read("scheduled", s -> s.context.timer().isScheduled("t2")).join()).isFalse();
    }
}

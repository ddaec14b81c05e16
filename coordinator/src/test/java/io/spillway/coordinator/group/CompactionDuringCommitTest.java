package io.spillway.coordinator.group;

import io.spillway.common.Time;
import io.spillway.log.AppendResult;
import io.spillway.log.HighWatermarkListener;
import io.spillway.log.LogConfig;
import io.spillway.log.LogManager;
import io.spillway.log.PartitionLog;
import io.spillway.storage.local.LocalSharedLog;
import io.spillway.storage.local.LocalSharedLogConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression test for the deadlock of the coordinator before the runtime: rewriting {@code __consumer_offsets}
 * took every group's monitor and then waited for its append, while the WAL flusher thread, completing an
 * offset commit's durability, ran the commit's continuation and blocked on a group monitor, and with it every
 * produce acknowledgement of the node. Here commits, expiry passes and several rewrites run together over one
 * fsynced shared log, while a producer appends to another partition: every commit completes, produce
 * acknowledgements keep flowing, and no coordinator code runs on the storage's threads.
 */
class CompactionDuringCommitTest {
    private static final int COMMITTERS = 8;
    private static final int COMMITS_EACH = 2_000;

    @TempDir
    Path dir;

    @Test
    void commitsExpiryAndRewritesTogetherNeverStallTheFlusher() throws Exception {
        ExecutorService events = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-group-coordinator"));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        Set<String> logStartThreads = ConcurrentHashMap.newKeySet();
        try (LogManager logs = new LogManager(new LocalSharedLog(LocalSharedLogConfig.defaults(dir)), Time.SYSTEM,
                HighWatermarkListener.NONE)) {
            PartitionLog offsets = logs.open(1, "__consumer_offsets", 0, LogConfig.DEFAULT, 0);
            PartitionLog produced = logs.open(2, "t", 0, LogConfig.DEFAULT, 0);
            logs.recover();
            GroupCoordinator coordinator = new GroupCoordinator(offsets, starts -> {
                logStartThreads.add(Thread.currentThread().getName());
                sleepQuietly(5); // the metadata store fsyncs here
            }, GroupConfig.DEFAULT, ConsumerGroupConfig.DEFAULT, TopicCatalog.EMPTY, events, scheduler, Time.SYSTEM);
            coordinator.load().get(10, TimeUnit.SECONDS);

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong slowestAckMs = new AtomicLong();
            AtomicLong acks = new AtomicLong();
            Thread producer = new Thread(() -> produceUntilStopped(produced, running, slowestAckMs, acks), "producer");
            producer.start();
            Thread expiry = new Thread(() -> {
                while (running.get()) {
                    coordinator.expireOffsets().join();
                    sleepQuietly(10);
                }
            }, "expiry");
            expiry.start();

            List<Thread> committers = new ArrayList<>();
            List<CompletableFuture<Map<TopicPartition, Errors>>> last = new ArrayList<>();
            for (int c = 0; c < COMMITTERS; c++) {
                String group = "group-" + c;
                CompletableFuture<Map<TopicPartition, Errors>> done = new CompletableFuture<>();
                last.add(done);
                Thread t = new Thread(() -> {
                    CompletableFuture<Map<TopicPartition, Errors>> previous = CompletableFuture.completedFuture(Map.of());
                    for (int i = 0; i < COMMITS_EACH; i++) {
                        previous = coordinator.commitOffsets(group, -1, "", null, (short) 8, Map.of(
                                new TopicPartition("t", i % 10), new CommittedOffset(i, -1, "", System.currentTimeMillis())));
                        if (i % 50 == 49) {
                            previous.join(); // a few in flight at a time, as consumers commit
                        }
                    }
                    previous.whenComplete((ok, error) -> {
                        if (error != null) {
                            done.completeExceptionally(error);
                        } else {
                            done.complete(ok);
                        }
                    });
                }, "committer-" + c);
                committers.add(t);
                t.start();
            }
            CompletableFuture.allOf(last.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            for (Thread t : committers) {
                t.join(10_000);
            }
            running.set(false);
            producer.join(10_000);
            expiry.join(10_000);

            assertThat(last).allSatisfy(f -> assertThat(f.join()).containsOnly(
                    Map.entry(new TopicPartition("t", (COMMITS_EACH - 1) % 10), Errors.NONE)));
            assertThat(offsets.logStartOffset()).as("the offsets topic was rewritten at least once").isPositive();
            assertThat(logStartThreads).as("rewrites finish on the coordinator's thread")
                    .containsOnly("test-group-coordinator");
            assertThat(acks.get()).isPositive();
            assertThat(slowestAckMs.get()).as("slowest produce acknowledgement (ms)").isLessThan(5_000);
            assertThat(coordinator.fetchOffsets("group-3", null, false, null, -1).get(10, TimeUnit.SECONDS).offsets())
                    .hasSize(10).containsEntry(new TopicPartition("t", 9), new CommittedOffset(COMMITS_EACH - 1, -1, "",
                            coordinator.fetchOffsets("group-3", null, false, null, -1).join().offsets()
                                    .get(new TopicPartition("t", 9)).commitTimestampMs()));
            coordinator.unload().join();
        } finally {
            events.shutdown();
            scheduler.shutdownNow();
        }
    }

    private static void produceUntilStopped(PartitionLog partition, AtomicBoolean running, AtomicLong slowestAckMs,
                                            AtomicLong acks) {
        while (running.get()) {
            long startNs = System.nanoTime();
            AppendResult result = partition.append(MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord(System.currentTimeMillis(), "k".getBytes(), "v".getBytes())).buffer());
            result.durable().join();
            slowestAckMs.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs), Math::max);
            acks.incrementAndGet();
            sleepQuietly(2);
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.spillway.broker.share;

import io.spillway.broker.Topics;
import io.spillway.broker.config.BrokerSettings;
import io.spillway.broker.config.TopicConfigResolver;
import io.spillway.broker.share.InFlightRecords.AcquiredRange;
import io.spillway.broker.share.SharePartition.AckBatch;
import io.spillway.broker.share.SharePartition.Acquired;
import io.spillway.common.Time;
import io.spillway.coordinator.share.SharePartitionKey;
import io.spillway.coordinator.share.SharePartitionState;
import io.spillway.log.HighWatermarkListener;
import io.spillway.log.LogManager;
import io.spillway.log.PartitionLog;
import io.spillway.meta.MetadataStore;
import io.spillway.meta.TopicMetadata;
import io.spillway.storage.local.LocalSharedLog;
import io.spillway.storage.local.LocalSharedLogConfig;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharePartitionTest {
    private static final ShareGroupSettings EARLIEST = new ShareGroupSettings(30_000, 3, 2_000, false, "earliest", true);

    @TempDir
    Path dir;
    private MetadataStore meta;
    private LogManager logs;
    private PartitionLog log;
    private TopicMetadata topic;
    private final InMemoryShareStateStore store = new InMemoryShareStateStore();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Time time = new Time() {
        @Override
        public long nowMs() {
            return now.get();
        }

        @Override
        public long nowNs() {
            return now.get() * 1_000_000;
        }
    };

    @BeforeEach
    void setUp() {
        meta = MetadataStore.open(dir.resolve("meta"));
        logs = new LogManager(new LocalSharedLog(LocalSharedLogConfig.defaults(dir.resolve("log"))), Time.SYSTEM,
                HighWatermarkListener.NONE);
        Topics topics = new Topics(meta, logs, new TopicConfigResolver(new BrokerSettings(1, Map.of(), meta)));
        topics.openAll();
        logs.recover();
        topic = topics.create(List.of(new MetadataStore.NewTopic("queue", 1, Map.of()))).get(0);
        log = topics.partition(topic, 0);
    }

    @AfterEach
    void tearDown() throws Exception {
        logs.close();
        meta.close();
    }

    private void produce(int count, int perBatch) {
        for (int i = 0; i < count; i += perBatch) {
            SimpleRecord[] batch = new SimpleRecord[Math.min(perBatch, count - i)];
            for (int j = 0; j < batch.length; j++) {
                batch[j] = new SimpleRecord(("v" + (i + j)).getBytes(StandardCharsets.UTF_8));
            }
            log.append(MemoryRecords.withRecords(Compression.NONE, batch).buffer()).durable().join();
        }
    }

    private SharePartitionKey key() {
        return new SharePartitionKey("g", topic.id(), 0);
    }

    private SharePartition load(ShareGroupSettings settings) {
        return SharePartition.load(key(), "queue", log, store, settings, time, () -> { }).join();
    }

    private static List<Long> offsets(Acquired acquired) {
        List<Long> out = new ArrayList<>();
        for (AcquiredRange r : acquired.ranges()) {
            for (long o = r.firstOffset(); o <= r.lastOffset(); o++) {
                out.add(o);
            }
        }
        return out;
    }

    @Test
    void twoMembersNeverHoldTheSameRecord() {
        produce(30, 5);
        SharePartition p = load(EARLIEST);
        Acquired first = p.acquire("m1", 8, false, 1 << 20, EARLIEST);
        Acquired second = p.acquire("m2", 8, false, 1 << 20, EARLIEST);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), offsets(first), "whole batches");
        assertEquals(10L, offsets(second).get(0));
        List<Long> values = new ArrayList<>();
        for (Record r : first.records().records()) {
            values.add(r.offset());
        }
        assertEquals(offsets(first), values, "the records sent are the batches acquired");
        Acquired strict = p.acquire("m3", 3, true, 1 << 20, EARLIEST);
        assertEquals(List.of(20L, 21L, 22L), offsets(strict), "record-limit mode splits a batch");
        assertEquals(List.of(23L, 24L, 25L, 26L, 27L, 28L, 29L), offsets(p.acquire("m1", 100, false, 1 << 20, EARLIEST)));
    }

    @Test
    void concurrentMembersNeverShareARecord() throws Exception {
        produce(3_000, 250);
        SharePartition p = load(EARLIEST);
        java.util.Map<Long, String> owner = new java.util.concurrent.ConcurrentHashMap<>();
        List<String> duplicates = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            String member = "m" + m;
            threads.add(new Thread(() -> {
                while (owner.size() < 3_000) {
                    Acquired got = p.acquire(member, 100, false, 1 << 20, EARLIEST);
                    List<AckBatch> acks = new ArrayList<>();
                    for (AcquiredRange r : got.ranges()) {
                        for (long o = r.firstOffset(); o <= r.lastOffset(); o++) {
                            String before = owner.putIfAbsent(o, member);
                            if (before != null) {
                                duplicates.add(o + " " + before + "/" + member);
                            }
                        }
                        acks.add(new AckBatch(r.firstOffset(), r.lastOffset(), new byte[]{1}));
                    }
                    if (!acks.isEmpty()) {
                        assertEquals(Errors.NONE, p.acknowledge(member, acks, EARLIEST, false).join());
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertEquals(List.of(), duplicates);
        assertEquals(3_000, owner.size());
        assertEquals(3_000, p.startOffset());
    }

    @Test
    void acknowledgementsAreStoredBeforeTheyAreAnswered() {
        produce(10, 10);
        SharePartition p = load(EARLIEST);
        p.acquire("m1", 10, false, 1 << 20, EARLIEST);
        Errors result = p.acknowledge("m1", List.of(new AckBatch(0, 3, new byte[]{1}),
                new AckBatch(4, 4, new byte[]{3}), new AckBatch(5, 9, new byte[]{2})), EARLIEST, false).join();
        assertEquals(Errors.NONE, result);
        SharePartitionState stored = store.states.get(key());
        assertEquals(5, stored.startOffset());
        Acquired again = p.acquire("m2", 10, false, 1 << 20, EARLIEST);
        assertEquals(List.of(5L, 6L, 7L, 8L, 9L), offsets(again));
        assertEquals(2, again.ranges().get(0).deliveryCount(), "second delivery");
    }

    @Test
    void badAcknowledgementsChangeNothing() {
        produce(10, 10);
        SharePartition p = load(EARLIEST);
        p.acquire("m1", 10, false, 1 << 20, EARLIEST);
        assertEquals(Errors.INVALID_RECORD_STATE, p.acknowledge("m2", List.of(new AckBatch(0, 0, new byte[]{1})),
                EARLIEST, false).join(), "another member's record");
        assertEquals(Errors.INVALID_RECORD_STATE, p.acknowledge("m1", List.of(new AckBatch(0, 0, new byte[]{1}),
                new AckBatch(10, 12, new byte[]{1})), EARLIEST, false).join(), "records never acquired");
        assertEquals(Errors.INVALID_REQUEST, p.acknowledge("m1", List.of(new AckBatch(0, 0, new byte[]{7})),
                EARLIEST, false).join(), "unknown type");
        assertEquals(0, p.startOffset(), "nothing applied");
    }

    @Test
    void aRestartDeliversAgainExactlyWhatWasNotAcknowledged() {
        produce(10, 2);
        SharePartition p = load(EARLIEST);
        p.acquire("m1", 10, false, 1 << 20, EARLIEST);
        p.acknowledge("m1", List.of(new AckBatch(0, 1, new byte[]{1}), new AckBatch(4, 5, new byte[]{1})),
                EARLIEST, false).join();
        SharePartition restarted = load(EARLIEST);
        Acquired again = restarted.acquire("m2", 100, false, 1 << 20, EARLIEST);
        assertEquals(List.of(2L, 3L, 6L, 7L, 8L, 9L), offsets(again));
    }

    @Test
    void lockTimeoutAndLeavingReleaseRecords() {
        produce(6, 3);
        SharePartition p = load(EARLIEST);
        p.acquire("m1", 3, false, 1 << 20, EARLIEST);
        p.acquire("m2", 3, false, 1 << 20, EARLIEST);
        assertFalse(p.hasAvailable(EARLIEST));
        now.addAndGet(EARLIEST.lockDurationMs());
        p.expireLocks(now.get(), EARLIEST);
        assertTrue(p.hasAvailable(EARLIEST));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), offsets(p.acquire("m3", 10, false, 1 << 20, EARLIEST)));
        p.releaseMember("m3", EARLIEST).join();
        assertEquals(3, p.acquire("m1", 10, false, 1 << 20, EARLIEST).ranges().get(0).deliveryCount());
    }

    @Test
    void latestStartsAtTheHighWatermarkOfTheFirstFetchAndKeepsIt() {
        produce(5, 5);
        ShareGroupSettings latest = new ShareGroupSettings(30_000, 3, 2_000, false, "latest", true);
        SharePartition p = load(latest);
        assertEquals(5, p.startOffset());
        produce(3, 3);
        assertEquals(5, load(latest).startOffset(), "the stored start, not a new latest");
        assertEquals(List.of(5L, 6L, 7L), offsets(p.acquire("m1", 10, false, 1 << 20, latest)));
    }

    @Test
    void anAdminResetFencesTheLoadedCopy() {
        produce(5, 5);
        SharePartition p = load(EARLIEST);
        store.reset(key(), 3).join();
        p.acquire("m1", 10, false, 1 << 20, EARLIEST);
        assertEquals(Errors.FENCED_STATE_EPOCH, p.acknowledge("m1", List.of(new AckBatch(0, 0, new byte[]{1})),
                EARLIEST, false).join());
        assertFalse(p.isUsable());
        assertEquals(3, load(EARLIEST).startOffset());
    }
}

package io.spillway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.server.ServerConfig;
import io.spillway.server.SpillwayServer;
import io.spillway.testkit.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Log compaction (cleanup.policy=compact) as clients see it, against an in-process broker whose cleaner runs every
 * 200 ms and whose partition checkpoint (which lets the cleaner give disk space back) is written every 300 ms: the
 * latest record of each key stays at the offset it was produced at, tombstones stay for delete.retention.ms and then
 * go, compacted partitions survive a restart, compact,delete still applies retention, aborted transactions are
 * removed, a Kafka Streams table restores from its compacted changelog, the broker's own compacted topics (committed
 * offsets, transaction state) keep their state through compaction and a restart, consumers reading while the cleaner
 * rewrites batches and frees segments see only what was produced, and the shared log's files shrink.
 *
 * <p>Each test gets its own broker and data directory, so that the shared log holds only the test's own data.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CompactionTest {

    private static final Map<String, String> BROKER_SETTINGS = Map.of(
            "num.partitions", "1",
            "auto.create.topics.enable", "false",
            "log.cleaner.backoff.ms", "200",
            "spillway.checkpoint.interval.ms", "300",
            "spillway.wal.segment.bytes", Integer.toString(1 << 20),
            "log.retention.check.interval.ms", "200",
            // the broker's default min.cleanable.dirty.ratio, which its internal topics get: they are cleaned whenever
            // anything in them is dirty (at Kafka's 0.5, the transaction markers kept for delete.retention.ms can keep
            // the last few superseded offset commits from ever being half the log, in Kafka as here)
            "log.cleaner.min.cleanable.ratio", "0.01",
            "group.initial.rebalance.delay.ms", "0");

    /** How long a test waits for the cleaner (it runs every 200 ms; this is only a bound for a failing test). */
    private static final Duration AWAIT = Duration.ofSeconds(20);

    /** Topic configs that make every partition due as soon as it has anything to clean. */
    private static final Map<String, String> COMPACT = Map.of(
            "cleanup.policy", "compact",
            "min.cleanable.dirty.ratio", "0.01");

    private Path dataDir;
    private SpillwayServer server;
    private final Deque<AutoCloseable> clients = new ArrayDeque<>();
    private Admin admin;

    /** One record as a consumer saw it: a null value is a tombstone. */
    record Rec(long offset, String key, String value) {
        @Override
        public String toString() {
            return offset + ":" + key + "=" + (value == null ? "<tombstone>" : value);
        }
    }

    @BeforeEach
    void startBroker() throws Exception {
        dataDir = TempDirs.create("spillway-compaction");
        server = start();
    }

    @AfterEach
    void stopBroker() {
        closeClients();
        try {
            if (server != null) {
                server.close();
                server = null;
            }
        } finally {
            TempDirs.deleteQuietly(dataDir);
        }
    }

    private SpillwayServer start() throws Exception {
        return SpillwayServer.start(ServerConfig.builder()
                .dataDir(dataDir)
                .host("127.0.0.1")
                .port(0)
                .setAll(BROKER_SETTINGS)
                .build());
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1. latest value per key at its offset, end offset unchanged

    @Test
    void keepsTheLatestValueOfEachKeyAtTheOffsetItWasProducedAt() throws Exception {
        String topic = createTopic("latest", COMPACT);
        KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "5"));
        Map<String, Rec> latest = new LinkedHashMap<>();
        List<Rec> written = produceUpdates(producer, topic, 5, 200, "v", latest);
        assertThat(written).hasSize(1000);
        long end = written.get(written.size() - 1).offset() + 1;
        assertThat(end).isEqualTo(1000);
        TopicPartition tp = new TopicPartition(topic, 0);
        assertThat(latestOffset(tp)).isEqualTo(end);

        List<Rec> expected = sortedByOffset(latest.values());
        awaitRecords(topic, IsolationLevel.READ_UNCOMMITTED, expected, "latest record per key after compaction");

        assertThat(latestOffset(tp)).as("end offset after compaction").isEqualTo(end);
        assertThat(earliestOffset(tp)).as("log start offset after compaction (compaction never moves it)").isZero();

        // a consumer positioned on a removed record reads on from the next record kept, without an offset error
        long removed = written.get(500).offset();
        assertThat(expected).extracting(Rec::offset).doesNotContain(removed);
        List<Rec> fromRemoved = readFrom(topic, removed, IsolationLevel.READ_UNCOMMITTED);
        assertThat(fromRemoved).containsExactlyElementsOf(
                expected.stream().filter(r -> r.offset() >= removed).toList());

        // new appends go on at the old end offset
        RecordMetadata next = producer.send(new ProducerRecord<>(topic, "key-0", "after")).get(30, TimeUnit.SECONDS);
        assertThat(next.offset()).isEqualTo(end);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2. tombstones stay for delete.retention.ms, then go

    @Test
    void tombstonesStayReadableForDeleteRetentionThenGo() throws Exception {
        long deleteRetentionMs = 2500;
        Map<String, String> configs = new HashMap<>(COMPACT);
        configs.put("delete.retention.ms", Long.toString(deleteRetentionMs));
        String topic = createTopic("tombstones", configs);
        KafkaProducer<String, String> producer = producer(Map.of());
        Map<String, Rec> latest = new LinkedHashMap<>();
        produceUpdates(producer, topic, 3, 20, "v", latest);
        RecordMetadata deleted = producer.send(new ProducerRecord<>(topic, "key-1", null)).get(30, TimeUnit.SECONDS);
        long deletedAtMs = System.currentTimeMillis();
        latest.put("key-1", new Rec(deleted.offset(), "key-1", null));
        long end = deleted.offset() + 1;
        TopicPartition tp = new TopicPartition(topic, 0);

        List<Rec> withTombstone = sortedByOffset(latest.values());
        awaitRecords(topic, IsolationLevel.READ_UNCOMMITTED, withTombstone,
                "superseded records removed, the tombstone of key-1 still there");
        long compactedAtMs = System.currentTimeMillis();
        assertThat(compactedAtMs - deletedAtMs)
                .as("the first compaction must come well before delete.retention.ms, or the tombstone may be gone "
                        + "already (the test would prove nothing)")
                .isLessThan(deleteRetentionMs);

        latest.remove("key-1");
        List<Rec> withoutTombstone = sortedByOffset(latest.values());
        awaitRecords(topic, IsolationLevel.READ_UNCOMMITTED, withoutTombstone, "tombstone removed after its horizon");
        long goneAtMs = System.currentTimeMillis();
        assertThat(goneAtMs - deletedAtMs).as("the tombstone must stay at least delete.retention.ms")
                .isGreaterThanOrEqualTo(deleteRetentionMs);
        assertThat(latestOffset(tp)).as("end offset").isEqualTo(end);

        // a new value for the deleted key is an ordinary record again
        RecordMetadata again = producer.send(new ProducerRecord<>(topic, "key-1", "back")).get(30, TimeUnit.SECONDS);
        assertThat(again.offset()).isEqualTo(end);
        List<Rec> expected = new ArrayList<>(withoutTombstone);
        expected.add(new Rec(end, "key-1", "back"));
        assertThat(readAll(topic, IsolationLevel.READ_UNCOMMITTED)).containsExactlyElementsOf(expected);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 3. restart

    @Test
    void aCompactedPartitionSurvivesARestartAndIsCompactedFurtherAfterIt() throws Exception {
        String topic = createTopic("restart", COMPACT);
        TopicPartition tp = new TopicPartition(topic, 0);
        Map<String, Rec> latest = new LinkedHashMap<>();
        // compressed batches: the cleaner decompresses, filters and recompresses them
        List<Rec> written = produceUpdates(producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd")), topic, 4, 100, "v", latest);
        long end = written.get(written.size() - 1).offset() + 1;
        List<Rec> expected = sortedByOffset(latest.values());
        awaitRecords(topic, IsolationLevel.READ_UNCOMMITTED, expected, "compacted before the restart");
        long earliest = earliestOffset(tp);
        assertThat(earliest).isZero();

        closeClients();
        server.close();
        server = null;
        server = start();

        assertThat(readAll(topic, IsolationLevel.READ_UNCOMMITTED)).as("records after the restart")
                .containsExactlyElementsOf(expected);
        assertThat(latestOffset(tp)).as("end offset after the restart").isEqualTo(end);
        // a consumer that had committed an offset inside the removed prefix (say 1) must read on from there, not get
        // OFFSET_OUT_OF_RANGE (which auto.offset.reset=latest would turn into skipping every record)
        assertThat(expected.get(0).offset()).isGreaterThan(1);
        assertThat(readFrom(topic, 1, IsolationLevel.READ_UNCOMMITTED)).containsExactlyElementsOf(expected);
        assertThat(earliestOffset(tp)).as("log start offset after the restart").isEqualTo(earliest);

        // appends continue at the old end offset, and the cleaner goes on compacting them
        KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "5"));
        List<Rec> more = produceUpdates(producer, topic, 4, 50, "w", latest);
        assertThat(more.get(0).offset()).as("first offset appended after the restart").isEqualTo(end);
        awaitRecords(topic, IsolationLevel.READ_UNCOMMITTED, sortedByOffset(latest.values()),
                "compacted again after the restart");
        assertThat(latestOffset(tp)).isEqualTo(end + more.size());
    }

    // ---------------------------------------------------------------------------------------------------------
    // 4. compact,delete

    @Test
    void compactAndDeleteStillAppliesRetention() throws Exception {
        Map<String, String> configs = new HashMap<>(COMPACT);
        configs.put("cleanup.policy", "compact,delete");
        configs.put("retention.ms", "60000");
        String topic = createTopic("compact-delete", configs);
        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "5"));

        // old keys, written ten minutes in the past: past retention.ms, so retention removes them, latest or not
        long tenMinutesAgo = System.currentTimeMillis() - 600_000;
        List<Future<RecordMetadata>> old = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            for (int k = 0; k < 4; k++) {
                old.add(producer.send(new ProducerRecord<>(topic, null, tenMinutesAgo, "old-" + k, "old-" + k + "-" + round)));
            }
        }
        producer.flush();
        long lastOld = -1;
        for (Future<RecordMetadata> f : old) {
            lastOld = Math.max(lastOld, f.get(30, TimeUnit.SECONDS).offset());
        }
        // recent keys: compaction keeps the latest of each
        Map<String, Rec> latest = new LinkedHashMap<>();
        List<Rec> recent = produceUpdates(producer, topic, 3, 20, "new", latest);
        long firstRecent = recent.get(0).offset();
        assertThat(firstRecent).isEqualTo(lastOld + 1);
        long end = recent.get(recent.size() - 1).offset() + 1;

        // retention moves the log start past the old records (all at once: they all have the same timestamp); wait
        // for it first, so that no read below starts at a log start that retention is about to move
        awaitValue(() -> earliestOrMinusOne(tp), start -> start == firstRecent,
                "retention moves the log start offset past the expired records to " + firstRecent);
        awaitRecords(topic, IsolationLevel.READ_UNCOMMITTED, sortedByOffset(latest.values()),
                "old keys gone by retention, recent ones compacted");
        assertThat(earliestOffset(tp)).as("log start offset").isEqualTo(firstRecent);
        assertThat(latestOffset(tp)).as("end offset").isEqualTo(end);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 5. transactions

    @Test
    void compactionRemovesAbortedTransactionsAndKeepsCommittedOnes() throws Exception {
        String topic = createTopic("txn", COMPACT);
        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaProducer<String, String> producer = producer(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, EmbeddedBroker.uniqueName("compaction-txn")));
        producer.initTransactions();

        producer.beginTransaction();
        Rec c1 = send(producer, topic, "k1", "committed-1");
        send(producer, topic, "k2", "committed-1");
        producer.commitTransaction();

        producer.beginTransaction();
        send(producer, topic, "k1", "aborted"); // newer than k1's committed value, but aborted
        send(producer, topic, "k3", "aborted");
        producer.abortTransaction();

        producer.beginTransaction();
        Rec c2 = send(producer, topic, "k2", "committed-2");
        Rec c4 = send(producer, topic, "k4", "committed-1");
        producer.commitTransaction();

        // an open transaction: nothing from it on may be compacted, so k2's committed value must stay for
        // read_committed consumers even though the open transaction has a newer k2
        producer.beginTransaction();
        Rec pending = send(producer, topic, "k2", "pending");
        producer.flush();

        List<Rec> committed = List.of(c1, c2, c4);
        List<Rec> uncommittedView = List.of(c1, c2, c4, pending);
        awaitRecords(topic, IsolationLevel.READ_UNCOMMITTED, uncommittedView,
                "aborted records removed, compaction stopped before the open transaction");
        assertThat(readAll(topic, IsolationLevel.READ_COMMITTED)).as("read_committed with a transaction open")
                .containsExactlyElementsOf(committed);

        producer.commitTransaction();
        long end = pending.offset() + 2; // after the commit marker, which the coordinator writes once it has committed
        await(() -> latestOffsetOrZero(tp) == end, "the end offset reaches " + end);
        List<Rec> finalView = List.of(c1, c4, pending);
        awaitRecords(topic, IsolationLevel.READ_UNCOMMITTED, finalView, "compacted after the last commit");
        assertThat(readAll(topic, IsolationLevel.READ_COMMITTED)).as("read_committed after compaction")
                .containsExactlyElementsOf(finalView);
        assertThat(latestOffset(tp)).as("end offset").isEqualTo(end);

        // the producer's state survived compaction: it can go on with transactions on this partition
        producer.beginTransaction();
        Rec after = send(producer, topic, "k5", "after");
        producer.commitTransaction();
        assertThat(after.offset()).isEqualTo(end);
    }

    // ---------------------------------------------------------------------------------------------------------
    // the broker's own compacted topics

    @Test
    void committedOffsetsAndTransactionStateSurviveCompactionOfTheInternalTopicsAndARestart() throws Exception {
        String topic = createTopic("internal", Map.of());
        TopicPartition tp = new TopicPartition(topic, 0);
        String plainGroup = EmbeddedBroker.uniqueName("compaction-group");
        String txnGroup = EmbeddedBroker.uniqueName("compaction-txn-group");
        String txnId = EmbeddedBroker.uniqueName("compaction-txn-id");
        KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId));
        producer.initTransactions();
        KafkaConsumer<String, String> committer = consumer(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, plainGroup, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"));
        // a consumer of the transactional group that never joins it: its metadata names the group (generation -1)
        ConsumerGroupMetadata txnGroupMetadata = consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, txnGroup)).groupMetadata();
        int transactions = 40;
        for (int i = 1; i <= transactions; i++) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k" + (i % 3), "v" + i));
            producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(i)), txnGroupMetadata);
            producer.commitTransaction();
            committer.commitSync(Map.of(tp, new OffsetAndMetadata(i)));
        }

        // every commit and every transaction state change is a record of one of a few keys (two groups' offsets of
        // one partition, one transactional id): the cleaner leaves one record per key
        for (String internal : List.of("__consumer_offsets", "__transaction_state")) {
            TopicPartition itp = new TopicPartition(internal, 0);
            assertThat(latestOffset(itp)).as("records written to %s", internal).isGreaterThanOrEqualTo(transactions);
            awaitValue(() -> readAll(internal, IsolationLevel.READ_UNCOMMITTED),
                    records -> !records.isEmpty() && records.size() <= 2
                            && records.stream().map(Rec::key).distinct().count() == records.size(),
                    internal + " compacted to one record per key");
        }
        assertThat(committed(plainGroup, tp)).as("committed offset of the plain group").isEqualTo(transactions);
        assertThat(committed(txnGroup, tp)).as("committed offset of the transactional group").isEqualTo(transactions);

        closeClients();
        server.close();
        server = null;
        server = start();

        assertThat(committed(plainGroup, tp)).as("committed offset of the plain group after the restart")
                .isEqualTo(transactions);
        assertThat(committed(txnGroup, tp)).as("committed offset of the transactional group after the restart")
                .isEqualTo(transactions);
        KafkaProducer<String, String> again = producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId));
        again.initTransactions();
        again.beginTransaction();
        again.send(new ProducerRecord<>(topic, "k0", "after-restart"));
        again.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(transactions + 1)),
                consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, txnGroup)).groupMetadata());
        again.commitTransaction();
        assertThat(committed(txnGroup, tp)).isEqualTo(transactions + 1);
        List<Rec> committedRecords = readAll(topic, IsolationLevel.READ_COMMITTED);
        assertThat(committedRecords).hasSize(transactions + 1);
        assertThat(committedRecords.get(transactions).value()).isEqualTo("after-restart");
    }

    private long committed(String group, TopicPartition tp) throws Exception {
        OffsetAndMetadata committed = admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS).get(tp);
        return committed == null ? -1 : committed.offset();
    }

    // ---------------------------------------------------------------------------------------------------------
    // 6. Kafka Streams: a KTable restored from its compacted changelog

    @Test
    void aKafkaStreamsTableRestoresFromItsCompactedChangelog() throws Exception {
        String input = createTopic("streams-input", Map.of());
        String appId = EmbeddedBroker.uniqueName("compaction-app");
        String changelog = appId + "-latest-changelog";
        Path stateDir = TempDirs.create("spillway-compaction-streams");
        int keys = 10;
        int rounds = 30;
        try {
            Map<String, String> expected = new LinkedHashMap<>();
            KafkaStreams first = startStreams(appId, input, stateDir, new AtomicLong());
            try {
                awaitState(first, KafkaStreams.State.RUNNING);
                KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "5"));
                Map<String, Rec> written = new LinkedHashMap<>();
                produceUpdates(producer, input, keys, rounds, "v", written);
                written.forEach((k, r) -> expected.put(k, r.value()));
                awaitStore(first, expected, "the first run's store");
                // every update went to the changelog (the record cache is off)
                TopicPartition ctp = new TopicPartition(changelog, 0);
                await(() -> latestOffsetOrZero(ctp) >= (long) keys * rounds, "changelog holds every update");
            } finally {
                first.close(leaveGroup());
            }

            // the broker compacts the changelog to one record per key
            List<Rec> compacted = awaitCount(changelog, keys, "changelog compacted to one record per key");
            Map<String, String> inChangelog = new HashMap<>();
            compacted.forEach(r -> inChangelog.put(r.key(), r.value()));
            assertThat(inChangelog).isEqualTo(expected);

            // a fresh instance without local state restores the table from the compacted changelog
            TempDirs.delete(stateDir);
            Files.createDirectories(stateDir);
            AtomicLong restored = new AtomicLong();
            KafkaStreams second = startStreams(appId, input, stateDir, restored);
            try {
                awaitState(second, KafkaStreams.State.RUNNING);
                awaitStore(second, expected, "the store restored from the compacted changelog");
                assertThat(restored.get()).as("records restored from the changelog").isEqualTo(keys);

                // and goes on updating it
                producer(Map.of()).send(new ProducerRecord<>(input, "key-3", "after-restore")).get(30, TimeUnit.SECONDS);
                expected.put("key-3", "after-restore");
                awaitStore(second, expected, "the restored store after a new update");
            } finally {
                second.close(leaveGroup());
            }
        } finally {
            TempDirs.deleteQuietly(stateDir);
        }
    }

    private KafkaStreams startStreams(String appId, String input, Path stateDir, AtomicLong restored) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.table(input, Consumed.with(Serdes.String(), Serdes.String()),
                Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("latest")
                        .withKeySerde(Serdes.String())
                        .withValueSerde(Serdes.String())
                        .withLoggingEnabled(Map.of("min.cleanable.dirty.ratio", "0.01")));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0");
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), "100");
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        streams.setGlobalStateRestoreListener(new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition partition, String store, long start, long end) {
            }

            @Override
            public void onBatchRestored(TopicPartition partition, String store, long batchEnd, long count) {
                restored.addAndGet(count);
            }

            @Override
            public void onRestoreEnd(TopicPartition partition, String store, long total) {
            }
        });
        streams.start();
        return streams;
    }

    private static org.apache.kafka.streams.CloseOptions leaveGroup() {
        return org.apache.kafka.streams.CloseOptions.groupMembershipOperation(
                org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(20));
    }

    private static void awaitState(KafkaStreams streams, KafkaStreams.State state) {
        await(() -> streams.state() == state || streams.state() == KafkaStreams.State.ERROR
                || streams.state() == KafkaStreams.State.PENDING_ERROR, "Kafka Streams reaches " + state);
        assertThat(streams.state()).isEqualTo(state);
    }

    private static void awaitStore(KafkaStreams streams, Map<String, String> expected, String what) {
        Map<String, String> last = Map.of();
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                ReadOnlyKeyValueStore<String, String> store = streams.store(
                        StoreQueryParameters.fromNameAndType("latest", QueryableStoreTypes.keyValueStore()));
                Map<String, String> now = new HashMap<>();
                try (var it = store.all()) {
                    it.forEachRemaining(kv -> now.put(kv.key, kv.value));
                }
                last = now;
                if (now.equals(expected)) {
                    return;
                }
            } catch (InvalidStateStoreException e) {
                // rebalancing or restoring: ask again
            }
            sleep(100);
        }
        assertThat(last).as(what).isEqualTo(expected);
    }

    // ---------------------------------------------------------------------------------------------------------
    // disk usage

    @Test
    void theSharedLogShrinksOnceSupersededDataIsCompactedAndCheckpointed() throws Exception {
        // nothing is compactable at first (min.compaction.lag.ms), so that the test sees the log at its full size
        Map<String, String> configs = new HashMap<>(COMPACT);
        configs.put("min.compaction.lag.ms", "3600000");
        String topic = createTopic("disk", configs);
        String padding = "x".repeat(2000);
        KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "5"));
        Map<String, Rec> latest = new LinkedHashMap<>();
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        List<String[]> sent = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String key = "key-" + (i % 20);
            String value = i + "-" + padding;
            futures.add(producer.send(new ProducerRecord<>(topic, key, value)));
            sent.add(new String[] {key, value});
        }
        producer.flush();
        for (int i = 0; i < futures.size(); i++) {
            RecordMetadata md = futures.get(i).get(30, TimeUnit.SECONDS);
            latest.put(sent.get(i)[0], new Rec(md.offset(), sent.get(i)[0], sent.get(i)[1]));
        }
        long before = walBytes();
        assertThat(before).as("the shared log holds the ~6 MB written").isGreaterThan(5L << 20);
        sleep(1000); // a few cleaner passes and checkpoints: nothing may be freed while nothing is compactable
        assertThat(readAll(topic, IsolationLevel.READ_UNCOMMITTED)).as("records before compaction").hasSize(3000);
        assertThat(walBytes()).as("wal bytes while min.compaction.lag.ms holds the cleaner back").isGreaterThanOrEqualTo(before);

        admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                new AlterConfigOp(new ConfigEntry("min.compaction.lag.ms", "0"), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS);

        awaitRecords(topic, IsolationLevel.READ_UNCOMMITTED, sortedByOffset(latest.values()),
                "one record per key");
        long[] after = {before};
        await(() -> (after[0] = walBytes()) < (2L << 20),
                "the shared log's files shrink below 2 MiB after compaction and a checkpoint");
        assertThat(after[0]).as("bytes of wal files after compaction (before: %d)", before).isLessThan(before / 3);
        // and the data is still all there
        assertThat(readAll(topic, IsolationLevel.READ_UNCOMMITTED)).containsExactlyElementsOf(sortedByOffset(latest.values()));
    }

    @Test
    void consumersReadingWhileTheCleanerRewritesAndFreesSegmentsSeeOnlyWhatWasProduced() throws Exception {
        String topic = createTopic("concurrent", COMPACT);
        String padding = "p".repeat(1000);
        int total = 4000;
        KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "2"));
        Map<String, Rec> latest = new ConcurrentHashMap<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        // one producer, in order, into a new partition: record i lands at offset i, which the reads below check
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    String key = "key-" + (i % 10);
                    String value = i + ":" + padding;
                    producer.send(new ProducerRecord<>(topic, key, value), (md, e) -> {
                        if (e != null) {
                            failures.add(e);
                        } else {
                            latest.merge(key, new Rec(md.offset(), key, value),
                                    (a, b) -> a.offset() > b.offset() ? a : b);
                        }
                    });
                    if (i % 200 == 199) {
                        Thread.sleep(50); // spread the writes over a few cleaner passes and checkpoints
                    }
                }
                producer.flush();
            } catch (Throwable t) {
                failures.add(t);
            }
        }, "compaction-writer");
        writer.start();
        int reads = 0;
        long recordsRead = 0;
        do {
            List<Rec> read = readAll(topic, IsolationLevel.READ_UNCOMMITTED);
            long previous = -1;
            for (Rec r : read) {
                assertThat(r.offset()).as("offsets in a read increase").isGreaterThan(previous);
                previous = r.offset();
                int i = Integer.parseInt(r.value().substring(0, r.value().indexOf(':')));
                assertThat(r.offset()).as("offset of %s", r.key()).isEqualTo(i);
                assertThat(r.key()).isEqualTo("key-" + (i % 10));
                assertThat(r.value()).isEqualTo(i + ":" + padding);
            }
            reads++;
            recordsRead += read.size();
        } while (writer.isAlive());
        writer.join();
        assertThat(failures).isEmpty();
        assertThat(latest).hasSize(10);
        assertThat(reads).as("reads made while writing (%d records)", recordsRead).isGreaterThanOrEqualTo(2);
        awaitRecords(topic, IsolationLevel.READ_UNCOMMITTED, sortedByOffset(latest.values()), "one record per key");
        assertThat(latestOffset(new TopicPartition(topic, 0))).isEqualTo(total);
    }

    private long walBytes() {
        try (Stream<Path> files = Files.list(dataDir.resolve("wal"))) {
            return files.filter(f -> f.getFileName().toString().matches("wal-\\d+\\.log"))
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            return 0; // deleted while listing
                        }
                    }).sum();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // helpers

    /**
     * Sends {@code rounds} updates of each of {@code keys} keys ("key-0".."key-N"), round by round, records the
     * latest of each key in {@code latest} (with its acknowledged offset) and returns all of them in offset order.
     */
    private static List<Rec> produceUpdates(KafkaProducer<String, String> producer, String topic, int keys, int rounds,
                                            String prefix, Map<String, Rec> latest) throws Exception {
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        List<String[]> sent = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < keys; k++) {
                String key = "key-" + k;
                String value = prefix + "-" + k + "-" + round;
                futures.add(producer.send(new ProducerRecord<>(topic, key, value)));
                sent.add(new String[] {key, value});
            }
        }
        producer.flush();
        List<Rec> out = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            RecordMetadata md = futures.get(i).get(30, TimeUnit.SECONDS);
            Rec r = new Rec(md.offset(), sent.get(i)[0], sent.get(i)[1]);
            out.add(r);
            latest.put(r.key(), r);
        }
        out.sort(Comparator.comparingLong(Rec::offset));
        for (int i = 1; i < out.size(); i++) {
            assertThat(out.get(i).offset()).as("acknowledged offsets are consecutive").isEqualTo(out.get(i - 1).offset() + 1);
        }
        return out;
    }

    private static Rec send(KafkaProducer<String, String> producer, String topic, String key, String value)
            throws Exception {
        RecordMetadata md = producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        return new Rec(md.offset(), key, value);
    }

    private static List<Rec> sortedByOffset(java.util.Collection<Rec> records) {
        return records.stream().sorted(Comparator.comparingLong(Rec::offset)).toList();
    }

    /** Reads the partition from its start until the end offset (or LSO) and waits until it equals {@code expected}. */
    private void awaitRecords(String topic, IsolationLevel isolation, List<Rec> expected, String what) {
        List<Rec> last = List.of();
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (System.nanoTime() < deadline) {
            last = readAll(topic, isolation);
            if (last.equals(expected)) {
                return;
            }
            sleep(100);
        }
        assertThat(last).as("%s (%s)", what, isolation).containsExactlyElementsOf(expected);
    }

    /** Waits until the partition holds exactly {@code count} records; returns them. */
    private List<Rec> awaitCount(String topic, int count, String what) {
        List<Rec> last = List.of();
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (System.nanoTime() < deadline) {
            last = readAll(topic, IsolationLevel.READ_UNCOMMITTED);
            if (last.size() == count) {
                return last;
            }
            sleep(100);
        }
        assertThat(last).as(what).hasSize(count);
        return last;
    }

    /** Waits until {@code value} meets {@code condition}; a timeout fails with the last value seen. */
    private static <T> T awaitValue(Supplier<T> value, Predicate<T> condition, String what) {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        T last = value.get();
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + AWAIT.toSeconds() + " s waiting until " + what
                        + "; last seen: " + last);
            }
            sleep(100);
            last = value.get();
        }
        return last;
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + AWAIT.toSeconds() + " s waiting until " + what);
            }
            sleep(100);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private final Map<IsolationLevel, KafkaConsumer<String, String>> readers = new ConcurrentHashMap<>();

    private List<Rec> readAll(String topic, IsolationLevel isolation) {
        return readFrom(topic, -1, isolation);
    }

    /**
     * Every record of partition 0 from {@code from} (-1: the log start) up to the end offset the consumer sees at the
     * start of the read (the high watermark, or the LSO for read_committed). Uses auto.offset.reset=none, so that an
     * offset out of range fails the read instead of being skipped over.
     */
    private List<Rec> readFrom(String topic, long from, IsolationLevel isolation) {
        KafkaConsumer<String, String> consumer = readers.computeIfAbsent(isolation, i -> consumer(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, i.toString(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none")));
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(List.of(tp));
        if (from < 0) {
            consumer.seekToBeginning(List.of(tp));
        } else {
            consumer.seek(tp, from);
        }
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        List<Rec> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (consumer.position(tp) < end) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("reading " + tp + " stopped at offset " + consumer.position(tp)
                        + " before its end offset " + end + "; read " + out);
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                out.add(new Rec(r.offset(), r.key(), r.value()));
            }
        }
        return out;
    }

    private long latestOffset(TopicPartition tp) throws Exception {
        return admin().listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
    }

    private long latestOffsetOrZero(TopicPartition tp) {
        try {
            return latestOffset(tp);
        } catch (Exception e) {
            return 0; // the topic is not there yet
        }
    }

    private long earliestOffset(TopicPartition tp) throws Exception {
        return admin().listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
    }

    private long earliestOrMinusOne(TopicPartition tp) {
        try {
            return earliestOffset(tp);
        } catch (Exception e) {
            return -1;
        }
    }

    private String createTopic(String prefix, Map<String, String> configs) throws Exception {
        String name = EmbeddedBroker.uniqueName("compaction-" + prefix);
        admin().createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(configs))).all().get(30, TimeUnit.SECONDS);
        return name;
    }

    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"));
            clients.push(admin);
        }
        return admin;
    }

    private KafkaProducer<String, String> producer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        config.putAll(overrides);
        KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        clients.push(producer);
        return producer;
    }

    private KafkaConsumer<String, String> consumer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap());
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        config.putAll(overrides);
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        clients.push(consumer);
        return consumer;
    }

    private void closeClients() {
        while (!clients.isEmpty()) {
            AutoCloseable c = clients.pop();
            try {
                if (c instanceof KafkaProducer<?, ?> p) {
                    p.close(Duration.ofSeconds(5));
                } else if (c instanceof KafkaConsumer<?, ?> k) {
                    k.close(CloseOptions.timeout(Duration.ofSeconds(2)));
                } else if (c instanceof Admin a) {
                    a.close(Duration.ofSeconds(5));
                } else {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("[CompactionTest] closing " + c + " failed: " + e);
            }
        }
        admin = null;
        readers.clear();
    }
}

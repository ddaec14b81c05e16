package io.spillway.coordinator.txn;

import io.spillway.common.ManualTime;
import io.spillway.common.SerialExecutor;
import io.spillway.common.Time;
import io.spillway.log.HighWatermarkListener;
import io.spillway.log.LogConfig;
import io.spillway.log.LogManager;
import io.spillway.log.PartitionLog;
import io.spillway.storage.local.LocalSharedLog;
import io.spillway.storage.local.LocalSharedLogConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transaction coordinator over real partition logs: a decided transaction whose markers were never written
 * (the broker died right after the decision was durable) finishes them when the coordinator loads again, while
 * the data partition's last stable offset stays before the transaction until then; producer id rotation at
 * epoch exhaustion; the persisted record's golden bytes.
 */
class TransactionCoordinatorTest {
    private static final TopicPartition DATA = new TopicPartition("t", 0);

    @TempDir
    Path dir;
    private LogManager logs;
    private PartitionLog state;
    private PartitionLog data;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong producerIds = new AtomicLong(1000);
    private final List<TransactionCoordinator> coordinators = new ArrayList<>();

    /** Writes markers into the data partition, or (while {@link #stalled}) never: a broker that died meanwhile. */
    private final class Markers implements TransactionMarkerWriter {
        boolean stalled;
        int written;

        @Override
        public CompletableFuture<Void> writeMarkers(long producerId, short epoch, int coordinatorEpoch, boolean commit,
                                                    Set<TopicPartition> partitions) {
            if (stalled) {
                return new CompletableFuture<>();
            }
            written++;
            return partitions.contains(DATA)
                    ? data.appendEndTxnMarker(producerId, epoch, coordinatorEpoch, commit).durable()
                    : CompletableFuture.completedFuture(null);
        }
    }

    @BeforeEach
    void open() {
        logs = new LogManager(new LocalSharedLog(LocalSharedLogConfig.defaults(dir).withFsync(false)), Time.SYSTEM,
                HighWatermarkListener.NONE);
        state = logs.open(1, "__transaction_state", 0, LogConfig.DEFAULT, 0);
        data = logs.open(2, "t", 0, LogConfig.DEFAULT, 0);
        logs.recover();
    }

    @AfterEach
    void close() throws Exception {
        coordinators.forEach(c -> c.unload().join());
        scheduler.shutdownNow();
        logs.close();
    }

    private TransactionCoordinator coordinator(Markers markers) {
        return coordinator(markers, Time.SYSTEM);
    }

    private TransactionCoordinator coordinator(Markers markers, Time time) {
        TransactionCoordinator c = new TransactionCoordinator(state, starts -> { }, TransactionConfig.DEFAULT,
                producerIds::incrementAndGet, markers, new SerialExecutor(Runnable::run), scheduler, time);
        c.load().join();
        coordinators.add(c);
        return c;
    }

    private static ByteBuffer transactionalBatch(long producerId, short epoch, int sequence, String value) {
        return MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, sequence,
                new SimpleRecord(value.getBytes(), value.getBytes())).buffer();
    }

    @Test
    void aDecidedTransactionWritesItsMarkersAfterARestartAndUntilThenHoldsTheLastStableOffset() {
        Markers stalled = new Markers();
        stalled.stalled = true;
        TransactionCoordinator first = coordinator(stalled);
        TransactionCoordinator.ProducerIdAndEpoch producer = first.initProducerId("app", 60_000, false, false, -1, (short) -1)
                .join();
        assertThat(first.addPartitions("app", producer.producerId(), producer.producerEpoch(), Set.of(DATA), 0).join())
                .isEqualTo(Errors.NONE);
        data.append(transactionalBatch(producer.producerId(), producer.producerEpoch(), 0, "in-txn"), true).durable().join();
        assertThat(first.endTransaction("app", producer.producerId(), producer.producerEpoch(), true, 0).join().error())
                .isEqualTo(Errors.NONE);
        assertThat(first.inspect("app").join().state()).isEqualTo(TransactionState.PREPARE_COMMIT);
        assertThat(data.lastStableOffset()).as("undecided in the data partition").isZero();
        assertThat(data.highWatermark()).isEqualTo(1);

        first.unload().join(); // the broker dies: the markers never went out
        Markers working = new Markers();
        TransactionCoordinator second = coordinator(working);
        assertThat(working.written).isEqualTo(1);
        assertThat(second.inspect("app").join().state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
        assertThat(data.lastStableOffset()).isEqualTo(2);
        assertThat(data.openTransactions()).isEmpty();
    }

    /**
     * The Java producer (transactions version 2) can send EndTxn(commit) ahead of the batches of its transaction.
     * The coordinator answers CONCURRENT_TRANSACTIONS, so that the producer retries once its batches are answered,
     * instead of Kafka's fatal INVALID_TXN_STATE; a producer that keeps at it gets Kafka's answer in the end.
     */
    @Test
    void aCommitAheadOfItsRecordsIsToldToRetryUntilTheRecordsBeginTheTransaction() {
        ManualTime time = new ManualTime(1_000_000);
        TransactionCoordinator c = coordinator(new Markers(), time);
        TransactionCoordinator.ProducerIdAndEpoch p = c.initProducerId("early", 60_000, false, false, -1, (short) -1)
                .join();
        assertThat(c.endTransaction("early", p.producerId(), p.producerEpoch(), true, 2).join().error())
                .as("commit before any record").isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(c.inspect("early").join().state()).isEqualTo(TransactionState.EMPTY);

        assertThat(c.addPartitions("early", p.producerId(), p.producerEpoch(), Set.of(DATA), 2).join())
                .isEqualTo(Errors.NONE);
        TransactionCoordinator.ProducerIdAndEpoch next = c.endTransaction("early", p.producerId(), p.producerEpoch(),
                true, 2).join();
        assertThat(next.error()).as("the retried commit, after the records").isEqualTo(Errors.NONE);
        assertThat(next.producerEpoch()).isEqualTo((short) (p.producerEpoch() + 1));
        assertThat(c.inspect("early").join().state()).isEqualTo(TransactionState.COMPLETE_COMMIT);

        assertThat(c.endTransaction("early", next.producerId(), next.producerEpoch(), true, 2).join().error())
                .as("the next commit, ahead of its records").isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        time.advanceMs(TransactionCoordinatorShard.EARLY_COMMIT_TOLERANCE_MS - 1);
        assertThat(c.endTransaction("early", next.producerId(), next.producerEpoch(), true, 2).join().error())
                .isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        time.advanceMs(1);
        assertThat(c.endTransaction("early", next.producerId(), next.producerEpoch(), true, 2).join().error())
                .as("no records came: Kafka's answer").isEqualTo(Errors.INVALID_TXN_STATE);
        TransactionCoordinator.ProducerIdAndEpoch v1 = c.initProducerId("v1", 60_000, false, false, -1, (short) -1)
                .join();
        assertThat(c.endTransaction("v1", v1.producerId(), v1.producerEpoch(), true, 0).join().error())
                .as("version 1 adds partitions first, so no such race: Kafka's answer at once")
                .isEqualTo(Errors.INVALID_TXN_STATE);
    }

    @Test
    void anExhaustedEpochRotatesTheProducerIdAndARetryOfThatIsRecognised() {
        long oldProducerId = 77;
        TransactionMetadata exhausted = new TransactionMetadata("app", oldProducerId, -1, -1,
                TransactionMetadata.MAX_USABLE_EPOCH, (short) (TransactionMetadata.MAX_USABLE_EPOCH - 1), 60_000,
                TransactionState.COMPLETE_COMMIT, Set.of(), 1, 1, 0);
        TransactionRecordSerde serde = new TransactionRecordSerde();
        TransactionRecord record = new TransactionRecord("app", exhausted);
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(512), Compression.NONE,
                TimestampType.CREATE_TIME, 0L);
        builder.append(1L, serde.key(record), serde.value(record));
        state.appendFromCoordinator(builder.build().buffer()).durable().join();

        TransactionCoordinator c = coordinator(new Markers());
        TransactionCoordinator.ProducerIdAndEpoch rotated = c.initProducerId("app", 60_000, false, false, oldProducerId,
                TransactionMetadata.MAX_USABLE_EPOCH).join();
        assertThat(rotated.error()).isEqualTo(Errors.NONE);
        assertThat(rotated.producerId()).isNotEqualTo(oldProducerId);
        assertThat(rotated.producerEpoch()).isZero();
        // the producer did not get the answer and retries with what it had: it gets its new id, not a fence
        TransactionCoordinator.ProducerIdAndEpoch retried = c.initProducerId("app", 60_000, false, false, oldProducerId,
                TransactionMetadata.MAX_USABLE_EPOCH).join();
        assertThat(retried.error()).isEqualTo(Errors.NONE);
        assertThat(retried.producerId()).isEqualTo(rotated.producerId());
        // an older instance is fenced
        assertThat(c.initProducerId("app", 60_000, false, false, oldProducerId, (short) 3).join().error())
                .isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void aTransactionRecordIsWrittenAsItsGoldenBytes() {
        TransactionMetadata m = new TransactionMetadata("app", 5, 4, -1, (short) 2, (short) 1, 60_000,
                TransactionState.ONGOING, Set.of(new TopicPartition("t", 1), new TopicPartition("t", 0)), 100, 200, 2);
        TransactionRecordSerde serde = new TransactionRecordSerde();
        TransactionRecord record = new TransactionRecord("app", m);
        String key = "00010003617070";
        String value = "0000" + "0000000000000005" + "0000000000000004" + "ffffffffffffffff" + "0002" + "0001" + "0000ea60"
                + "01" + "00000001" + "000174" + "00000002" + "00000000" + "00000001" + "0000000000000064"
                + "00000000000000c8" + "02";
        HexFormat hex = HexFormat.of();
        assertThat(hex.formatHex(serde.key(record))).isEqualTo(key);
        assertThat(hex.formatHex(serde.value(record))).isEqualTo(value);
        assertThat(serde.decode(ByteBuffer.wrap(hex.parseHex(key)), ByteBuffer.wrap(hex.parseHex(value)))).isEqualTo(record);
        assertThat(serde.decode(ByteBuffer.wrap(hex.parseHex(key)), null)).isEqualTo(new TransactionRecord("app", null));
    }
}

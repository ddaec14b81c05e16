package io.spillway.coordinator.share;

import io.spillway.common.SerialExecutor;
import io.spillway.common.Time;
import io.spillway.coordinator.runtime.CoordinatorPartitions;
import io.spillway.coordinator.share.SharePartitionState.StateBatch;
import io.spillway.log.HighWatermarkListener;
import io.spillway.log.LogConfig;
import io.spillway.log.LogManager;
import io.spillway.log.PartitionLog;
import io.spillway.storage.local.LocalSharedLog;
import io.spillway.storage.local.LocalSharedLogConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedStateEpochException;
import org.apache.kafka.common.errors.InvalidRequestException;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The share coordinator over real partition logs: what is written is read back (ACQUIRED as AVAILABLE), a write
 * replaces the whole state, admin operations fence older writers and tell the reset listeners, deletes by group
 * and by topic, the same state after a restart and after a rewrite, a stream's share-partitions kept in (and
 * forgotten with) the stream's own partition, and bad writes refused without a trace.
 */
class ShareCoordinatorTest {
    private static final Uuid T1 = new Uuid(1, 1);
    private static final Uuid T2 = new Uuid(2, 2);
    /** A topic of stream /s, whose share state lives in that stream's partition. */
    private static final Uuid IN_STREAM = new Uuid(3, 3);
    private static final SharePartitionKey G_T1_0 = new SharePartitionKey("g", T1, 0);
    private static final SharePartitionKey G_T1_1 = new SharePartitionKey("g", T1, 1);
    private static final SharePartitionKey G_T2_0 = new SharePartitionKey("g", T2, 0);
    private static final SharePartitionKey H_T1_0 = new SharePartitionKey("h", T1, 0);
    private static final SharePartitionKey G_STREAM_0 = new SharePartitionKey("g", IN_STREAM, 0);

    @TempDir
    Path dir;
    private LogManager logs;
    private PartitionLog home;
    private final Places places = new Places();
    private final Map<Uuid, String> streamOfTopic = new ConcurrentHashMap<>(Map.of(IN_STREAM, "/s"));
    private final Map<Long, Long> logStarts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<ShareCoordinator> coordinators = new ArrayList<>();
    private final List<SharePartitionKey> resets = new CopyOnWriteArrayList<>();

    /** The streams' partitions, opened on first use under a fixed key each; a deleted one cannot be opened again. */
    private final class Places implements CoordinatorPartitions {
        final Map<String, PartitionLog> byPlace = new ConcurrentHashMap<>();
        final Set<String> deleted = ConcurrentHashMap.newKeySet();

        @Override
        public PartitionLog home() {
            return home;
        }

        @Override
        public synchronized PartitionLog open(String place) {
            return deleted.contains(place) ? null : byPlace.computeIfAbsent(place, this::openLog);
        }

        private PartitionLog openLog(String place) {
            return logs.open(keyOf(place), place + ":__share_group_state", 0, LogConfig.DEFAULT,
                    logStarts.getOrDefault(keyOf(place), 0L));
        }

        private long keyOf(String place) {
            return 100 + place.hashCode() % 1000;
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

        /** After a restart of the log manager: the places that existed are opened again. */
        void reopen() {
            List<String> existed = List.copyOf(byPlace.keySet());
            byPlace.clear();
            existed.forEach(this::open);
        }
    }

    @BeforeEach
    void open() {
        openLogs();
    }

    private void openLogs() {
        logs = new LogManager(new LocalSharedLog(LocalSharedLogConfig.defaults(dir).withFsync(false)), Time.SYSTEM,
                HighWatermarkListener.NONE);
        home = logs.open(1, "__share_group_state", 0, LogConfig.DEFAULT, logStarts.getOrDefault(1L, 0L));
        places.reopen();
        logs.recover();
    }

    @AfterEach
    void close() throws Exception {
        coordinators.forEach(c -> c.unload().join());
        scheduler.shutdownNow();
        logs.close();
    }

    private ShareCoordinator coordinator() {
        ShareCoordinator c = new ShareCoordinator(places, logStarts::putAll, streamOfTopic::get,
                new SerialExecutor(Runnable::run), scheduler, Time.SYSTEM);
        c.load().join();
        c.addResetListener(resets::add);
        coordinators.add(c);
        return c;
    }

    /** The broker stops and starts again: logs closed and reopened, a new coordinator replays them. */
    private ShareCoordinator restart() throws Exception {
        coordinators.forEach(c -> c.unload().join());
        coordinators.clear();
        logs.close();
        openLogs();
        return coordinator();
    }

    private static SharePartitionState state(int epoch, long start, StateBatch... batches) {
        return new SharePartitionState(epoch, start, List.of(batches));
    }

    private static StateBatch batch(long first, long last, DeliveryState state, int count) {
        return new StateBatch(first, last, state, (short) count);
    }

    /** A variety of states in both partitions, for the restart and rewrite tests. */
    private static void writeSome(ShareCoordinator c) {
        c.write(G_T1_0, state(0, 10, batch(10, 12, DeliveryState.ACKNOWLEDGED, 1),
                batch(13, 13, DeliveryState.AVAILABLE, 2))).join();
        c.write(G_T1_0, state(0, 13, batch(13, 13, DeliveryState.ARCHIVED, 5))).join();
        c.write(G_T1_1, state(0, 0)).join();
        c.write(H_T1_0, state(0, SharePartitionState.UNINITIALIZED)).join();
        c.write(G_STREAM_0, state(0, 7, batch(8, 9, DeliveryState.ACKNOWLEDGED, 1))).join();
        c.reset(G_T2_0, 40).join();
        c.write(G_T2_0, state(1, 41)).join();
    }

    @Test
    void whatIsWrittenIsReadBackWithAcquiredRecordsAvailableAgain() {
        ShareCoordinator c = coordinator();
        assertThat(c.read(G_T1_0).join()).as("nothing stored").isNull();
        c.write(G_T1_0, state(0, 100, batch(100, 104, DeliveryState.ACKNOWLEDGED, 1),
                batch(105, 107, DeliveryState.ACQUIRED, 2), batch(110, 110, DeliveryState.ARCHIVED, 5))).join();

        assertThat(c.read(G_T1_0).join()).isEqualTo(state(0, 100, batch(100, 104, DeliveryState.ACKNOWLEDGED, 1),
                batch(105, 107, DeliveryState.AVAILABLE, 2), batch(110, 110, DeliveryState.ARCHIVED, 5)));
        assertThat(c.read(G_T1_1).join()).as("another partition").isNull();
        assertThat(home.highWatermark()).as("durable when answered").isEqualTo(1);
    }

    @Test
    void aWriteReplacesTheWholeState() {
        ShareCoordinator c = coordinator();
        c.write(G_T1_0, state(0, 100, batch(100, 104, DeliveryState.ACKNOWLEDGED, 1),
                batch(105, 107, DeliveryState.AVAILABLE, 2))).join();
        c.write(G_T1_0, state(0, 105, batch(106, 106, DeliveryState.ARCHIVED, 3))).join();

        assertThat(c.read(G_T1_0).join()).isEqualTo(state(0, 105, batch(106, 106, DeliveryState.ARCHIVED, 3)));
        c.write(G_T1_0, state(0, 108)).join();
        assertThat(c.read(G_T1_0).join()).isEqualTo(state(0, 108));
    }

    @Test
    void aWriteUnderAnOlderStateEpochIsFencedAndChangesNothing() {
        ShareCoordinator c = coordinator();
        c.write(G_T1_0, state(3, 50)).join();
        long end = home.logEndOffset();

        assertThatThrownBy(() -> c.write(G_T1_0, state(2, 60)).join())
                .hasCauseInstanceOf(FencedStateEpochException.class).hasMessageContaining("state epoch 3");
        assertThat(home.logEndOffset()).as("nothing written").isEqualTo(end);
        assertThat(c.read(G_T1_0).join()).isEqualTo(state(3, 50));

        c.write(G_T1_0, state(3, 70)).join();
        c.write(G_T1_0, state(4, 80)).join();
        assertThat(c.read(G_T1_0).join()).as("the same or a newer epoch is taken").isEqualTo(state(4, 80));
    }

    @Test
    void aResetRaisesTheEpochDropsTheInFlightRecordsAndTellsTheListenersOnceDurable() {
        ShareCoordinator c = coordinator();
        List<Long> seenAtHighWatermark = new CopyOnWriteArrayList<>();
        c.addResetListener(key -> {
            throw new IllegalStateException("a broken listener");
        });
        c.addResetListener(key -> seenAtHighWatermark.add(home.highWatermark()));

        c.reset(G_T1_0, 30).join();
        assertThat(c.read(G_T1_0).join()).as("none stored: epoch 1, fencing a broker that assumed 0")
                .isEqualTo(state(1, 30));
        assertThatThrownBy(() -> c.write(G_T1_0, state(0, 31)).join())
                .hasCauseInstanceOf(FencedStateEpochException.class);

        c.write(G_T1_0, state(1, 31, batch(31, 35, DeliveryState.ACKNOWLEDGED, 1))).join();
        c.reset(G_T1_0, 20).join();
        assertThat(c.read(G_T1_0).join()).isEqualTo(state(2, 20));

        assertThat(resets).as("told after the broken listener").containsExactly(G_T1_0, G_T1_0);
        assertThat(seenAtHighWatermark).as("told once durable").containsExactly(1L, 3L);
    }

    @Test
    void deletingAGroupTakesAllItsStateOrThatOfTheNamedTopicsAndTellsTheListeners() {
        ShareCoordinator c = coordinator();
        writeSome(c);
        resets.clear();

        c.delete("g", Set.of(T2)).join();
        assertThat(c.readGroup("g").join()).containsOnlyKeys(G_T1_0, G_T1_1, G_STREAM_0);
        assertThat(resets).containsExactly(G_T2_0);

        c.delete("g", null).join();
        assertThat(c.readGroup("g").join()).isEmpty();
        assertThat(resets).containsExactlyInAnyOrder(G_T2_0, G_T1_0, G_T1_1, G_STREAM_0);
        assertThat(c.readGroup("h").join()).as("other groups keep theirs").containsOnlyKeys(H_T1_0);
        c.delete("nobody", null).join();
    }

    @Test
    void deletedTopicsTakeEveryGroupsStateOfThemWithoutTellingTheListeners() {
        ShareCoordinator c = coordinator();
        writeSome(c);
        resets.clear();

        c.forgetTopics(Set.of(T1, IN_STREAM)).join();

        assertThat(c.readGroup("g").join()).containsOnlyKeys(G_T2_0);
        assertThat(c.readGroup("h").join()).isEmpty();
        assertThat(resets).isEmpty();
        assertThat(places.existing("/s").logEndOffset()).as("the stream's tombstone went to its partition")
                .isEqualTo(2);
    }

    @Test
    void aRestartReplaysTheSameState() throws Exception {
        ShareCoordinator c = coordinator();
        writeSome(c);
        c.delete("h", null).join();
        Map<SharePartitionKey, SharePartitionState> before = c.readGroup("g").join();
        assertThat(before).hasSize(4);

        ShareCoordinator after = restart();

        assertThat(after.readGroup("g").join()).isEqualTo(before);
        assertThat(after.readGroup("h").join()).isEmpty();
        assertThatThrownBy(() -> after.write(G_T2_0, state(0, 50)).join()).as("the epoch survives too")
                .hasCauseInstanceOf(FencedStateEpochException.class);
    }

    @Test
    void aRewriteKeepsOneRecordPerLiveKeyAndTheSameState() throws Exception {
        ShareCoordinator c = coordinator();
        writeSome(c);
        c.delete("h", null).join();
        for (int i = 0; i < 20; i++) {
            c.write(G_T1_1, state(0, i)).join();
        }
        Map<SharePartitionKey, SharePartitionState> before = c.readGroup("g").join();

        c.rewriteNow().join();

        assertThat(home.logEndOffset() - home.logStartOffset()).as("the three live keys kept at home").isEqualTo(3);
        PartitionLog stream = places.existing("/s");
        assertThat(stream.logEndOffset() - stream.logStartOffset()).as("the stream's one live key").isEqualTo(1);
        assertThat(c.readGroup("g").join()).isEqualTo(before);
        assertThat(restart().readGroup("g").join()).as("and so after a restart").isEqualTo(before);
    }

    @Test
    void aStreamsShareStateLivesInItsPartitionEvenOnceTheTopicMovesAndGoesWithTheStream() {
        ShareCoordinator c = coordinator();
        c.write(G_STREAM_0, state(0, 5)).join();
        assertThat(places.existing("/s").logEndOffset()).isEqualTo(1);
        assertThat(home.logEndOffset()).isZero();

        streamOfTopic.remove(IN_STREAM); // e.g. the topic is gone: the key still goes where it went first
        c.write(G_STREAM_0, state(0, 6)).join();
        c.reset(G_STREAM_0, 1).join();
        assertThat(places.existing("/s").logEndOffset()).isEqualTo(3);
        assertThat(home.logEndOffset()).isZero();

        c.write(G_T1_0, state(0, 1)).join();
        places.delete("/s");
        c.forgetStream("/s").join();
        assertThat(c.readGroup("g").join()).containsOnlyKeys(G_T1_0);
    }

    @Test
    void badWritesAreRefusedAndLeaveNoTrace() {
        ShareCoordinator c = coordinator();
        List<CompletableFuture<Void>> refused = List.of(
                c.write(G_T1_0, state(0, 10, batch(20, 25, DeliveryState.AVAILABLE, 1),
                        batch(10, 12, DeliveryState.AVAILABLE, 1))),
                c.write(G_T1_0, state(0, 10, batch(10, 15, DeliveryState.AVAILABLE, 1),
                        batch(15, 16, DeliveryState.ARCHIVED, 1))),
                c.write(G_T1_0, state(-1, 10)),
                c.write(G_T1_0, state(0, -2)),
                c.write(G_T1_0, state(0, SharePartitionState.UNINITIALIZED, batch(0, 1, DeliveryState.AVAILABLE, 1))),
                c.write(G_T1_0, state(0, 10, batch(10, 11, DeliveryState.AVAILABLE, -1))),
                c.write(G_T1_0, null),
                c.write(new SharePartitionKey("", T1, 0), state(0, 10)),
                c.write(new SharePartitionKey("g", T1, -1), state(0, 10)),
                c.reset(G_T1_0, -5),
                c.read(new SharePartitionKey("", T1, 0)).thenApply(s -> null));
        for (CompletableFuture<Void> f : refused) {
            assertThatThrownBy(f::join).hasCauseInstanceOf(InvalidRequestException.class);
        }
        assertThat(home.logEndOffset()).isZero();
        assertThat(c.readGroup("g").join()).isEmpty();
    }
}

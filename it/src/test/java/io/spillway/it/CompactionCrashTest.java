package io.spillway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.spillway.it.BrokerLog.Event;
import io.spillway.testkit.Ports;
import io.spillway.testkit.SpillwayProcess;
import io.spillway.testkit.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Durability of compacted topics under kill -9. A broker in a child JVM, with small shared-log segments (the data
 * spans many of them), a cleaner that runs every {@value #CLEANER_BACKOFF_MS} ms with its I/O throttled (so a pass
 * takes a while) and frequent partition checkpoints (so copies are swapped in, and old segments released and
 * deleted, all the time), takes a stream of updates of a bounded key set from one idempotent acks=all producer; each
 * value carries the update's sequence number. The broker is killed with SIGKILL {@value #KILLS} times and restarted
 * on the same directory and port, so the producer's retries reach the new process. The kills are aimed, from the
 * broker's DEBUG log lines, at the start of a cleaner pass (copies being written, none swapped in), the middle of one
 * (some partitions swapped to their copies and not yet checkpointed), its end (the checkpoint that frees the old
 * segments about to be written or deleting them), and at random moments. Half the runs (by seed) give the cleaner a
 * key map smaller than a partition's key set, so that passes stop where the map fills and leave the rest to the next.
 *
 * <p>After each restart the producer pauses and every partition is read from the beginning: for every key the latest
 * acknowledged update is present at exactly its acknowledged offset, or a later update of the key is present; an
 * acknowledged update that is present sits at its acknowledged offset; offsets increase, and so do the updates of
 * each key; no update is present twice; every record is one this test produced (key, partition, sequence number and
 * checksum); and the broker started cleanly and logged no error, cleaner failure or unusable checkpoint. At the end
 * the producer stops, the cleaner compacts everything (exactly one record per key, far fewer than were produced), and
 * a last kill -9 after the checkpoint let the old segments go must bring back exactly the compacted log.
 */
class CompactionCrashTest {

    private static final String TOPIC = "compaction-crash";
    private static final int PARTITIONS = 3;
    private static final int KEYS = 1500;
    private static final int KILLS = 6;
    private static final int RECORDS_PER_SECOND = 4000;
    private static final int MAX_OUTSTANDING = 2000;
    private static final int MAX_SEQ = 1_000_000;
    private static final long CLEANER_BACKOFF_MS = 150;
    private static final long CHECKPOINT_INTERVAL_MS = 250;
    private static final int SEGMENT_BYTES = 64 << 10;
    private static final long CLEANER_IO_BYTES_PER_SECOND = 2L << 20;
    /** A cleaner key map of 280 slots, filled to 90 %: 252 keys, half of a partition's {@value #KEYS} / {@value #PARTITIONS}. */
    private static final int SMALL_KEY_MAP_BYTES = 24 * 280;

    private static final Pattern PASS = Pattern.compile("^Compacted (\\d+) partitions: .* in (\\d+) ms");
    private static final String IN_A_PASS = "in a cleaner pass";
    private static final String SWAPPED = " partition(s) swapped to their copies";
    private static final Pattern PARTITION_DONE = Pattern.compile("^Compacted (\\S+) up to offset (\\d+)");
    /** Lines a clean start and a healthy cleaner never print. */
    private static final List<String> FORBIDDEN = List.of(" ERROR ", "Ignoring the partition checkpoint",
            "Could not compact", "Log cleaner pass failed", "Could not write the partition checkpoint",
            "Could not delete unused segment");

    private Path dataDir;
    private SpillwayProcess broker;
    private SpillwayProcess.Builder builder;
    private Random random;

    // what the producer did, by sequence number (one sequence number per send, over the whole test)
    private final AtomicLongArray ackedOffset = new AtomicLongArray(MAX_SEQ);
    private final long[] latestAckedOffset = new long[KEYS]; // guarded by itself
    private final int[] latestAckedSeq = new int[KEYS];
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger acked = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final List<String> killNotes = new ArrayList<>();

    @BeforeEach
    void setUp() {
        dataDir = TempDirs.create("spillway-compaction-crash");
        for (int i = 0; i < MAX_SEQ; i++) {
            ackedOffset.set(i, -1);
        }
        java.util.Arrays.fill(latestAckedOffset, -1);
        java.util.Arrays.fill(latestAckedSeq, -1);
    }

    @AfterEach
    void tearDown() {
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            TempDirs.deleteQuietly(dataDir);
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void compactedTopicKeepsTheLatestAcknowledgedUpdateOfEveryKeyAcrossKill9() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        random = new Random(seed);
        log("seed %d (rerun with -Dcrash.seed=%d)", seed, seed);
        long testStart = System.nanoTime();

        builder = SpillwayProcess.builder()
                .name("compaction-crash")
                .dataDir(dataDir)
                .port(Ports.freePort())
                .env("SPILLWAY_LOG_LEVEL", "DEBUG") // the cleaner's per-partition lines and the checkpoints
                .jvmArg("-XX:TieredStopAtLevel=1") // many restarts: C1 alone gets the broker ready sooner on two cores
                .set("auto.create.topics.enable", "false")
                .set("spillway.fsync", "true")
                .set("spillway.wal.segment.bytes", Integer.toString(SEGMENT_BYTES))
                .set("spillway.checkpoint.interval.ms", Long.toString(CHECKPOINT_INTERVAL_MS))
                .set("log.cleaner.backoff.ms", Long.toString(CLEANER_BACKOFF_MS))
                .set("log.cleaner.io.max.bytes.per.second", Long.toString(CLEANER_IO_BYTES_PER_SECOND));
        boolean smallKeyMap = random.nextBoolean();
        if (smallKeyMap) {
            builder.set("log.cleaner.dedupe.buffer.size", Integer.toString(SMALL_KEY_MAP_BYTES));
        }
        log("cleaner key map: %s", smallKeyMap ? SMALL_KEY_MAP_BYTES + " bytes (fills before a pass has seen every key)"
                : "the default");
        broker = builder.start();
        createTopic();

        Sender sender = new Sender();
        Thread senderThread = new Thread(sender, "compaction-crash-sender");
        senderThread.start();
        try {
            for (int kill = 0; kill < KILLS; kill++) {
                sender.resume();
                killNotes.add(killBroker(kill, KillMode.values()[kill % KillMode.values().length]));
                broker = builder.start();
                Thread.sleep(300 + random.nextInt(700)); // the producer's retries land on the new process
                sender.pauseAndDrain();
                Snapshot s = verify("after kill " + kill);
                log("kill %d: %s; sent %d, acked %d, failed %d; present %d records, end offsets %s, %d shared-log "
                                + "segments on disk", kill, killNotes.get(kill), sent.get(), acked.get(), failed.get(),
                        s.size(), s.endOffsets, segmentFiles());
            }
            assertThat(killNotes.stream().filter(n -> n.contains(SWAPPED)).count())
                    .as("kills that landed in a cleaner pass after it swapped in copies of some partitions: %s", killNotes)
                    .isPositive();
        } finally {
            sender.stop();
            senderThread.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(senderThread.isAlive()).as("sender thread stopped").isFalse();
        assertThat(sender.error()).as("sender error").isNull();
        log("producer done: sent %d, acked %d, failed %d %s", sent.get(), acked.get(), failed.get(), failures);

        // the cleaner runs to completion: one record per key
        Snapshot compacted = awaitFullyCompacted();
        int keysWritten = 0;
        for (int k = 0; k < KEYS; k++) {
            keysWritten += latestAckedOffset(k) >= 0 ? 1 : 0;
        }
        assertThat(compacted.size())
                .as("records left after the final pass: one per key (%d keys acknowledged)", keysWritten)
                .isGreaterThanOrEqualTo(keysWritten)
                .isLessThan(acked.get());
        log("fully compacted: %d records of %d acknowledged (%d sent), end offsets %s", compacted.size(),
                acked.get(), sent.get(), compacted.endOffsets);

        // a last kill once the checkpoint has let the old segments go: the compacted log comes back as it was
        awaitCheckpointAfterLastPass();
        broker.kill9();
        assertNoForbiddenLines(broker);
        broker = builder.start();
        Snapshot afterRestart = verify("after the final kill");
        assertThat(afterRestart.records).as("the compacted log after kill -9 and restart").isEqualTo(compacted.records);
        broker.stop();
        assertNoForbiddenLines(broker);
        log("kills: %s", killNotes);
        log("done in %d ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - testStart));
    }

    /** When a kill comes. */
    private enum KillMode {
        /** Just after a cleaner pass started: copies of its first partition are being written, none swapped in. */
        PASS_START,
        /** Just after the pass under way swapped in the copies of a partition: the rest are being written. */
        IN_PASS,
        /** Right after a pass ended: the checkpoint that frees the old segments is due, being written or deleting them. */
        AFTER_PASS,
        /** At a random moment. */
        RANDOM
    }

    /** Kills the broker while the producer writes; returns where the kill landed, from the broker's log. */
    private String killBroker(int kill, KillMode mode) throws Exception {
        int ackedBefore = acked.get();
        Thread.sleep(300); // some updates first
        BrokerLog.Tail tail = new BrokerLog.Tail(broker.logFile());
        if (mode == KillMode.RANDOM) {
            Thread.sleep(random.nextInt(1700));
        } else {
            tail.await(PASS, Duration.ofSeconds(20), "before kill " + kill);
            switch (mode) {
                case PASS_START -> Thread.sleep(CLEANER_BACKOFF_MS + 20 + random.nextInt(60));
                case IN_PASS -> {
                    tail.await(PARTITION_DONE, Duration.ofSeconds(20), "before kill " + kill);
                    Thread.sleep(random.nextInt(40));
                }
                default -> Thread.sleep(random.nextInt(80));
            }
        }
        assertThat(acked.get()).as("acknowledgements before kill %d", kill).isGreaterThan(ackedBefore);
        LocalTime at = LocalTime.now();
        assertThat(broker.kill9()).as("exit code after SIGKILL").isEqualTo(137);
        assertNoForbiddenLines(broker);
        return whereKilled(broker, at) + " (" + mode.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    /**
     * Where the cleaner was when the broker was killed at {@code at}, from the lines of its thread (which also writes
     * the checkpoints, and after each deletes the segments that rewritten batches no longer need).
     */
    private static String whereKilled(SpillwayProcess process, LocalTime at) throws IOException {
        Event last = null;
        Event lastPass = null;
        int partitionsDone = 0;
        int segmentsDeleted = 0;
        for (Event e : BrokerLog.events(process.logFile())) {
            if (!e.thread().startsWith("spillway-checkpoint") && !e.message().startsWith("Spillway is ready")) {
                continue; // e.g. a segment deleted when it was sealed with nothing live in it
            }
            if (PASS.matcher(e.message()).find()) {
                lastPass = e;
                partitionsDone = 0;
            } else if (PARTITION_DONE.matcher(e.message()).find()) {
                partitionsDone++;
            } else if (e.message().startsWith("Deleted segment")) {
                segmentsDeleted = last != null && last.message().startsWith("Deleted segment") ? segmentsDeleted + 1 : 1;
            } else if (!e.message().startsWith("Checkpointed") && !e.message().startsWith("Spillway is ready")) {
                continue;
            }
            last = e;
        }
        if (last == null) {
            return "before the cleaner's first pass";
        }
        long sinceLastMs = BrokerLog.millisBetween(last.time(), at);
        if (PARTITION_DONE.matcher(last.message()).find()) {
            return IN_A_PASS + ", " + partitionsDone + SWAPPED + " and not yet checkpointed, "
                    + sinceLastMs + " ms after the last";
        }
        if (last.message().startsWith("Deleted segment")) {
            return "while a checkpoint freed old segments (" + segmentsDeleted + " deleted so far), " + sinceLastMs
                    + " ms after the last";
        }
        if (lastPass != null) {
            // the cleaner's next pass starts a backoff after the last ended, or when a checkpoint (same thread) that
            // ran then is done; while the producer writes, every pass finds something to compact
            long passStartsMs = Math.max(CLEANER_BACKOFF_MS, BrokerLog.millisBetween(lastPass.time(), last.time()));
            long intoPassMs = BrokerLog.millisBetween(lastPass.time(), at) - passStartsMs;
            if (intoPassMs > 30) {
                return IN_A_PASS + " (from the timing), on its first partition, about " + intoPassMs
                        + " ms after it started";
            }
            if (last == lastPass) {
                return "after a pass, " + sinceLastMs + " ms after it ended, before the checkpoint that frees the old "
                        + "segments";
            }
        }
        return "between cleaner passes, " + sinceLastMs + " ms after a checkpoint";
    }

    private void createTopic() throws Exception {
        try (Admin admin = Admin.create(CrashTestClients.adminProps(broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1).configs(Map.of(
                    "cleanup.policy", "compact",
                    "min.cleanable.dirty.ratio", "0.01",
                    "min.compaction.lag.ms", "0"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    /** One idempotent acks=all producer for the whole test, sending at a steady rate unless paused. */
    private final class Sender extends PacedSender {
        private final Random keys = new Random(random.nextLong());

        Sender() {
            super(RECORDS_PER_SECOND, MAX_OUTSTANDING);
        }

        @Override
        protected void produce() throws Exception {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    CrashTestClients.producerProps(broker.bootstrap()))) {
                sendAtRate(() -> send(producer));
            }
        }

        private void send(KafkaProducer<String, String> producer) {
            int seq = sent.get();
            assertThat(seq).as("sequence numbers").isLessThan(MAX_SEQ);
            int key = keys.nextInt(KEYS);
            ProducerRecord<String, String> record = new ProducerRecord<>(TOPIC, partitionOf(key), key(key),
                    value(key, seq));
            sent.incrementAndGet();
            try {
                producer.send(record, (md, e) -> {
                    if (e == null) {
                        onAck(key, seq, md.offset());
                    } else {
                        failed.incrementAndGet();
                        failures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                    }
                    release();
                });
            } catch (RuntimeException e) {
                // while the broker is down a send may time out waiting for metadata: not acknowledged
                failed.incrementAndGet();
                failures.merge(e.getClass().getSimpleName() + "(send)", 1, Integer::sum);
                release();
            }
        }
    }

    private void onAck(int key, int seq, long offset) {
        ackedOffset.set(seq, offset);
        acked.incrementAndGet();
        synchronized (latestAckedOffset) {
            if (offset > latestAckedOffset[key]) {
                latestAckedOffset[key] = offset;
                latestAckedSeq[key] = seq;
            }
        }
    }

    private long latestAckedOffset(int key) {
        synchronized (latestAckedOffset) {
            return latestAckedOffset[key];
        }
    }

    /** A record read back: its key, sequence number and offset. */
    private record Stored(int key, int seq) {
    }

    /** Every record present, by partition and offset. */
    private record Snapshot(Map<TopicPartition, TreeMap<Long, Stored>> records, Map<TopicPartition, Long> endOffsets) {
        int size() {
            return records.values().stream().mapToInt(Map::size).sum();
        }
    }

    /** Reads every partition from the beginning (the producer is paused) and checks it against what was acknowledged. */
    private Snapshot verify(String when) throws Exception {
        assertNoForbiddenLines(broker);
        Snapshot s = readAll(when);
        Map<Integer, Long> newestPresent = new HashMap<>();
        Map<Integer, Integer> seqPresent = new HashMap<>();
        Map<Integer, Integer> newestSeqPresent = new HashMap<>();
        for (Map.Entry<TopicPartition, TreeMap<Long, Stored>> p : s.records.entrySet()) {
            for (Map.Entry<Long, Stored> r : p.getValue().entrySet()) {
                long offset = r.getKey();
                Stored stored = r.getValue();
                long ackedAt = ackedOffset.get(stored.seq);
                if (ackedAt >= 0 && ackedAt != offset) {
                    fail("%s: update %d of key %d was acknowledged at %s@%d but is present at offset %d",
                            when, stored.seq, stored.key, p.getKey(), ackedAt, offset);
                }
                Integer other = seqPresent.put(stored.seq, stored.key);
                if (other != null) {
                    fail("%s: update %d of key %d is present twice (second time at %s@%d)", when, stored.seq,
                            stored.key, p.getKey(), offset);
                }
                newestPresent.merge(stored.key, offset, Math::max);
                Integer before = newestSeqPresent.put(stored.key, stored.seq);
                if (before != null && before > stored.seq) {
                    fail("%s: updates of key %d out of order in %s: update %d at offset %d follows update %d", when,
                            stored.key, p.getKey(), stored.seq, offset, before);
                }
            }
        }
        List<String> lost = new ArrayList<>();
        synchronized (latestAckedOffset) {
            for (int k = 0; k < KEYS; k++) {
                long ackedAt = latestAckedOffset[k];
                if (ackedAt < 0) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(TOPIC, partitionOf(k));
                Stored at = s.records.get(tp).get(ackedAt);
                boolean present = at != null && at.key == k && at.seq == latestAckedSeq[k];
                boolean superseded = newestPresent.getOrDefault(k, -1L) > ackedAt;
                if (!present && !superseded) {
                    lost.add(String.format("key %d: update %d acknowledged at %s@%d, found there %s, newest present "
                            + "offset of the key %s", k, latestAckedSeq[k], tp, ackedAt, at, newestPresent.get(k)));
                }
            }
        }
        assertThat(lost).as("%s: keys whose latest acknowledged update is gone (%d)", when, lost.size()).isEmpty();
        return s;
    }

    private Snapshot readAll(String when) throws Exception {
        List<TopicPartition> tps = new ArrayList<>();
        Map<TopicPartition, TreeMap<Long, Stored>> records = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            TopicPartition tp = new TopicPartition(TOPIC, p);
            tps.add(tp);
            records.put(tp, new TreeMap<>());
        }
        Map<TopicPartition, Long> endOffsets = CrashTestClients.readFromBeginning(broker.bootstrap(), tps, when, r -> {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            Stored stored = parse(r);
            if (stored == null) {
                fail("%s: a record this test did not produce at %s@%d: key %s, value %s", when, tp,
                        r.offset(), r.key(), r.value());
            }
            records.get(tp).put(r.offset(), stored);
        });
        return new Snapshot(records, endOffsets);
    }

    /** Waits until the cleaner has left exactly one record of each key (the producer has stopped). */
    private Snapshot awaitFullyCompacted() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (true) {
            Snapshot s = verify("after the producer stopped");
            long keysPresent = s.records.values().stream().flatMap(m -> m.values().stream()).mapToInt(Stored::key)
                    .distinct().count();
            if (s.size() == keysPresent) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                fail("the cleaner did not leave one record per key within 40 s: %d records of %d keys; broker log:%n%s",
                        s.size(), keysPresent, broker.tail(30));
            }
            Thread.sleep(300);
        }
    }

    /** Waits for a checkpoint written after the last cleaner pass, which releases the segments of the originals. */
    private void awaitCheckpointAfterLastPass() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            List<Event> all = BrokerLog.events(broker.logFile());
            int lastPass = -1;
            int lastCheckpoint = -1;
            for (int i = 0; i < all.size(); i++) {
                if (PASS.matcher(all.get(i).message()).find()) {
                    lastPass = i;
                } else if (all.get(i).message().startsWith("Checkpointed")) {
                    lastCheckpoint = i;
                }
            }
            if (lastCheckpoint > lastPass) {
                Thread.sleep(2 * CLEANER_BACKOFF_MS); // and no pass since
                return;
            }
            Thread.sleep(50);
        }
        fail("no checkpoint after the last cleaner pass within 20 s; broker log:%n%s", broker.tail(30));
    }

    private static void assertNoForbiddenLines(SpillwayProcess process) throws IOException {
        BrokerLog.assertNoForbiddenLines(process.logFile(), FORBIDDEN);
    }

    private long segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("wal"))) {
            return files.filter(f -> !f.getFileName().toString().contains("checkpoint")).count();
        }
    }

    private static int partitionOf(int key) {
        return key % PARTITIONS;
    }

    private static String key(int key) {
        return String.format("key-%05d", key);
    }

    /** "key|seq|padding|checksum": the padding varies in length with the sequence number. */
    private static String value(int key, int seq) {
        String body = key(key) + "|" + seq + "|" + "0123456789abcdef".repeat(4 + seq % 9);
        return body + "|" + Integer.toHexString(body.hashCode());
    }

    /** The key and sequence number of a record this test produced, or null for anything else. */
    private Stored parse(ConsumerRecord<String, String> r) {
        if (r.key() == null || r.value() == null || !r.key().startsWith("key-")) {
            return null;
        }
        int key;
        int seq;
        try {
            key = Integer.parseInt(r.key().substring(4));
            String[] parts = r.value().split("\\|");
            if (parts.length != 4) {
                return null;
            }
            seq = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return null;
        }
        if (key < 0 || key >= KEYS || seq < 0 || seq >= sent.get() || partitionOf(key) != r.partition() || !r.value().equals(value(key, seq))) {
            return null;
        }
        return new Stored(key, seq);
    }

    private static void log(String format, Object... args) {
        System.out.printf("[CompactionCrashTest] " + format + "%n", args);
    }
}

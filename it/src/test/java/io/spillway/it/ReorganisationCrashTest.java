package io.spillway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.spillway.it.BrokerLog.Event;
import io.spillway.testkit.Ports;
import io.spillway.testkit.SpillwayProcess;
import io.spillway.testkit.TempDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Durability of data the segment reorganiser moves, under kill -9. A broker in a child JVM, with small shared-log
 * segments, frequent retention checks and checkpoints, and a reorganiser that runs every
 * {@value #REORGANISE_INTERVAL_MS} ms with its I/O throttled (so that a pass takes a while), takes two topics written
 * interleaved into the same segments by two idempotent acks=all producers: {@value #SHORT} with
 * retention.ms={@value #SHORT_RETENTION_MS}, whose data expires and leaves the segments sparse, and {@value #KEPT}
 * with retention.ms=-1, a few small batches in every segment, each value carrying its sequence number and a checksum.
 * The reorganiser keeps moving the kept batches out of the sparse segments to the head of the log (where, interleaved
 * with new short-lived data, they end up in sparse segments again), and each following checkpoint frees the old
 * segments.
 *
 * <p>The broker is killed with SIGKILL {@value #KILLS} times and restarted on the same directory and port, so the
 * producers' retries reach the new process. The kills are aimed, from the broker's DEBUG lines, at the start of a
 * reorganiser pass (copies of the first partition being written, none swapped in), just after a partition was swapped
 * to its copies (not yet checkpointed), just after a pass (the checkpoint that holds the copies due or being written),
 * as soon as the checkpoint after a pass deletes an old segment (the copies' locations published, the old segments
 * going), and at random moments. After each restart the producers pause and both topics are read from the beginning. The kept topic: every acknowledged record present exactly once at its acknowledged offset; offsets
 * contiguous from 0 (nothing of it ever expires), sequence numbers increasing; every record seen at an earlier check
 * still at its offset; nothing this test did not produce. The short topic: what is left sits at its acknowledged
 * offsets, once, and every acknowledged record younger than its retention is there. The broker started cleanly and
 * logged no error and no unusable checkpoint.
 *
 * <p>At the end the producers stop; once the short topic has expired and the reorganiser and a checkpoint have run,
 * the shared log on disk (the wal-*.log files) must be a small fraction of what was written, and one last kill -9 and
 * restart must bring back the kept topic unchanged.
 */
class ReorganisationCrashTest {

    private static final String SHORT = "short";
    private static final String KEPT = "kept";
    private static final int PARTITIONS = 2;
    private static final int KILLS = 6;
    /** Records a second over both topics; one in {@value #KEPT_EVERY} goes to the kept topic. */
    private static final int RECORDS_PER_SECOND = 600;
    private static final int KEPT_EVERY = 12;
    private static final int MAX_OUTSTANDING = 2000;
    private static final int MAX_SEQ = 200_000;
    private static final long SHORT_RETENTION_MS = 2000;
    private static final long RETENTION_CHECK_MS = 200;
    private static final long REORGANISE_INTERVAL_MS = 250;
    private static final long CHECKPOINT_INTERVAL_MS = 250;
    private static final int SEGMENT_BYTES = 64 << 10;
    private static final long IO_BYTES_PER_SECOND = 256L << 10;

    private static final Pattern PASS_START = Pattern.compile("^Reorganising (\\d+) sparse segments");
    private static final Pattern MOVED = Pattern.compile("^Moved (\\d+) live bytes of (\\S+) out of sparse segments");
    private static final Pattern PASS_END = Pattern.compile(
            "^Reorganised (\\d+) sparse segments of the shared log: moved (\\d+) live bytes of (\\d+) partitions in (\\d+) ms");
    private static final String SWAPPED = "swapped to their copies, not yet checkpointed";
    /** Lines a clean start and a healthy reorganiser never print. */
    private static final List<String> FORBIDDEN = List.of(" ERROR ", "Ignoring the partition checkpoint",
            "Segment reorganisation failed", "Could not move the data of " + KEPT, "Could not write the partition checkpoint",
            "Could not delete unused segment", "Retention pass failed");

    private Path dataDir;
    private SpillwayProcess broker;
    private SpillwayProcess.Builder builder;
    private Random random;

    private final Produced shortTopic = new Produced(SHORT, 900, 300);
    private final Produced keptTopic = new Produced(KEPT, 120, 160);
    private final List<String> killNotes = new ArrayList<>();
    /** The kept topic as last read: every record of it must stay where it is. */
    private Map<TopicPartition, TreeMap<Long, Integer>> keptBefore = Map.of();
    /** Reorganiser passes seen in the broker logs of the killed processes: count, bytes moved, longest in ms. */
    private int passes;
    private long bytesMoved;
    private long longestPassMs;
    private int keptMoves;

    @BeforeEach
    void setUp() {
        dataDir = TempDirs.create("spillway-reorganisation-crash");
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
    void batchesMovedOutOfSparseSegmentsSurviveKill9AndTheSpaceComesBack() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        random = new Random(seed);
        log("seed %d (rerun with -Dcrash.seed=%d)", seed, seed);
        long testStart = System.nanoTime();

        builder = SpillwayProcess.builder()
                .name("reorganisation-crash")
                .dataDir(dataDir)
                .port(Ports.freePort())
                .env("SPILLWAY_LOG_LEVEL", "DEBUG") // the reorganiser's pass and partition lines, checkpoints, deletions
                // nine restarts: C1 alone gets the broker ready about 1.5 s sooner on two cores (about 4 s otherwise)
                .jvmArg("-XX:TieredStopAtLevel=1")
                .set("auto.create.topics.enable", "false")
                .set("spillway.fsync", "true")
                .set("spillway.wal.segment.bytes", Integer.toString(SEGMENT_BYTES))
                .set("spillway.checkpoint.interval.ms", Long.toString(CHECKPOINT_INTERVAL_MS))
                .set("spillway.storage.reorganise.interval.ms", Long.toString(REORGANISE_INTERVAL_MS))
                .set("spillway.storage.reorganise.live.ratio", "0.5")
                .set("log.retention.check.interval.ms", Long.toString(RETENTION_CHECK_MS))
                .set("log.cleaner.io.max.bytes.per.second", Long.toString(IO_BYTES_PER_SECOND))
                .set("log.segment.delete.delay.ms", "1000");
        broker = builder.start();
        createTopics();

        Sender sender = new Sender();
        Thread senderThread = new Thread(sender, "reorganisation-crash-sender");
        senderThread.start();
        try {
            for (int kill = 0; kill < KILLS; kill++) {
                sender.resume();
                killNotes.add(killBroker(kill, KillMode.values()[kill % KillMode.values().length]));
                broker = builder.start();
                Thread.sleep(300 + random.nextInt(700)); // the producers' retries land on the new process
                sender.pauseAndDrain();
                Read read = verify("after kill " + kill);
                log("kill %d: %s; %s; %s; kept end offsets %s, %d records of the short topic left; %d segment files, "
                                + "%,d bytes", kill, killNotes.get(kill), shortTopic, keptTopic, read.endOffsets(KEPT),
                        read.size(SHORT), walFiles().size(), walBytes());
            }
            assertThat(killNotes.stream().filter(n -> n.contains(SWAPPED)).count())
                    .as("kills that landed after a pass swapped in copies and before a checkpoint held them: %s", killNotes)
                    .isPositive();
        } finally {
            sender.stop();
            senderThread.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(senderThread.isAlive()).as("sender thread stopped").isFalse();
        assertThat(sender.error()).as("sender error").isNull();
        long stoppedAtMs = System.currentTimeMillis();
        log("producers done: %s; %s", shortTopic, keptTopic);

        // the short topic expires; the reorganiser moves the kept batches out of the sparse segments, a checkpoint
        // frees those, and what is left on disk is about the kept topic
        long written = (long) (highestSegmentId() + 1) * SEGMENT_BYTES;
        Read settled = awaitSpaceBack(written, stoppedAtMs);
        awaitCheckpointAfterLastPass();
        Read before = verify("after the space came back");
        assertThat(before.records.get(KEPT)).as("the kept topic while the space came back").isEqualTo(settled.records.get(KEPT));
        long walBefore = walBytes();
        log("space back: %,d bytes in %d segment files of about %,d written; kept topic %,d records (%,d bytes of "
                        + "values); short topic %d records", walBefore, walFiles().size(), written,
                before.size(KEPT), keptTopic.ackedBytes.get(), before.size(SHORT));

        // a last kill once the checkpoint has let the old segments go: the kept topic comes back as it was
        broker.kill9();
        BrokerLog.assertNoForbiddenLines(broker.logFile(), FORBIDDEN);
        countPasses(broker);
        broker = builder.start();
        Read after = verify("after the final kill");
        assertThat(after.records.get(KEPT)).as("the kept topic after kill -9 and restart").isEqualTo(before.records.get(KEPT));
        assertThat(after.endOffsets(KEPT)).as("kept end offsets after the final restart").isEqualTo(before.endOffsets(KEPT));
        assertThat(after.size(SHORT)).as("records of the short topic after the final restart").isZero();
        assertThat(walBytes()).as("bytes of the shared log after the final restart").isLessThanOrEqualTo(walBefore);
        broker.stop();
        BrokerLog.assertNoForbiddenLines(broker.logFile(), FORBIDDEN);
        countPasses(broker);
        log("kills: %s", killNotes);
        log("reorganiser passes completed: %d, %,d bytes moved, longest %d ms; kept partitions swapped to copies %d "
                + "times", passes, bytesMoved, longestPassMs, keptMoves);
        assertThat(keptMoves).as("kept partitions swapped to their copies").isGreaterThanOrEqualTo(KILLS);
        log("done in %d ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - testStart));
    }

    /** When a kill comes. */
    private enum KillMode {
        /** Just after a pass started: copies of its first partition are being written, none swapped in. */
        PASS_START,
        /** Just after the pass under way swapped a partition to its copies: not checkpointed, the next one being copied. */
        IN_PASS,
        /** Right after a pass ended: the checkpoint that holds the copies is due or being written. */
        AFTER_PASS,
        /**
         * As soon as the checkpoint after a pass deletes an old segment: the copies' locations are published and the
         * old segments are going (deleting them takes well under a millisecond, so the kill mostly lands just after).
         */
        CHECKPOINTED,
        /** At a random moment. */
        RANDOM
    }

    /** Kills the broker while the producers write; returns where the kill landed, from the broker's log. */
    private String killBroker(int kill, KillMode mode) throws Exception {
        int keptAcked = keptTopic.acked.get();
        int shortAcked = shortTopic.acked.get();
        Thread.sleep(400); // some records first
        BrokerLog.Tail tail = new BrokerLog.Tail(broker.logFile());
        Duration wait = Duration.ofSeconds(20);
        String what = "before kill " + kill;
        switch (mode) {
            case PASS_START -> {
                tail.await(PASS_START, wait, what);
                Thread.sleep(random.nextInt(10)); // a partition's copies take some 10-100 ms at this rate
            }
            case IN_PASS -> {
                tail.await(MOVED, wait, what);
                Thread.sleep(random.nextInt(20));
            }
            case AFTER_PASS -> {
                tail.await(PASS_END, wait, what);
                Thread.sleep(random.nextInt(60));
            }
            case CHECKPOINTED -> {
                tail.await(PASS_END, wait, what);
                tail.await(e -> e.thread().startsWith("spillway-checkpoint") && e.message().startsWith("Deleted segment"),
                        "a segment deleted by the checkpoint thread", wait, what);
            }
            default -> Thread.sleep(random.nextInt(1500));
        }
        assertThat(keptTopic.acked.get()).as("acknowledgements of the kept topic before kill %d", kill).isGreaterThan(keptAcked);
        assertThat(shortTopic.acked.get()).as("acknowledgements of the short topic before kill %d", kill).isGreaterThan(shortAcked);
        LocalTime at = LocalTime.now();
        assertThat(broker.kill9()).as("exit code after SIGKILL").isEqualTo(137);
        BrokerLog.assertNoForbiddenLines(broker.logFile(), FORBIDDEN);
        countPasses(broker);
        return whereKilled(broker.logFile(), at) + " (" + mode.name().toLowerCase(Locale.ROOT) + ")";
    }

    /**
     * Where the reorganiser was when the broker was killed at {@code at}, from the lines of its thread (which also
     * writes the checkpoints, and while publishing one deletes the segments the moved batches no longer need).
     */
    private static String whereKilled(Path logFile, LocalTime at) throws IOException {
        Event last = null;
        int swapped = 0;
        int deleted = 0;
        for (Event e : BrokerLog.events(logFile)) {
            if (!e.thread().startsWith("spillway-checkpoint")) {
                continue; // segments deleted by retention or at a roll, requests, ...
            }
            if (PASS_START.matcher(e.message()).find()) {
                swapped = 0;
            } else if (MOVED.matcher(e.message()).find()) {
                swapped++;
            } else if (e.message().startsWith("Deleted segment")) {
                deleted = last != null && last.message().startsWith("Deleted segment") ? deleted + 1 : 1;
            } else if (!PASS_END.matcher(e.message()).find() && !e.message().startsWith("Checkpointed")) {
                continue;
            }
            last = e;
        }
        if (last == null) {
            return "before the reorganiser's first pass";
        }
        long since = BrokerLog.millisBetween(last.time(), at);
        String m = last.message();
        if (PASS_START.matcher(m).find()) {
            return "in a pass, copying the first partition's batches (none swapped in), " + since + " ms after it began";
        }
        if (MOVED.matcher(m).find()) {
            return "in a pass, " + swapped + " partition(s) " + SWAPPED + ", the next being copied, " + since
                    + " ms after the last swap";
        }
        if (PASS_END.matcher(m).find()) {
            return "after a pass, " + swapped + " partition(s) " + SWAPPED + ", " + since + " ms after it ended";
        }
        if (m.startsWith("Deleted segment")) {
            return "while a new checkpoint freed old segments (" + deleted + " deleted so far), " + since
                    + " ms after the last";
        }
        return "between passes, " + since + " ms after a checkpoint";
    }

    /** Adds the passes a broker process logged to the totals. */
    private void countPasses(SpillwayProcess process) throws IOException {
        for (Event e : BrokerLog.events(process.logFile())) {
            Matcher m = PASS_END.matcher(e.message());
            if (m.find()) {
                passes++;
                bytesMoved += Long.parseLong(m.group(2));
                longestPassMs = Math.max(longestPassMs, Long.parseLong(m.group(4)));
            }
            Matcher moved = MOVED.matcher(e.message());
            if (moved.find() && moved.group(2).startsWith(KEPT + "-")) {
                keptMoves++;
            }
        }
    }

    /**
     * Waits until the short topic has expired and the shared log on disk has shrunk to about the kept topic: at most
     * twice the kept topic's bytes as read (values, keys and batch overheads) plus two segments (the active one, and
     * one the copies were written to that is neither full nor sparse), and at most a tenth of what was written.
     */
    private Read awaitSpaceBack(long written, long stoppedAtMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Thread.sleep(500);
            Read read = verify("while the space comes back");
            long bound = Math.min(2 * read.keptBytesOnDisk + 2L * SEGMENT_BYTES, written / 10);
            long wal = walBytes();
            if (read.size(SHORT) == 0 && wal <= bound) {
                log("the short topic expired and the shared log shrank to %,d bytes (bound %,d) %d ms after the "
                        + "producers stopped", wal, bound, System.currentTimeMillis() - stoppedAtMs);
                return read;
            }
            if (System.nanoTime() > deadline) {
                fail("30 s after the producers stopped the shared log holds %,d bytes in %s (bound %,d: kept topic "
                                + "%,d bytes, %,d written); %d records of the short topic left; broker log:%n%s", wal,
                        walFiles(), bound, read.keptBytesOnDisk, written, read.size(SHORT), broker.tail(40));
            }
        }
    }

    /** Waits for a checkpoint after the last reorganiser pass (it frees the segments the moved batches left). */
    private void awaitCheckpointAfterLastPass() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            List<Event> all = BrokerLog.events(broker.logFile());
            int lastPass = -1;
            int lastCheckpoint = -1;
            for (int i = 0; i < all.size(); i++) {
                String m = all.get(i).message();
                if (PASS_START.matcher(m).find() || PASS_END.matcher(m).find()) {
                    lastPass = i;
                } else if (m.startsWith("Checkpointed")) {
                    lastCheckpoint = i;
                }
            }
            if (lastCheckpoint > lastPass) {
                return;
            }
            Thread.sleep(50);
        }
        fail("no checkpoint after the last reorganiser pass within 20 s; broker log:%n%s", broker.tail(30));
    }

    /** What one topic's producer did, by sequence number (one per send, over the whole test). */
    private static final class Produced {
        final String topic;
        final int paddingMin;
        final int paddingSpread;
        final AtomicLongArray ackedOffset = new AtomicLongArray(MAX_SEQ);
        final AtomicLongArray timestamp = new AtomicLongArray(MAX_SEQ);
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger acked = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicLong ackedBytes = new AtomicLong();
        final Map<String, Integer> failures = new ConcurrentHashMap<>();

        Produced(String topic, int paddingMin, int paddingSpread) {
            this.topic = topic;
            this.paddingMin = paddingMin;
            this.paddingSpread = paddingSpread;
            for (int i = 0; i < MAX_SEQ; i++) {
                ackedOffset.set(i, -1);
            }
        }

        static int partitionOf(int seq) {
            return seq % PARTITIONS;
        }

        String key(int seq) {
            return topic + "-" + seq;
        }

        /** "topic|partition|seq|padding|crc32 of what comes before": the padding differs in length and letters. */
        String value(int seq) {
            SplittableRandom letters = new SplittableRandom(seq * 0x9E3779B97F4A7C15L + topic.hashCode());
            StringBuilder body = new StringBuilder(paddingMin + paddingSpread + 40);
            body.append(topic).append('|').append(partitionOf(seq)).append('|').append(seq).append('|');
            for (int i = paddingMin + seq % paddingSpread; i > 0; i--) {
                body.append((char) ('a' + letters.nextInt(26)));
            }
            CRC32 crc = new CRC32();
            crc.update(body.toString().getBytes(StandardCharsets.UTF_8));
            return body.append('|').append(Long.toHexString(crc.getValue())).toString();
        }

        /** The sequence number of a record this test sent to this topic, or -1 for anything else. */
        int parse(ConsumerRecord<String, String> r) {
            if (r.key() == null || r.value() == null || !r.key().startsWith(topic + "-")) {
                return -1;
            }
            int seq;
            try {
                seq = Integer.parseInt(r.key().substring(topic.length() + 1));
            } catch (NumberFormatException e) {
                return -1;
            }
            if (seq < 0 || seq >= sent.get() || partitionOf(seq) != r.partition()) {
                return -1;
            }
            String[] parts = r.value().split("\\|");
            if (parts.length != 5) {
                return -1;
            }
            CRC32 crc = new CRC32();
            crc.update(r.value().substring(0, r.value().lastIndexOf('|')).getBytes(StandardCharsets.UTF_8));
            if (!parts[4].equals(Long.toHexString(crc.getValue())) || !r.value().equals(value(seq))) {
                return -1;
            }
            return seq;
        }

        void onAck(int seq, long offset, int bytes) {
            ackedOffset.set(seq, offset);
            ackedBytes.addAndGet(bytes);
            acked.incrementAndGet();
        }

        @Override
        public String toString() {
            return String.format("%s: sent %d, acked %d, failed %d%s", topic, sent.get(), acked.get(), failed.get(),
                    failures.isEmpty() ? "" : " " + failures);
        }
    }

    /** Two idempotent acks=all producers, one per topic, fed interleaved at a steady rate unless paused. */
    private final class Sender extends PacedSender {
        private long sentTotal;

        Sender() {
            super(RECORDS_PER_SECOND, MAX_OUTSTANDING);
        }

        @Override
        protected void produce() throws Exception {
            try (KafkaProducer<String, String> shortProducer = new KafkaProducer<>(producerProps(SHORT));
                 KafkaProducer<String, String> keptProducer = new KafkaProducer<>(producerProps(KEPT))) {
                sendAtRate(() -> {
                    boolean kept = sentTotal % KEPT_EVERY == 0;
                    sentTotal++;
                    send(kept ? keptProducer : shortProducer, kept ? keptTopic : shortTopic);
                });
            }
        }

        private void send(KafkaProducer<String, String> producer, Produced topic) {
            int seq = topic.sent.get();
            assertThat(seq).as("sequence numbers of %s", topic.topic).isLessThan(MAX_SEQ);
            long timestamp = System.currentTimeMillis();
            String value = topic.value(seq);
            ProducerRecord<String, String> record = new ProducerRecord<>(topic.topic, Produced.partitionOf(seq),
                    timestamp, topic.key(seq), value);
            topic.timestamp.set(seq, timestamp);
            topic.sent.incrementAndGet();
            int bytes = value.length();
            try {
                producer.send(record, (md, e) -> {
                    if (e == null) {
                        topic.onAck(seq, md.offset(), bytes);
                    } else {
                        topic.failed.incrementAndGet();
                        topic.failures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                    }
                    release();
                });
            } catch (RuntimeException e) {
                // while the broker is down a send may time out waiting for metadata: not acknowledged
                topic.failed.incrementAndGet();
                topic.failures.merge(e.getClass().getSimpleName() + "(send)", 1, Integer::sum);
                release();
            }
        }
    }

    /** Both topics as read: by topic, partition and offset, the sequence number of the record there. */
    private record Read(Map<String, Map<TopicPartition, TreeMap<Long, Integer>>> records,
                        Map<TopicPartition, Long> endOffsets, long keptBytesOnDisk, long readEndMs) {
        int size(String topic) {
            return records.get(topic).values().stream().mapToInt(Map::size).sum();
        }

        Map<TopicPartition, Long> endOffsets(String topic) {
            Map<TopicPartition, Long> out = new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
            endOffsets.forEach((tp, end) -> {
                if (tp.topic().equals(topic)) {
                    out.put(tp, end);
                }
            });
            return out;
        }
    }

    /** Reads both topics from the beginning (the producers are paused) and checks them against what was acknowledged. */
    private Read verify(String when) throws Exception {
        BrokerLog.assertNoForbiddenLines(broker.logFile(), FORBIDDEN);
        Read read = readAll(when);
        checkKept(read, when);
        checkShort(read, when);
        keptBefore = read.records.get(KEPT);
        return read;
    }

    private void checkKept(Read read, String when) {
        Map<TopicPartition, TreeMap<Long, Integer>> kept = read.records.get(KEPT);
        Map<Integer, String> seen = new HashMap<>();
        for (Map.Entry<TopicPartition, TreeMap<Long, Integer>> p : kept.entrySet()) {
            TopicPartition tp = p.getKey();
            TreeMap<Long, Integer> records = p.getValue();
            long end = read.endOffsets.get(tp);
            // nothing of the kept topic ever expires: every offset below the end holds a record
            if (records.size() != end || (!records.isEmpty() && (records.firstKey() != 0 || records.lastKey() != end - 1))) {
                List<Long> missing = new ArrayList<>();
                for (long o = 0; o < end && missing.size() < 20; o++) {
                    if (!records.containsKey(o)) {
                        missing.add(o);
                    }
                }
                fail("%s: %s holds %d records below its end offset %d; missing offsets (first 20): %s", when, tp,
                        records.size(), end, missing);
            }
            int previousSeq = -1;
            for (Map.Entry<Long, Integer> r : records.entrySet()) {
                long offset = r.getKey();
                int seq = r.getValue();
                String other = seen.put(seq, tp + "@" + offset);
                if (other != null) {
                    fail("%s: kept record %d is present twice: at %s and at %s@%d", when, seq, other, tp, offset);
                }
                if (seq <= previousSeq) {
                    fail("%s: kept records out of order in %s: record %d at offset %d follows record %d", when, tp, seq,
                            offset, previousSeq);
                }
                previousSeq = seq;
                long ackedAt = keptTopic.ackedOffset.get(seq);
                if (ackedAt >= 0 && ackedAt != offset) {
                    fail("%s: kept record %d was acknowledged at %s@%d but is present at offset %d", when, seq, tp,
                            ackedAt, offset);
                }
            }
            TreeMap<Long, Integer> earlier = keptBefore.get(tp);
            if (earlier != null) {
                for (Map.Entry<Long, Integer> r : earlier.entrySet()) {
                    if (!r.getValue().equals(records.get(r.getKey()))) {
                        fail("%s: kept record %d read at %s@%d before is gone; found there: %s", when, r.getValue(), tp,
                                r.getKey(), records.get(r.getKey()));
                    }
                }
            }
        }
        List<String> lost = new ArrayList<>();
        for (int seq = 0; seq < keptTopic.sent.get(); seq++) {
            long ackedAt = keptTopic.ackedOffset.get(seq);
            if (ackedAt < 0) {
                continue;
            }
            TopicPartition tp = new TopicPartition(KEPT, Produced.partitionOf(seq));
            Integer there = kept.get(tp).get(ackedAt);
            if (there == null || there != seq) {
                lost.add(String.format("record %d acknowledged at %s@%d, found there %s", seq, tp, ackedAt, there));
            }
        }
        assertThat(lost).as("%s: acknowledged records of the kept topic gone (%d)", when, lost.size()).isEmpty();
    }

    private void checkShort(Read read, String when) {
        Map<TopicPartition, TreeMap<Long, Integer>> records = read.records.get(SHORT);
        Map<Integer, String> seen = new HashMap<>();
        for (Map.Entry<TopicPartition, TreeMap<Long, Integer>> p : records.entrySet()) {
            int previousSeq = -1;
            for (Map.Entry<Long, Integer> r : p.getValue().entrySet()) {
                int seq = r.getValue();
                String other = seen.put(seq, p.getKey() + "@" + r.getKey());
                if (other != null) {
                    fail("%s: short record %d is present twice: at %s and at %s@%d", when, seq, other, p.getKey(), r.getKey());
                }
                if (seq <= previousSeq) {
                    fail("%s: short records out of order in %s: record %d at offset %d follows record %d", when,
                            p.getKey(), seq, r.getKey(), previousSeq);
                }
                previousSeq = seq;
                long ackedAt = shortTopic.ackedOffset.get(seq);
                if (ackedAt >= 0 && ackedAt != r.getKey()) {
                    fail("%s: short record %d was acknowledged at %s@%d but is present at offset %d", when, seq,
                            p.getKey(), ackedAt, r.getKey());
                }
            }
        }
        // what retention cannot have removed yet when the read ended must be there
        long youngerThan = read.readEndMs() - SHORT_RETENTION_MS + 200;
        List<String> lost = new ArrayList<>();
        for (int seq = 0; seq < shortTopic.sent.get(); seq++) {
            long ackedAt = shortTopic.ackedOffset.get(seq);
            if (ackedAt < 0 || shortTopic.timestamp.get(seq) < youngerThan) {
                continue;
            }
            TopicPartition tp = new TopicPartition(SHORT, Produced.partitionOf(seq));
            Integer there = records.get(tp).get(ackedAt);
            if (there == null || there != seq) {
                lost.add(String.format("record %d (%d ms old) acknowledged at %s@%d, found there %s", seq,
                        read.readEndMs() - shortTopic.timestamp.get(seq), tp, ackedAt, there));
            }
        }
        assertThat(lost).as("%s: acknowledged records of the short topic gone before they expired (%d)", when,
                lost.size()).isEmpty();
    }

    private Read readAll(String when) throws Exception {
        List<TopicPartition> tps = new ArrayList<>();
        Map<String, Map<TopicPartition, TreeMap<Long, Integer>>> records = new HashMap<>();
        for (String topic : List.of(SHORT, KEPT)) {
            Map<TopicPartition, TreeMap<Long, Integer>> byPartition = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                tps.add(tp);
                byPartition.put(tp, new TreeMap<>());
            }
            records.put(topic, byPartition);
        }
        long[] keptBytes = {0}; // added up by the callback
        Map<TopicPartition, Long> endOffsets = CrashTestClients.readFromBeginning(broker.bootstrap(), tps, when, r -> {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            Produced produced = r.topic().equals(KEPT) ? keptTopic : shortTopic;
            int seq = produced.parse(r);
            if (seq < 0) {
                fail("%s: a record this test did not produce at %s@%d: key %s, value %s", when, tp, r.offset(),
                        r.key(), r.value());
            }
            records.get(r.topic()).get(tp).put(r.offset(), seq);
            if (produced == keptTopic) {
                // a record of one batch: value, key, record and batch overheads, the shared log's entry header
                keptBytes[0] += r.serializedValueSize() + r.serializedKeySize() + 8 + 61 + 16;
            }
        });
        return new Read(records, endOffsets, keptBytes[0], System.currentTimeMillis());
    }

    private List<Path> walFiles() throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("wal"))) {
            return files.filter(f -> f.getFileName().toString().matches("wal-\\d+\\.log")).sorted().toList();
        }
    }

    private long walBytes() throws IOException {
        long total = 0;
        for (Path f : walFiles()) {
            try {
                total += Files.size(f);
            } catch (java.nio.file.NoSuchFileException deletedMeanwhile) {
                // a segment freed while listing
            }
        }
        return total;
    }

    private int highestSegmentId() throws IOException {
        List<Path> files = walFiles();
        String name = files.get(files.size() - 1).getFileName().toString();
        return Integer.parseInt(name.substring("wal-".length(), name.length() - ".log".length()));
    }

    private void createTopics() throws Exception {
        try (Admin admin = Admin.create(CrashTestClients.adminProps(broker.bootstrap()))) {
            admin.createTopics(List.of(
                    new NewTopic(SHORT, PARTITIONS, (short) 1).configs(Map.of(
                            "retention.ms", Long.toString(SHORT_RETENTION_MS))),
                    new NewTopic(KEPT, PARTITIONS, (short) 1).configs(Map.of(
                            "retention.ms", "-1",
                            "retention.bytes", "-1"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    private Properties producerProps(String topic) {
        Properties p = CrashTestClients.producerProps(broker.bootstrap());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "reorganisation-crash-" + topic);
        return p;
    }

    private static final long CLASS_LOADED = System.nanoTime();

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[ReorganisationCrashTest %6.1f s] " + format + "%n",
                Stream.concat(Stream.of((System.nanoTime() - CLASS_LOADED) / 1e9), Stream.of(args)).toArray());
    }
}

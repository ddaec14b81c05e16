package io.spillway.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Workload "compaction": how fast each broker's log cleaner gets through a compacted topic. A fresh broker with a
 * short cleaner back-off gets a topic with cleanup.policy=compact and min.cleanable.dirty.ratio 0.01 (so that both
 * brokers clean as soon as there is anything to clean), and a fixed volume of 1 KiB values over a bounded key set
 * per partition at a fixed offered rate, so that most of it is superseded. Two rows:
 * <ul>
 *   <li>cleaned (MiB/s): the bytes the cleaner read per second of cleaning, summed over every cleaning the broker
 *   logged during the run (both cleaners work while the writes go on), from each broker's own log
 *   ({@link CleanerLog}, which turns the two brokers' different lines into this one measure);</li>
 *   <li>until compacted: from the last acknowledged write until a consumer reading from the beginning gets at most
 *   {@value #LIMIT_PERCENT}% of the key count in every partition ({@link CompactionCheck}).</li>
 * </ul>
 * Writes are offered at the same rate on both brokers, so that each cleaner has had the same time to keep up when
 * the writes end; at full speed the faster broker would leave its cleaner more to do and look slower.
 */
final class CompactionWorkload {
    static final String TOPIC = "compaction";
    static final int PARTITIONS = 4;
    static final int RECORD_SIZE = 1024;
    /** How many records a partition may hold and count as compacted, in percent of its key count. */
    static final int LIMIT_PERCENT = 120;
    /** log.cleaner.backoff.ms on both brokers: the pause of an idle cleaner (Kafka's default 15 s, Spillway's too). */
    static final long BACKOFF_MS = 1000;
    /** Kafka's smallest segment.bytes. */
    static final int MIN_SEGMENT_BYTES = 1 << 20;

    private final WorkloadHarness harness;
    private final ComparisonTable table;
    private final Path repoRoot;
    private final String heap;
    private final Path logDir;
    private final long mib;
    private final long keysPerPartition;
    private final double rateMibPerSec;
    private final Duration deadline;

    CompactionWorkload(WorkloadHarness harness, ComparisonTable table, Path repoRoot, String heap, Path logDir, long mib,
                       long keysPerPartition, double rateMibPerSec, Duration deadline) {
        this.harness = harness;
        this.table = table;
        this.repoRoot = repoRoot;
        this.heap = heap;
        this.logDir = logDir;
        this.mib = mib;
        this.keysPerPartition = keysPerPartition;
        this.rateMibPerSec = rateMibPerSec;
        this.deadline = deadline;
    }

    /**
     * The topic, the same on both brokers. Kafka never cleans a partition's active segment, so it needs small
     * segments to have closed ones, and what stays in the active one must fit within the limit: segment.bytes is
     * the largest power of two that holds at most a tenth of a partition's keys, and at least Kafka's minimum, 1 MiB
     * (~1,000 records of 1 KiB; the default 10,000 keys get exactly that). segment.ms is left alone: it only rolls a
     * segment on the next append, and after the last write there is none. Spillway's partitions have no segments of
     * their own (one shared log); it accepts the setting and cleans up to the last acknowledged record.
     */
    Map<String, String> topicConfigs() {
        long tenth = Math.min(1L << 30, keysPerPartition * RECORD_SIZE / 10);
        long segment = Math.max(MIN_SEGMENT_BYTES, Long.highestOneBit(Math.max(1, tenth)));
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cleanup.policy", "compact");
        m.put("min.cleanable.dirty.ratio", "0.01");
        m.put("segment.bytes", Long.toString(segment));
        return m;
    }

    private String label() {
        return String.format(Locale.ROOT, "compaction: %,d MiB of 1 KiB values, %d partitions × %,d keys", mib, PARTITIONS,
                keysPerPartition);
    }

    ComparisonTable.Metric cleanedMetric() {
        return new ComparisonTable.Metric(label(), "cleaned", "MiB/s", true, 1);
    }

    ComparisonTable.Metric untilCompactedMetric() {
        return new ComparisonTable.Metric(label(), "until compacted, from the last write", "s", false, 2);
    }

    /** Settings every broker of this workload gets, on top of its defaults. */
    static Map<String, String> brokerSettings(Contender c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("log.cleaner.backoff.ms", Long.toString(BACKOFF_MS));
        if (c == Contender.SPILLWAY) {
            // compacted copies replace the originals at once; the checkpoint after them frees the old segments
            m.put("spillway.checkpoint.interval.ms", Long.toString(BACKOFF_MS));
        }
        return m;
    }

    /** The method, for the report's list of workloads. */
    String method() {
        String topic = String.join(", ", topicConfigs().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .toList());
        String rate = rateMibPerSec > 0 ? String.format(Locale.ROOT, "at %.0f MiB/s offered (the same to both brokers)",
                rateMibPerSec) : "as fast as each broker takes them";
        String setup = String.format(Locale.ROOT, "a fresh broker per run with log.cleaner.backoff.ms=%d (Spillway also "
                + "spillway.checkpoint.interval.ms=%d, which frees the segments of replaced batches sooner); a topic with %d "
                + "partitions and %s; %,d MiB of 1 KiB random values written by 4 idempotent producers (acks=all) %s, "
                + "over %,d keys per partition sent in rounds (every key once per round, in a new random order each "
                + "round), so each key is written ~%.0f times. ", BACKOFF_MS, BACKOFF_MS, PARTITIONS, topic, mib, rate,
                keysPerPartition, mib * 1048576.0 / RECORD_SIZE / (keysPerPartition * PARTITIONS));
        String cleaned = "Cleaned: MiB the cleaner read (its key-map pass plus its filtering pass) per second of "
                + "cleaning, over every cleaning the broker logged in the run, those during the writes included; Spillway "
                + "logs 'Compacted N partitions: read X bytes, ... in T ms (M MB/s)' per pass, X counting both passes; "
                + "Kafka logs its 'Log cleaner thread' stats per partition cleaned, of which 'MB of log processed' (the "
                + "filtering pass) plus 'Indexed' MB (the key-map pass), both MiB, over the time of the whole cleaning. "
                + "The brokers' own MB/s figures are in the notes but not compared: Kafka's counts the filtering pass "
                + "only, Spillway's MB are 10^6 bytes. The cleaning time includes writing what is kept, which differs: "
                + "Kafka copies every record it keeps into new segment files (one per segment.bytes, each flushed with "
                + "its two index files and swapped in), Spillway writes only the batches that lost records and leaves "
                + "the others in place. ";
        String until = String.format(Locale.ROOT, "Until compacted: from the last acknowledged write until a consumer "
                + "reading each partition from the beginning gets at most %d%% of its key count in records, every key "
                + "present (the partitions not yet compacted read together, again every 250 ms, up to %d s; the time "
                + "includes the read that found the last one compacted, listed in the notes). Kafka never "
                + "cleans a partition's active segment (here up to %s), so its count stays above the key count by "
                + "what that holds; Spillway cleans up to the last acknowledged record", LIMIT_PERCENT, deadline.toSeconds(),
                topicConfigs().get("segment.bytes") + " bytes");
        return setup + cleaned + until;
    }

    void round(Contender c, int rep) {
        if (c == Contender.KAFKA_FSYNC) {
            return; // the cleaner's work does not depend on when the appends are fsynced
        }
        PageCache.dropAll();
        Path brokerLog;
        LocalTime lastWrite;
        ProducePerf.Result written;
        CompactionCheck.Result seen;
        try (Target t = start(c)) {
            brokerLog = t instanceof SpillwayTarget s ? s.logFile() : ((KafkaTarget) t).logFile();
            ProducePerf.ensureTopic(t.bootstrap(), TOPIC, PARTITIONS, topicConfigs(), null);
            ProducePerf.Config config = new ProducePerf.Config().topic(TOPIC).partitions(PARTITIONS).recordSize(RECORD_SIZE)
                    .records(mib * 1048576 / RECORD_SIZE).warmupRecords(0).producers(4).keys(keysPerPartition * PARTITIONS)
                    .throughput(rateMibPerSec > 0 ? rateMibPerSec * 1048576 / RECORD_SIZE : -1);
            written = ProducePerf.run(t.bootstrap(), config);
            long writesEnded = System.nanoTime();
            lastWrite = LocalTime.now().truncatedTo(ChronoUnit.MILLIS); // to find it in the broker log
            if (written.errors() > 0) {
                throw new IllegalStateException(written.errors() + " writes failed: " + written.firstError());
            }
            harness.out().printf(Locale.ROOT, "  wrote %,d records (%.1f MiB/s); waiting until a consumer sees it compacted%n",
                    written.records(), written.mibPerSec());
            seen = CompactionCheck.await(t.bootstrap(), TOPIC, keysPerPartition,
                    keysPerPartition * LIMIT_PERCENT / 100, writesEnded, deadline);
        } catch (Exception e) {
            harness.failed("compaction", c, e);
            return;
        }
        CleanerLog.Totals cleaned;
        try {
            // read after the broker stopped: every cleaning it finished is in its log by then
            cleaned = CleanerLog.Totals.of(c == Contender.SPILLWAY ? CleanerLog.spillway(brokerLog)
                    : CleanerLog.kafka(brokerLog, TOPIC));
        } catch (RuntimeException e) {
            harness.failed("compaction: reading the cleaner's log " + brokerLog, c, e);
            return;
        }
        if (cleaned.mibPerSec() > 0) {
            table.add(cleanedMetric(), c, cleaned.mibPerSec());
        } else {
            table.note(cleanedMetric(), c, "no cleaning logged");
        }
        String records = String.format(Locale.ROOT, "%,d-%,d records per partition (%,d keys each)", seen.minRecords(),
                seen.maxRecords(), keysPerPartition);
        if (seen.compacted()) {
            table.add(untilCompactedMetric(), c, seen.seconds());
        } else {
            table.note(untilCompactedMetric(), c, "not within " + deadline.toSeconds() + " s");
            records = "not compacted within " + deadline.toSeconds() + " s: a partition still held more than "
                    + String.format(Locale.ROOT, "%,d", keysPerPartition * LIMIT_PERCENT / 100) + " records";
        }
        String summary = String.format(Locale.ROOT, "wrote %,d records at %.1f MiB/s, the last at %s; cleaner: %s%s; %s "
                        + "%.2f s after the last write (partitions passed at %s; %d scans, the last took %.2f s): %s; last "
                        + "logged: %s", written.records(), written.mibPerSec(), lastWrite, CleanerLog.describe(cleaned,
                        c == Contender.SPILLWAY ? "passes" : "logs cleaned"), ownFigure(c, cleaned),
                seen.compacted() ? "compacted" : "gave up", seen.seconds(), seen.passedAtDescription(), seen.scans(),
                seen.lastScanSeconds(), records, cleaned.lastLogged());
        harness.note("compaction " + c.key() + " round " + rep, summary);
        harness.out().println("  compaction: " + summary);
    }

    /** The broker's own throughput figure over the same cleanings, which counts different bytes or units. */
    private static String ownFigure(Contender c, CleanerLog.Totals t) {
        if (t.seconds() <= 0) {
            return "";
        }
        if (c == Contender.SPILLWAY) {
            return String.format(Locale.ROOT, " (its own MB/s figure: %,.1f, in 10^6 bytes)", t.bytesRead() / 1e6 / t.seconds());
        }
        return t.bytesFiltered() < 0 ? "" : String.format(Locale.ROOT, " (its own MB/sec figure counts only the filtering "
                + "pass, 'MB of log processed', %,.1f MiB of it: %,.1f MiB/s)", t.bytesFiltered() / 1048576.0,
                t.bytesFiltered() / 1048576.0 / t.seconds());
    }

    private Target start(Contender c) {
        Map<String, String> settings = brokerSettings(c);
        if (c == Contender.SPILLWAY) {
            return SpillwayTarget.start(new SpillwayTarget.Options().repoRoot(repoRoot).heap(heap).logDir(logDir)
                    .settings(settings));
        }
        KafkaTarget.Options o = new KafkaTarget.Options().repoRoot(repoRoot).heap(heap).logDir(logDir).label(c.key());
        settings.forEach(o::setting);
        return KafkaTarget.start(o);
    }
}

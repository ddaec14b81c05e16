package io.spillway.bench;

import io.spillway.testkit.RepoLayout;
import io.spillway.testkit.TempDirs;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bin/spillway-bench compare}: Spillway and Apache Kafka side by side on this machine, driven by the same
 * kafka-clients workloads, runs alternating between the brokers (A B C A B C ...) so that drift of the machine
 * hits all of them alike; prints the medians and the ratios Spillway/Kafka and writes them with the machine
 * description and the exact command to {@code docs/benchmarks.md}. Every run starts a fresh broker on a fresh data
 * directory.
 */
public final class CompareMain {

    static final String USAGE = """
            Usage: bin/spillway-bench compare [options]

            Runs Spillway and Apache Kafka (single KRaft node, the kafka_2.13 jars resolved by the build) one after
            the other on fresh data directories, alternating A B C A B C, and prints medians and ratios.

              --targets LIST            comma list of spillway, kafka, kafka-fsync (default all three;
                                        kafka-fsync is Kafka with log.flush.interval.messages=1)
              --workloads LIST          comma list of produce, tail, latency, txn, catchup, topics, secure,
                                        isolation, compaction, share, startup (default all)
              --reps N                  runs per target and workload (default 3)
              --duration D              measured time of a produce / tailing run (default 15s)
              --warmup D                warm-up before each of them, excluded (default 5s)
              --latency-rate R          offered rate of the latency workload in records/s
                                        (default: half the lowest 1-producer maximum measured by produce)
              --latency-duration D      measured time of a latency run (default 30s)
              --txn-read-mib N          size of the transactional topic read with read_committed (default 256)
              --catchup-mib N           data written before the cold catch-up read (default 3072)
              --compaction-mib N        data written to the compacted topic (default 512)
              --compaction-keys N       keys per partition of the compacted topic, 4 partitions (default 10000;
                                        at least ~5000, or Kafka's uncleanable active segment of up to ~1,000
                                        records alone exceeds the 120% that counts as compacted)
              --compaction-rate R       MiB/s offered while writing it, the same to both brokers (default 64;
                                        0: as fast as each broker takes them)
              --share-records N         records of 1 KiB preloaded and read through share groups by 1 and
                                        by 4 KafkaShareConsumers (default 1m)
              --topics LIST             topic counts of the many-topics workload (default 10k,100k,1m)
              --kafka-topics LIST       topic counts tried with Kafka (default: the same)
              --topics-time D           time bound of one many-topics run with Kafka (default 10m)
              --spillway-topics-time D  the same for Spillway (default 60m)
              --heap SIZE               maximum heap of each broker (default 2g; Kafka gets -Xms too, as its script does)
              --report FILE             Markdown file to write into (default docs/benchmarks.md)
              --no-report               print only
              --smoke                   tiny sizes, to check that the harness works (1 rep, 2 s runs, 200 topics,
                                        64 MiB over 6000 keys per partition for compaction, 20k share records)
              --help
            """;

    static final List<String> FLAGS = List.of("--help", "--no-report", "--smoke");
    static final List<String> OPTIONS = List.of("--targets", "--workloads", "--reps", "--duration", "--warmup",
            "--latency-rate", "--latency-duration", "--txn-read-mib", "--catchup-mib", "--compaction-mib", "--compaction-keys",
            "--compaction-rate", "--share-records", "--topics", "--kafka-topics", "--topics-time", "--spillway-topics-time",
            "--heap", "--report");
    static final List<String> WORKLOADS = List.of("produce", "tail", "latency", "txn", "catchup", "topics", "secure",
            "isolation", "compaction", "share", "startup");
    /** What runs without --workloads: every workload. */
    static final List<String> DEFAULT_WORKLOADS = WORKLOADS;

    /** Everything a comparison run needs, from the command line. */
    record Settings(List<Contender> contenders, List<String> workloads, int reps, Duration duration, Duration warmup,
                    double latencyRate, Duration latencyDuration, long txnReadMib, long catchupMib, long compactionMib,
                    long compactionKeys, double compactionRate, long shareRecords, List<Integer> topicCounts,
                    List<Integer> kafkaTopicCounts, Duration topicsTime, Duration spillwayTopicsTime, String heap, Path report,
                    boolean smoke) {

        Duration topicsTime(Contender c) {
            return c == Contender.SPILLWAY ? spillwayTopicsTime : topicsTime;
        }
    }

    private final Settings s;
    private final Path repoRoot;
    private final Path logDir;
    private final PrintStream out;
    private final ComparisonTable table;
    private final ComparisonTable txnTable;
    /** The secure workload's rows (SASL_SSL and PLAINTEXT on the same broker), under their own heading. */
    private final ComparisonTable secureTable;
    /** The isolation workload's rows (a quiet tenant beside a throttled noisy one), under their own heading. */
    private final ComparisonTable isolationTable;
    /** The compaction workload's rows (the log cleaners), under their own heading. */
    private final ComparisonTable compactionTable;
    /** The share workload's rows (share-group consumers), under their own heading. */
    private final ComparisonTable shareTable;
    /** The start-up workload's rows (fresh start, idle memory, restart after kill -9), under their own heading. */
    private final ComparisonTable startupTable;
    private final Map<Contender, Map<String, String>> descriptions = new EnumMap<>(Contender.class);
    private final Map<String, String> notes = new LinkedHashMap<>();
    private final long started = System.nanoTime();
    private int step;
    private int steps;

    CompareMain(Settings s, Path repoRoot, PrintStream out) {
        this.s = s;
        this.repoRoot = repoRoot;
        this.logDir = repoRoot.resolve("bench").resolve("target").resolve("compare-logs");
        this.out = out;
        this.table = new ComparisonTable(s.contenders());
        this.txnTable = new ComparisonTable(s.contenders(), Contender::transactionDurability);
        this.secureTable = new ComparisonTable(s.contenders());
        this.isolationTable = new ComparisonTable(s.contenders());
        this.compactionTable = new ComparisonTable(s.contenders());
        this.shareTable = new ComparisonTable(s.contenders());
        this.startupTable = new ComparisonTable(s.contenders());
    }

    public static void main(String[] argv) {
        if (System.getProperty("spillway.bench.clientLogLevel") == null) { // before the first logger is created
            System.setProperty("spillway.bench.clientLogLevel", "ERROR");
        }
        int code;
        try {
            code = run(argv, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("spillway-bench compare: " + e.getMessage());
            System.err.println("Run with --help for the options.");
            code = 2;
        } catch (Exception e) {
            System.err.println("spillway-bench compare: failed: " + e);
            e.printStackTrace(System.err);
            code = 1;
        }
        System.exit(code);
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        Args a = Args.parse(argv, FLAGS, OPTIONS);
        if (a.flag("--help")) {
            out.print(USAGE);
            return 0;
        }
        Settings s = settings(a);
        String command = System.getProperty("spillway.bench.command");
        if (command == null || command.isBlank()) {
            command = "bin/spillway-bench compare " + String.join(" ", argv);
        }
        CompareMain main = new CompareMain(s, RepoLayout.repoRoot(), out);
        String startedAt = ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        main.runAll();
        String rendered = main.renderTables();
        out.println();
        out.print(rendered);
        out.println();
        if (s.report() != null) {
            BenchReport.writeSection(s.report(), sectionName(s), main.markdown(startedAt, command, rendered));
            out.println("spillway-bench compare: results written to " + s.report());
        }
        return main.failures == 0 ? 0 : 1;
    }

    /**
     * The report section a run replaces: "comparison" (or "comparison-smoke") for all workloads, with the
     * workloads appended for a subset ("comparison-txn"), so that a run of some workloads does not overwrite the
     * results of a full run.
     */
    static String sectionName(Settings s) {
        String base = s.smoke() ? "comparison-smoke" : "comparison";
        return s.workloads().containsAll(DEFAULT_WORKLOADS) ? base : base + "-" + String.join("-", s.workloads());
    }

    /** The main table and, when the txn workload ran, the transactions table under its own heading. */
    String renderTables() {
        StringBuilder sb = new StringBuilder();
        if (!table.isEmpty() || (txnTable.isEmpty() && secureTable.isEmpty() && isolationTable.isEmpty()
                && compactionTable.isEmpty() && shareTable.isEmpty() && startupTable.isEmpty())) {
            sb.append(table.render());
        }
        if (!txnTable.isEmpty()) {
            sb.append(sb.length() == 0 ? "" : "\n").append("#### Transactions\n\n").append(txnTable.render());
        }
        if (!secureTable.isEmpty()) {
            sb.append(sb.length() == 0 ? "" : "\n").append("#### Security (SASL_SSL against PLAINTEXT)\n\n")
                    .append(secureTable.render());
        }
        if (!isolationTable.isEmpty()) {
            sb.append(sb.length() == 0 ? "" : "\n").append("#### Tenant isolation (client quotas)\n\n")
                    .append(isolationTable.render());
        }
        if (!compactionTable.isEmpty()) {
            sb.append(sb.length() == 0 ? "" : "\n").append("#### Log compaction\n\n").append(compactionTable.render());
        }
        if (!shareTable.isEmpty()) {
            sb.append(sb.length() == 0 ? "" : "\n").append("#### Share groups (KIP-932)\n\n").append(shareTable.render());
        }
        if (!startupTable.isEmpty()) {
            sb.append(sb.length() == 0 ? "" : "\n").append("#### Start-up\n\n").append(startupTable.render());
        }
        return sb.toString();
    }

    static Settings settings(Args a) {
        boolean smoke = a.flag("--smoke");
        List<Contender> contenders = new ArrayList<>();
        for (String t : a.get("--targets", "spillway,kafka,kafka-fsync").split(",")) {
            Contender c = Contender.parse(t.trim());
            if (!contenders.contains(c)) {
                contenders.add(c);
            }
        }
        List<String> workloads = new ArrayList<>();
        for (String w : a.get("--workloads", String.join(",", DEFAULT_WORKLOADS)).split(",")) {
            if (!WORKLOADS.contains(w.trim())) {
                throw new IllegalArgumentException("unknown workload " + w + " (" + String.join(", ", WORKLOADS) + ")");
            }
            workloads.add(w.trim());
        }
        List<Integer> topics = counts(a.get("--topics", smoke ? "200" : "10k,100k,1m"));
        List<Integer> kafkaTopics = a.has("--kafka-topics") ? counts(a.get("--kafka-topics", "")) : topics;
        Path report = null;
        if (!a.flag("--no-report")) {
            report = a.has("--report") ? Paths.get(a.get("--report", null)).toAbsolutePath()
                    : RepoLayout.repoRoot().resolve("docs").resolve("benchmarks.md");
        }
        int reps = a.getInt("--reps", smoke ? 1 : 3);
        if (reps < 1) {
            throw new IllegalArgumentException("--reps must be at least 1");
        }
        long compactionMib = positive("--compaction-mib", a.getLong("--compaction-mib", smoke ? 64 : 512));
        long compactionKeys = positive("--compaction-keys", a.getLong("--compaction-keys", smoke ? 6000 : 10_000));
        if (compactionMib * 1048576 / CompactionWorkload.RECORD_SIZE <= compactionKeys * CompactionWorkload.PARTITIONS) {
            throw new IllegalArgumentException("--compaction-mib " + compactionMib + " holds no more records than "
                    + CompactionWorkload.PARTITIONS + " x --compaction-keys " + compactionKeys + ": nothing would be superseded");
        }
        long shareRecords = positive("--share-records", a.getLong("--share-records", smoke ? 20_000 : 1_000_000));
        return new Settings(contenders, workloads, reps,
                orDefault(a, "--duration", smoke ? Duration.ofSeconds(2) : Duration.ofSeconds(15)),
                orDefault(a, "--warmup", smoke ? Duration.ofSeconds(1) : Duration.ofSeconds(5)),
                a.getDouble("--latency-rate", smoke ? 500 : -1),
                orDefault(a, "--latency-duration", smoke ? Duration.ofSeconds(2) : Duration.ofSeconds(30)),
                positive("--txn-read-mib", a.getLong("--txn-read-mib", smoke ? 4 : 256)),
                a.getLong("--catchup-mib", smoke ? 8 : 3072),
                compactionMib, compactionKeys, compactionRate(a.getDouble("--compaction-rate", 64)), shareRecords, topics,
                kafkaTopics,
                orDefault(a, "--topics-time", Duration.ofMinutes(10)), orDefault(a, "--spillway-topics-time",
                Duration.ofMinutes(60)), a.get("--heap", "2g"), report, smoke);
    }

    private static long positive(String name, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1");
        }
        return v;
    }

    private static double compactionRate(double v) {
        if (v < 0) {
            throw new IllegalArgumentException("--compaction-rate must not be negative");
        }
        return v;
    }

    private static Duration orDefault(Args a, String name, Duration def) {
        Duration d = a.getDuration(name);
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return d == null ? def : d;
    }

    private static List<Integer> counts(String list) {
        List<Integer> out = new ArrayList<>();
        for (String v : list.split(",")) {
            if (!v.isBlank()) {
                long n = Args.parseCount("--topics", v);
                if (n < 1 || n > 10_000_000) {
                    throw new IllegalArgumentException("topic counts must be between 1 and 10m: " + v);
                }
                out.add((int) n);
            }
        }
        return out;
    }

    // ---- the workloads ----------------------------------------------------------------------------------------

    /** The four produce-throughput variants of workload 1. */
    record ProduceCase(String compression, int producers) {
        String label() {
            return "produce " + compression + ", " + producers + (producers == 1 ? " producer" : " producers");
        }
    }

    static final List<ProduceCase> PRODUCE_CASES = List.of(new ProduceCase("none", 1), new ProduceCase("none", 4),
            new ProduceCase("lz4", 1), new ProduceCase("lz4", 4));

    private int failures;

    void runAll() throws Exception {
        planSteps();
        List<Contender> cs = s.contenders();
        if (s.workloads().contains("produce") || s.workloads().contains("tail") || s.workloads().contains("txn")) {
            warmUpClient(cs.get(0));
        }
        if (s.workloads().contains("produce") || s.workloads().contains("tail")) {
            for (int rep = 1; rep <= s.reps(); rep++) {
                for (Contender c : cs) {
                    throughputRound(c, rep);
                }
            }
        }
        if (s.workloads().contains("latency")) {
            double rate = latencyRate();
            notes.put("latency rate", String.format(Locale.ROOT, "%,.0f records/s (%.1f MiB/s)", rate, rate * 1024 / 1048576.0));
            for (int rep = 1; rep <= s.reps(); rep++) {
                for (Contender c : cs) {
                    latencyRound(c, rep, rate);
                }
            }
        }
        if (s.workloads().contains("txn")) {
            TxnWorkload txn = txnWorkload();
            for (int rep = 1; rep <= s.reps(); rep++) {
                for (Contender c : cs) {
                    progress(c.title() + ", round " + rep + "/" + s.reps() + ": transactional produce (1 and 4 producers)"
                            + (TxnWorkload.reads(c) ? " and read_committed consume" : "")
                            + (s.smoke() ? " (one broker for all, smoke run)" : " (a fresh broker for each)"));
                    txn.round(c, rep);
                }
            }
        }
        if (s.workloads().contains("catchup")) {
            for (int rep = 1; rep <= s.reps(); rep++) {
                for (Contender c : cs) {
                    if (c != Contender.KAFKA_FSYNC) { // reads take the same path with and without flush.messages
                        catchUpRound(c, rep);
                    }
                }
            }
        }
        if (s.workloads().contains("topics")) {
            for (Contender c : cs) {
                if (c != Contender.KAFKA_FSYNC) { // a metadata workload: one record per topic, durability is not the point
                    manyTopics(c);
                }
            }
        }
        if (s.workloads().contains("secure")) {
            SecureWorkload secure = new SecureWorkload(workloadHarness(), secureTable, repoRoot, s.heap(), logDir, s.warmup(), s.duration());
            for (int rep = 1; rep <= s.reps(); rep++) {
                for (Contender c : cs) {
                    if (c != Contender.KAFKA_FSYNC) { // the cost of TLS and SASL, not of fsync
                        progress(c.title() + ", round " + rep + "/" + s.reps()
                                + ": produce and consume over PLAINTEXT and SASL_SSL (one broker with both listeners)");
                        secure.round(c);
                    }
                }
            }
        }
        if (s.workloads().contains("compaction")) {
            CompactionWorkload compaction = compactionWorkload();
            for (int rep = 1; rep <= s.reps(); rep++) {
                for (Contender c : cs) {
                    if (c != Contender.KAFKA_FSYNC) { // the cleaner, not fsync
                        progress(String.format(Locale.ROOT, "%s, round %d/%d: write %,d MiB over %,d keys per partition "
                                + "to a compacted topic, measure its cleaner", c.title(), rep, s.reps(), s.compactionMib(),
                                s.compactionKeys()));
                        compaction.round(c, rep);
                    }
                }
            }
        }
        if (s.workloads().contains("isolation")) {
            IsolationWorkload isolation = new IsolationWorkload(workloadHarness(), isolationTable, repoRoot, s.heap(), logDir, s.warmup(), s.duration());
            for (int rep = 1; rep <= s.reps(); rep++) {
                for (Contender c : cs) {
                    if (c != Contender.KAFKA_FSYNC) { // quotas, not fsync
                        progress(c.title() + ", round " + rep + "/" + s.reps()
                                + ": a quiet tenant alone, then beside a noisy one held to its quota");
                        isolation.round(c);
                    }
                }
            }
        }
        if (s.workloads().contains("share")) {
            ShareWorkload share = shareWorkload();
            for (int rep = 1; rep <= s.reps(); rep++) {
                for (Contender c : cs) {
                    // Kafka with flush.messages=1 too: acknowledgements are writes of the share-partition state
                    progress(String.format(Locale.ROOT, "%s, round %d/%d: preload %,d records, read them through a "
                            + "share group with 1 consumer, then another with 4", c.title(), rep, s.reps(), s.shareRecords()));
                    share.round(c, rep);
                }
            }
        }
        if (s.workloads().contains("startup")) {
            StartupWorkload startup = new StartupWorkload(workloadHarness(), startupTable, s.smoke());
            for (int rep = 1; rep <= s.reps(); rep++) {
                for (Contender c : cs) {
                    if (c != Contender.KAFKA_FSYNC) { // starting, not writing: flush.messages changes nothing here
                        progress(c.title() + ", round " + rep + "/" + s.reps() + ": start on a fresh data directory, "
                                + "then kill -9 and start again with " + StartupWorkload.TOPICS + " topics");
                        startup.round(c);
                    }
                }
            }
        }
    }

    private WorkloadHarness workloadHarness() {
        return new WorkloadHarness() {
            @Override
            public void failed(String what, Contender c, Exception e) {
                CompareMain.this.failed(what, c, e);
            }

            @Override
            public void note(String key, String value) {
                notes.put(key, value);
            }

            @Override
            public PrintStream out() {
                return out;
            }

            @Override
            public Target start(Contender c) {
                return CompareMain.this.start(c);
            }
        };
    }

    private ShareWorkload shareWorkload() {
        return new ShareWorkload(workloadHarness(), shareTable, s.shareRecords());
    }

    private CompactionWorkload compactionWorkload() {
        // a stuck cleaner should not hold up the rest of the run for long
        Duration deadline = s.smoke() ? Duration.ofMinutes(2) : Duration.ofMinutes(10);
        return new CompactionWorkload(workloadHarness(), compactionTable, repoRoot, s.heap(), logDir, s.compactionMib(),
                s.compactionKeys(), s.compactionRate(), deadline);
    }

    private void planSteps() {
        int per = s.contenders().size();
        int reads = (int) s.contenders().stream().filter(c -> c != Contender.KAFKA_FSYNC).count();
        steps = 0;
        if (s.workloads().contains("produce") || s.workloads().contains("tail")) {
            steps += s.reps() * per;
        }
        if (s.workloads().contains("latency")) {
            steps += s.reps() * per;
        }
        if (s.workloads().contains("txn")) {
            steps += s.reps() * per;
        }
        if (s.workloads().contains("catchup")) {
            steps += s.reps() * reads;
        }
        if (s.workloads().contains("topics")) {
            for (Contender c : s.contenders()) {
                if (c != Contender.KAFKA_FSYNC) {
                    steps += (c == Contender.SPILLWAY ? s.topicCounts() : s.kafkaTopicCounts()).size();
                }
            }
        }
        if (s.workloads().contains("isolation")) {
            steps += s.reps() * reads;
        }
        if (s.workloads().contains("secure")) {
            steps += s.reps() * reads;
        }
        if (s.workloads().contains("compaction")) {
            steps += s.reps() * reads;
        }
        if (s.workloads().contains("share")) {
            steps += s.reps() * per;
        }
        if (s.workloads().contains("startup")) {
            steps += s.reps() * reads;
        }
    }

    private void progress(String what) {
        step++;
        long secs = (System.nanoTime() - started) / 1_000_000_000L;
        out.printf(Locale.ROOT, "[%d/%d, %d:%02d elapsed] %s%n", step, steps, secs / 60, secs % 60, what);
    }

    private Target start(Contender c) {
        Target t = c.start(repoRoot, s.heap(), logDir);
        descriptions.computeIfAbsent(c, k -> {
            Map<String, String> d = new LinkedHashMap<>(t.describe());
            t.launchCommand().ifPresent(cmd -> d.put("Command", "`" + BenchMain.abbreviateClasspath(cmd, "<classpath>") + "`"));
            return d;
        });
        return t;
    }

    private TxnWorkload txnWorkload() {
        TxnWorkload.Harness harness = new TxnWorkload.Harness() {
            @Override
            public Target start(Contender c) {
                return CompareMain.this.start(c);
            }

            @Override
            public void failed(String what, Contender c, Exception e) {
                CompareMain.this.failed(what, c, e);
            }

            @Override
            public void note(String key, String value) {
                notes.put(key, value);
            }

            @Override
            public PrintStream out() {
                return out;
            }
        };
        return new TxnWorkload(harness, txnTable, s.warmup(), s.duration(), s.txnReadMib(), s.smoke());
    }

    private void failed(String what, Contender c, Exception e) {
        failures++;
        out.println("  FAILED: " + what + " on " + c.title() + ": " + e);
        notes.put("failure " + failures, what + " on " + c.title() + ": " + e);
    }

    private ProducePerf.Config produceConfig(String topic, String compression, int producers) {
        return new ProducePerf.Config().topic(topic).partitions(8).recordSize(1024).duration(s.duration())
                .warmup(s.warmup()).producers(producers).acks("all").idempotence(true).compression(compression)
                .textPayload(!"none".equals(compression));
    }

    static final ComparisonTable.Metric TAIL = new ComparisonTable.Metric("tailing read, 1 producer at full speed",
            "consumed", "MiB/s", true, 1);
    /** The broker takes in and sends out the same bytes in the window, so its CPU covers both. */
    static final ComparisonTable.Metric TAIL_CPU = new ComparisonTable.Metric("tailing read, 1 producer at full speed",
            "broker CPU per MiB read, its writes included", "ms", false, 1);

    static ComparisonTable.Metric produceMetric(ProduceCase pc) {
        return new ComparisonTable.Metric(pc.label(), "throughput", "MiB/s", true, 1);
    }

    /**
     * Workload 1 and the tailing read, each case on a freshly started broker with the page cache dropped first:
     * on a VM, writing into memory the page cache has not used recently costs several times more kernel time
     * than reusing it, so a case that ran after another on the same broker would pay for what that one wrote
     * (seen here: the same 4-producer run at 380 MiB/s first and 175 MiB/s second).
     */
    private void throughputRound(Contender c, int rep) {
        progress(c.title() + ", round " + rep + "/" + s.reps() + ": produce throughput"
                + (s.workloads().contains("tail") ? " and tailing read" : "") + " (a fresh broker for each)");
        if (s.workloads().contains("produce")) {
            for (ProduceCase pc : PRODUCE_CASES) {
                PageCache.dropAll();
                try (Target t = start(c)) {
                    AtomicReference<CpuMeter.Snapshot> cpu = new AtomicReference<>();
                    ProducePerf.Config config = produceConfig("produce-" + pc.compression() + "-" + pc.producers(),
                            pc.compression(), pc.producers()).onMeasureStart(() -> cpu.set(CpuMeter.Snapshot.take(t.pid())));
                    ProducePerf.Result r = ProducePerf.run(t.bootstrap(), config);
                    String cpuUse = CpuMeter.describe(cpu.get(), CpuMeter.Snapshot.take(t.pid()));
                    if (r.errors() > 0) {
                        throw new IllegalStateException(r.errors() + " sends failed: " + r.firstError());
                    }
                    table.add(produceMetric(pc), c, r.mibPerSec());
                    out.printf(Locale.ROOT, "  %s: %.1f MiB/s (%,.0f records/s), p99 %.1f ms; CPU: %s%n", pc.label(),
                            r.mibPerSec(), r.recordsPerSec(), r.latency().percentileMillis(0.99), cpuUse);
                } catch (Exception e) {
                    failed(pc.label(), c, e);
                }
            }
        }
        if (s.workloads().contains("tail")) {
            PageCache.dropAll();
            try (Target t = start(c)) {
                TailingRead.Result r = TailingRead.run(t.bootstrap(), t.pid(), produceConfig("tail", "none", 1));
                table.add(TAIL, c, r.mibPerSec());
                if (r.brokerCpuMsPerMib() >= 0) {
                    table.add(TAIL_CPU, c, r.brokerCpuMsPerMib());
                }
                out.println("  " + r.summary());
            } catch (Exception e) {
                failed("tailing read", c, e);
            }
        }
    }

    /**
     * Untimed: JIT-compiles the harness's own producer code (record accumulation, lz4) before the first
     * measurement, which would otherwise be slower for whichever target comes first.
     */
    private void warmUpClient(Contender c) {
        Duration each = s.smoke() ? Duration.ofSeconds(1) : Duration.ofSeconds(10);
        out.println("harness warm-up: producing to " + c.title() + " for " + 2 * each.toSeconds() + " s, not measured");
        try (Target t = start(c)) {
            for (String compression : List.of("none", "lz4")) {
                ProducePerf.run(t.bootstrap(), produceConfig("warm-up-" + compression, compression, 4).duration(each)
                        .warmup(Duration.ofMillis(100)));
            }
        } catch (Exception e) {
            out.println("  harness warm-up failed (measurements go on): " + e);
        }
    }

    private double latencyRate() {
        if (s.latencyRate() > 0) {
            return s.latencyRate();
        }
        double min = Double.MAX_VALUE;
        for (Contender c : s.contenders()) {
            Double mib = table.median(produceMetric(PRODUCE_CASES.get(0)), c);
            if (mib != null) {
                min = Math.min(min, mib * 1048576.0 / 1024);
            }
        }
        if (min == Double.MAX_VALUE) {
            throw new IllegalArgumentException("the latency workload needs --latency-rate or the produce workload");
        }
        return Math.floor(min / 2 / 100) * 100;
    }

    static ComparisonTable.Metric latencyMetric(String p) {
        return new ComparisonTable.Metric("end-to-end latency at a fixed rate", p, "ms", false, 2);
    }

    private void latencyRound(Contender c, int rep, double rate) {
        progress(String.format(Locale.ROOT, "%s, round %d/%d: end-to-end latency at %,.0f records/s", c.title(), rep,
                s.reps(), rate));
        PageCache.dropAll();
        Target target = null;
        try (Target t = start(c)) {
            target = t;
            EndToEndLatency.Result r = EndToEndLatency.run(t.bootstrap(), new EndToEndLatency.Config("latency", 8, 1024,
                    rate, s.warmup(), s.latencyDuration()));
            if (r.errors() > 0 || r.latency().count() == 0) {
                throw new IllegalStateException(r.summary());
            }
            table.add(latencyMetric("p50"), c, r.latency().percentileMillis(0.50));
            table.add(latencyMetric("p99"), c, r.latency().percentileMillis(0.99));
            table.add(latencyMetric("p99.9"), c, r.latency().percentileMillis(0.999));
            out.println("  " + r.summary());
        } catch (Exception e) {
            failed("end-to-end latency", c, e);
        }
        if (target instanceof SpillwayTarget spillway) {
            // The broker's own fsync times over the run (logged when it stopped): the tail behind the latency tail.
            spillway.fsyncSummary().ifPresent(fsyncs -> {
                notes.put("Spillway fsyncs, latency round " + rep, fsyncs);
                out.println("  broker: " + fsyncs);
            });
        }
    }

    static final ComparisonTable.Metric CATCHUP = new ComparisonTable.Metric("catch-up read from disk (page cache evicted)",
            "consumed", "MiB/s", true, 1);
    static final ComparisonTable.Metric CATCHUP_CPU = new ComparisonTable.Metric("catch-up read from disk (page cache evicted)",
            "broker CPU per MiB read", "ms", false, 1);

    private void catchUpRound(Contender c, int rep) {
        progress(String.format(Locale.ROOT, "%s, round %d/%d: write %,d MiB, evict the page cache, read it back",
                c.title(), rep, s.reps(), s.catchupMib()));
        PageCache.dropAll();
        try (Target t = start(c)) {
            CatchUpRead.Result r = CatchUpRead.run(t.bootstrap(), t.pid(), Contender.dataDir(t), "catchup", s.catchupMib() << 20, 1024);
            table.add(CATCHUP, c, r.read().mibPerSec());
            if (r.brokerCpuMsPerMib() >= 0) {
                table.add(CATCHUP_CPU, c, r.brokerCpuMsPerMib());
            }
            notes.put("catch-up " + c.key() + " round " + rep, r.before().describe());
            out.println("  " + r.summary());
        } catch (Exception e) {
            failed("catch-up read", c, e);
        }
    }

    private void manyTopics(Contender c) {
        List<Integer> counts = c == Contender.SPILLWAY ? s.topicCounts() : s.kafkaTopicCounts();
        boolean fellOver = false;
        for (int n : counts) {
            String label = String.format(Locale.ROOT, "%,d topics", n);
            if (fellOver) {
                progress(c.title() + ": many topics, " + label + ": skipped, it fell over at a smaller count");
                table.note(topicsMetric(n, "create"), c, "not run");
                continue;
            }
            progress(c.title() + ": many topics, " + label + " (time bound " + s.topicsTime(c).toMinutes() + " min)");
            PageCache.dropAll();
            try (Target t = start(c)) {
                ManyTopics.Result r = ManyTopics.run(t, "t", n, s.topicsTime(c), out);
                out.println("  " + r.summary());
                if (r.createSeconds() >= 0 && r.created() == n) {
                    table.add(topicsMetric(n, "create"), c, r.createSeconds());
                }
                if (r.complete()) {
                    table.add(topicsMetric(n, "produce 1 record each"), c, r.produceSeconds());
                    table.add(topicsMetric(n, "consume 1 record each"), c, r.consumeSeconds());
                    table.add(topicsMetric(n, "broker RSS"), c, r.rssBytes() / 1048576.0);
                    table.add(topicsMetric(n, "open files", "", 0), c, r.openFiles());
                    if (r.lookups() != null) {
                        table.add(topicsMetric(n, "Metadata for " + ManyTopics.DESCRIBED + " topics, median", "ms", 2), c,
                                r.lookups().describeMedianMs());
                        table.add(topicsMetric(n, "list all topics (paged)"), c, r.lookups().listAllSeconds());
                    }
                    if (r.restartSeconds() >= 0) {
                        table.add(topicsMetric(n, "serving again after kill -9"), c, r.restartSeconds());
                        table.add(topicsMetric(n, "broker RSS after the restart", "MiB", 0), c, r.rssAfterRestartBytes() / 1048576.0);
                    }
                } else {
                    fellOver = true;
                    table.note(topicsMetric(n, "create"), c, "fell over");
                    notes.put("many topics " + c.key() + " " + n, r.summary());
                }
            } catch (Exception e) {
                fellOver = true;
                failed("many topics " + label, c, e);
                table.note(topicsMetric(n, "create"), c, "failed");
            }
        }
    }

    static ComparisonTable.Metric topicsMetric(int n, String what) {
        boolean rss = what.equals("broker RSS");
        return topicsMetric(n, what, rss ? "MiB" : "s", rss ? 0 : 1);
    }

    static ComparisonTable.Metric topicsMetric(int n, String what, String unit, int decimals) {
        return new ComparisonTable.Metric(String.format(Locale.ROOT, "%,d single-partition topics", n), what,
                unit, false, decimals);
    }

    // ---- the report ---------------------------------------------------------------------------------------------

    String markdown(String startedAt, String command, String rendered) {
        StringBuilder sb = new StringBuilder();
        sb.append("### Spillway vs Apache Kafka (").append(startedAt).append(s.smoke() ? ", smoke run with tiny sizes" : "")
                .append(s.workloads().containsAll(DEFAULT_WORKLOADS) ? "" : ", workloads " + String.join(", ", s.workloads()))
                .append(")\n\n");
        sb.append(rendered).append('\n');
        sb.append("Medians of ").append(s.reps()).append(s.reps() == 1 ? " run" : " runs")
                .append(s.workloads().contains("topics") ? " per cell (many topics: one run)." : " per cell.").append(" Ratios are Spillway/Kafka; \"ahead\" means Spillway is better on that row "
                        + "(higher throughput, or lower latency, time or memory).\n\n");
        sb.append("Command (from the repository root):\n\n```\n").append(command).append("\n```\n\n");
        Map<String, String> w = new LinkedHashMap<>();
        w.put("Order", "every measurement starts a fresh broker on a fresh data directory after dropping the page cache "
                + "(sync; drop_caches as root); rounds alternate between the targets ("
                + String.join(", ", s.contenders().stream().map(Contender::title).toList()) + ", then again) to cancel drift");
        if (s.workloads().contains("produce")) {
            w.put("Produce", "1 KiB values, 8 partitions, acks=all, enable.idempotence=true, batch.size=16384, linger.ms=5; "
                    + s.warmup().toSeconds() + " s warm-up then " + s.duration().toSeconds() + " s measured (first send to last ack); "
                    + "compression none: random bytes; lz4: JSON-like event text (compresses ~2-3x)");
        }
        if (s.workloads().contains("tail")) {
            w.put("Tailing read", "a consumer (assign, no group) follows the end of an 8-partition topic while one producer writes "
                    + "as fast as it can; MiB/s the consumer received during the producer's measured window; broker CPU per MiB: "
                    + "the broker process's CPU time (user + sys, /proc) over that window divided by the MiB the consumer "
                    + "received in it, which includes taking the same bytes in from the producer");
        }
        if (s.workloads().contains("latency")) {
            w.put("End-to-end latency", "one producer (acks=all, idempotent, linger.ms=0) at a fixed rate of "
                    + notes.getOrDefault("latency rate", "n/a") + ", 1 KiB, 8 partitions; one consumer in the same JVM; time from "
                    + "before send() to poll() returning the record; " + s.warmup().toSeconds() + " s warm-up, "
                    + s.latencyDuration().toSeconds() + " s measured");
        }
        if (s.workloads().contains("txn")) {
            w.put("Transactions", TxnWorkload.method(s.warmup(), s.duration(), s.txnReadMib()));
        }
        if (s.workloads().contains("catchup")) {
            w.put("Catch-up read", String.format(Locale.ROOT, "%,d MiB written (1 KiB, 8 partitions, 4 producers), then sync, "
                    + "POSIX_FADV_DONTNEED on every data file (dd iflag=nocache) and, as root, drop_caches; one consumer reads "
                    + "from the beginning, timed after the first tenth (its warm-up); broker CPU per MiB: the broker process's CPU "
                    + "time (user + sys, /proc) over the timed part divided by the MiB read in it. Kafka with flush.messages=1 is "
                    + "not run: its read path is the same as Kafka's.", s.catchupMib()));
        }
        if (s.workloads().contains("topics")) {
            w.put("Many topics", "CreateTopics with 1,000 topics per request, then one record per topic (4 threads, one producer "
                    + "per 100 topics, which looks up their leaders before sending), then read back (4 consumers, assign 1,000 partitions at a time); broker RSS "
                    + "(VmRSS) after the read; a run stops when the broker dies, a request fails or its time bound passes ("
                    + s.topicsTime().toMinutes() + " min for Kafka, " + s.spillwayTopicsTime().toMinutes() + " min for Spillway)");
        }
        if (s.workloads().contains("secure")) {
            w.put("Security", SecureWorkload.method(s.warmup(), s.duration()));
        }
        if (s.workloads().contains("isolation")) {
            w.put("Isolation", IsolationWorkload.method(s.warmup(), s.duration()));
        }
        if (s.workloads().contains("compaction")) {
            w.put("Compaction", compactionWorkload().method());
        }
        if (s.workloads().contains("share")) {
            w.put("Share groups", shareWorkload().method());
        }
        if (s.workloads().contains("startup")) {
            w.put("Start-up", StartupWorkload.method());
        }
        sb.append("Workloads:\n\n").append(BenchReport.bullets(w)).append('\n');
        if (!notes.isEmpty()) {
            sb.append("Notes from this run:\n\n").append(BenchReport.bullets(notes)).append('\n');
        }
        sb.append("Every run:\n\n").append(table.runs()).append(txnTable.runs()).append(secureTable.runs())
                .append(isolationTable.runs()).append(compactionTable.runs()).append(shareTable.runs())
                .append(startupTable.runs()).append('\n');
        for (Map.Entry<Contender, Map<String, String>> e : descriptions.entrySet()) {
            Map<String, String> d = new LinkedHashMap<>(e.getValue());
            d.remove("Data dir");
            d.remove("Broker log");
            sb.append(e.getKey().title()).append(":\n\n").append(BenchReport.bullets(d)).append('\n');
        }
        Map<String, String> client = new LinkedHashMap<>();
        client.put("Client", "kafka-clients " + BenchMain.kafkaClientsVersion() + " in the harness JVM on the same machine");
        client.put("Source revision", BenchMain.gitRevision());
        sb.append("Harness:\n\n").append(BenchReport.bullets(client)).append('\n');
        Path probe = TempDirs.create("spillway-bench-machine");
        try {
            sb.append("Machine:\n\n").append(BenchReport.bullets(MachineInfo.collect(probe)));
        } finally {
            TempDirs.deleteQuietly(probe);
        }
        return sb.toString();
    }
}

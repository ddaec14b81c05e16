package io.spillway.bench;

import io.spillway.testkit.RepoLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The benchmark driver behind {@code bin/spillway-bench}: starts a Spillway broker on a fresh data
 * directory (or connects to {@code --bootstrap}), runs the produce workload and then reads everything
 * back, prints a table, and writes it with the machine description and the exact command to
 * {@code docs/benchmarks.md}.
 */
public final class BenchMain {

    static final String USAGE = """
            Usage: bin/spillway-bench [options]

            Target (default: start a Spillway broker on a fresh temporary data dir, fsync on, and stop it after):
              --bootstrap HOST:PORT     run against an already running broker instead (e.g. Apache Kafka)
              --label NAME              name of the target in the report (default spillway, or external with --bootstrap)
              --data-dir DIR            Spillway data dir to use (kept); default a fresh temp dir, deleted afterwards
              --keep-data               keep the temporary data dir
              --broker-set K=V          Spillway broker setting (--set), repeatable, e.g. spillway.fsync=false
              --broker-heap SIZE        broker -Xmx (default 2g)
              --broker-jvm-arg ARG      extra broker JVM option, repeatable
              --jfr FILE                record the broker with JFR (settings=profile) into FILE

            Produce workload (then the whole topic is consumed from the beginning):
              --topic NAME              topic (default bench-<timestamp>, created if missing)
              --partitions N            partitions (default 8)
              --record-size BYTES       record value size (default 1024; random, incompressible)
              --records N               measured records (default 1000000; 500k, 1m accepted)
              --duration D              measure for a duration instead (60, 60s, 2m)
              --warmup D                produce (and flush) for this long before measuring; those records are
                                        excluded from both produce and consume numbers (default 15s)
              --warmup-records N        warm up with N records instead
              --producers N             producer threads, one KafkaProducer each (default 1)
              --acks A                  (default all)
              --idempotence true|false  (default true)
              --compression C           none|gzip|snappy|lz4|zstd (default none)
              --payload random|text     record values: random bytes (default) or JSON-like event text that compresses
              --throughput R            cap total produce rate at R records/s, warm-up included (default unlimited)
              --producer-prop K=V       producer config, repeatable (defaults: batch.size=16384, linger.ms=5)
              --topic-config K=V        config of the created topic, repeatable
              --consumer-prop K=V       consumer config, repeatable
              --idle-timeout D          consume gives up after this long without a record (default 30s)
              --skip-consume            produce only

            Output:
              --report FILE             Markdown file to write the results section into
                                        (default docs/benchmarks.md for the Spillway target; none with --bootstrap)
              --no-report               print only
              --help
            """;

    private static final List<String> FLAGS = List.of("--help", "--keep-data", "--skip-consume", "--no-report");
    private static final List<String> OPTIONS = BenchOptions.plus(BenchOptions.PRODUCE_OPTIONS, "--consumer-prop",
            "--idle-timeout", "--bootstrap", "--label", "--data-dir", "--broker-set", "--broker-heap",
            "--broker-jvm-arg", "--jfr", "--report");

    private BenchMain() {
    }

    public static void main(String[] argv) {
        int code;
        try {
            code = run(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("spillway-bench: " + e.getMessage());
            System.err.println("Run with --help for the options.");
            code = 2;
        } catch (Exception e) {
            System.err.println("spillway-bench: failed: " + e);
            e.printStackTrace(System.err);
            code = 1;
        }
        System.exit(code);
    }

    static int run(String[] argv) throws Exception {
        Args a = Args.parse(argv, FLAGS, OPTIONS);
        if (a.flag("--help")) {
            System.out.print(USAGE);
            return 0;
        }
        String started = ZonedDateTime.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        String defaultTopic = "bench-" + ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        ProducePerf.Config produce = BenchOptions.produceConfig(a).topic(a.get("--topic", defaultTopic))
                .progress(System.out);
        ConsumePerf.Config consume = BenchOptions.consumeConfig(a).topic(produce.topic()).progress(System.out);
        boolean external = a.has("--bootstrap");
        String label = a.get("--label", external ? "external" : "spillway");
        if (!label.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("--label may only contain letters, digits, '.', '_' and '-': " + label);
        }
        Path report = null;
        if (!a.flag("--no-report")) {
            if (a.has("--report")) {
                report = Paths.get(a.get("--report", null)).toAbsolutePath();
            } else if (!external) {
                report = RepoLayout.repoRoot().resolve("docs").resolve("benchmarks.md");
            }
        }
        String command = System.getProperty("spillway.bench.command");
        if (command == null || command.isBlank()) {
            command = "java -cp <bench classpath> " + BenchMain.class.getName() + " " + String.join(" ", argv);
        }

        Target target;
        if (external) {
            target = new ExternalTarget(label, a.get("--bootstrap", null));
        } else {
            SpillwayTarget.Options o = new SpillwayTarget.Options()
                    .heap(a.get("--broker-heap", "2g"))
                    .settings(a.getMap("--broker-set"))
                    .jvmArgs(a.getAll("--broker-jvm-arg"))
                    .keepData(a.flag("--keep-data"));
            if (a.has("--data-dir")) {
                o.dataDir(Paths.get(a.get("--data-dir", null)));
            }
            if (a.has("--jfr")) {
                o.jfrFile(Paths.get(a.get("--jfr", null)));
            }
            Path root = RepoLayout.repoRoot();
            o.repoRoot(root).logDir(root.resolve("bench").resolve("target").resolve("spillway-logs"));
            System.out.println("spillway-bench: starting a Spillway broker ...");
            target = SpillwayTarget.start(o);
            System.out.println("spillway-bench: broker pid " + target.pid().orElse(-1) + " listening on "
                    + target.bootstrap() + ", data in " + ((SpillwayTarget) target).dataDir() + ", log "
                    + ((SpillwayTarget) target).logFile());
        }

        Map<String, String> machine;
        ProducePerf.Result produced;
        ConsumePerf.Result consumed = null;
        String produceCpu = null;
        String consumeCpu = null;
        long dataBytes = -1;
        Map<String, String> targetDescription;
        try {
            machine = MachineInfo.collect(target instanceof SpillwayTarget s ? s.dataDir() : null);
            System.out.printf(Locale.ROOT, "spillway-bench: producing to %s (%d partitions, %d-byte records, %s) ...%n",
                    produce.topic(), produce.partitions(), produce.recordSize(), produce.duration() != null
                            ? "for " + produce.duration().toSeconds() + " s" : String.format(Locale.ROOT, "%,d records", produce.records()));
            AtomicReference<CpuMeter.Snapshot> cpuStart = new AtomicReference<>();
            produce.onMeasureStart(() -> cpuStart.set(CpuMeter.Snapshot.take(target.pid())));
            produced = ProducePerf.run(target.bootstrap(), produce);
            produceCpu = CpuMeter.describe(cpuStart.get(), CpuMeter.Snapshot.take(target.pid()));
            System.out.println(produced.summary());
            if (produceCpu != null) {
                System.out.println("produce CPU: " + produceCpu);
            }
            if (!a.flag("--skip-consume")) {
                System.out.println("spillway-bench: consuming " + produce.topic() + " from the beginning ...");
                consume.warmupRecords(produced.warmupRecords())
                        .onMeasureStart(() -> cpuStart.set(CpuMeter.Snapshot.take(target.pid())));
                consumed = ConsumePerf.run(target.bootstrap(), consume);
                consumeCpu = CpuMeter.describe(cpuStart.get(), CpuMeter.Snapshot.take(target.pid()));
                System.out.println(consumed.summary());
                if (consumeCpu != null) {
                    System.out.println("consume CPU: " + consumeCpu);
                }
            }
            if (target instanceof SpillwayTarget s) {
                dataBytes = s.dataDirBytes();
            }
        } finally {
            System.out.println("spillway-bench: stopping the target ...");
            target.close();
            targetDescription = target.describe();
        }

        List<BenchReport.Row> rows = new ArrayList<>();
        String producers = produce.producers() == 1 ? "1 producer" : produce.producers() + " producers";
        String produceLabel = String.format(Locale.ROOT, "produce %s, %d partitions, acks=%s%s, %s%s%s", size(produce.recordSize()),
                produced.partitions(), produce.acks(), produce.idempotence() ? ", idempotent" : "", producers,
                "none".equals(produce.compression()) ? "" : ", " + produce.compression(),
                produce.throughput() > 0 ? String.format(Locale.ROOT, ", capped at %,.0f records/s", produce.throughput()) : "");
        rows.add(BenchReport.Row.of(produceLabel, produced));
        if (consumed != null) {
            rows.add(BenchReport.Row.of("consume from the beginning (assign, no group)", consumed));
        }
        String table = BenchReport.table(rows);
        System.out.println();
        System.out.print(table);
        System.out.println();

        if (report != null) {
            String body = section(label, started, table, command, target, targetDescription, machine, produce, produced,
                    consume, consumed, dataBytes, produceCpu, consumeCpu);
            BenchReport.writeSection(report, label, body);
            System.out.println("spillway-bench: results written to " + report + " (section " + label + ")");
        }

        int code = 0;
        if (produced.errors() > 0) {
            System.err.println("spillway-bench: " + produced.errors() + " sends failed; first: " + produced.firstError());
            code = 1;
        }
        if (consumed != null && consumed.totalRecords() < produced.records() + produced.warmupRecords()) {
            System.err.printf(Locale.ROOT, "spillway-bench: consumed %,d records but %,d were acknowledged%n",
                    consumed.totalRecords(), produced.records() + produced.warmupRecords());
            code = 1;
        }
        return code;
    }

    private static String section(String label, String started, String table, String command, Target target,
                                  Map<String, String> targetDescription, Map<String, String> machine,
                                  ProducePerf.Config produce, ProducePerf.Result produced, ConsumePerf.Config consume,
                                  ConsumePerf.Result consumed, long dataBytes, String produceCpu, String consumeCpu) {
        StringBuilder sb = new StringBuilder();
        sb.append("### Results: ").append(label).append(" (").append(started).append(")\n\n");
        sb.append(table).append('\n');
        sb.append("Command (from the repository root):\n\n```\n").append(command).append("\n```\n\n");
        Map<String, String> workload = new LinkedHashMap<>();
        workload.put("Topic", produce.topic() + ", " + produced.partitions() + " partitions"
                + (produce.topicConfigs().isEmpty() ? "" : ", configs " + produce.topicConfigs()));
        workload.put("Records", String.format(Locale.ROOT, "%,d measured + %,d warm-up (%s, sent and flushed first, "
                        + "excluded), %d-byte random values, null keys", produced.records(), produced.warmupRecords(),
                produce.warmupDescription(), produce.recordSize()));
        workload.put("Producer", produce.producers() + " thread(s), one KafkaProducer each, "
                + (produce.throughput() > 0 ? String.format(Locale.ROOT, "capped at %,.0f records/s (warm-up too)",
                produce.throughput()) : "unthrottled")
                + "; config " + produced.producerConfig());
        workload.put("Produce window", String.format(Locale.ROOT, "%.1f s, first measured send to last ack", produced.seconds()));
        workload.put("Latency", String.format(Locale.ROOT, "send() to callback, includes time queued in the producer; "
                        + "mean %.1f ms, max %.1f ms", produced.latency().meanMicros() / 1000.0,
                produced.latency().maxMicros() / 1000.0));
        workload.put("Producer metrics", formatMetrics(produced.clientMetrics()));
        if (consumed != null) {
            workload.put("Consumer", String.format(Locale.ROOT, "assign + seekToBeginning, config %s; read all %,d records; "
                            + "the first %,d (the producer's warm-up) are excluded from the table; over all records: "
                            + "%,.0f records/s, %.1f MiB/s in %.1f s", consume.effectiveConsumerConfig(), consumed.totalRecords(),
                    consumed.warmupRecords(), consumed.totalRecordsPerSec(), consumed.totalMibPerSec(),
                    consumed.totalElapsedNanos() / 1e9));
        }
        if (produceCpu != null) {
            workload.put("CPU during measured produce", produceCpu);
        }
        if (consumeCpu != null) {
            workload.put("CPU during measured consume", consumeCpu);
        }
        workload.put("Client", "kafka-clients " + kafkaClientsVersion() + " in the harness JVM on the same machine");
        if (dataBytes >= 0) {
            workload.put("Data dir size after the run", String.format(Locale.ROOT, "%.1f MiB", dataBytes / 1048576.0));
        }
        sb.append("Workload:\n\n").append(BenchReport.bullets(workload)).append('\n');
        Map<String, String> t = new LinkedHashMap<>(targetDescription);
        t.put("Source revision", gitRevision());
        target.launchCommand().ifPresent(cmd -> t.put("Broker command", "`" + abbreviateClasspath(cmd, "<server/target/classes:server/target/spillway.classpath>") + "`"));
        sb.append("Target:\n\n").append(BenchReport.bullets(t)).append('\n');
        sb.append("Machine:\n\n").append(BenchReport.bullets(machine));
        return sb.toString();
    }

    private static String formatMetrics(Map<String, Double> m) {
        if (m.isEmpty()) {
            return "n/a";
        }
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(k + "=" + (v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.1f", v))));
        return String.join(", ", parts);
    }

    static String size(int bytes) {
        if (bytes % 1024 == 0) {
            return bytes / 1024 + " KiB";
        }
        return bytes + " B";
    }

    /** The command with the value of {@code -cp} replaced by {@code placeholder} (classpaths are long and machine-specific). */
    public static String abbreviateClasspath(List<String> cmd, String placeholder) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < cmd.size(); i++) {
            out.add(cmd.get(i));
            if ("-cp".equals(cmd.get(i)) && i + 1 < cmd.size()) {
                out.add(placeholder);
                i++;
            }
        }
        return String.join(" ", out);
    }

    public static String kafkaClientsVersion() {
        try (InputStream in = org.apache.kafka.clients.producer.KafkaProducer.class
                .getResourceAsStream("/kafka/kafka-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    public static String gitRevision() {
        try {
            Path root = RepoLayout.repoRoot();
            String rev = git(root, "rev-parse", "--short=12", "HEAD");
            String dirty = git(root, "status", "--porcelain", "--untracked-files=no");
            return rev.isEmpty() ? "unknown" : rev + (dirty.isEmpty() ? "" : " (with uncommitted changes)");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String git(Path root, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", root.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            return "";
        }
        return out;
    }
}

package io.spillway.bench.txncheck;

import io.spillway.testkit.TempDirs;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.IsolationLevel;

/**
 * One checker run against one broker, start to verdict:
 * <ol>
 *   <li>start the broker, create the topic, start the producers (and the tailing reader), wait until every producer's
 *       initTransactions() has returned;</li>
 *   <li>let the workload run for the set duration while executing the seeded {@link FaultPlan} (kill -9 producers,
 *       planned mid-transaction crashes, kill -9 and restart of the broker) and restarting every producer that
 *       exits;</li>
 *   <li>stop the producers, resolve what is still open ({@link InDoubtResolver}), read the topic from the beginning
 *       with read_committed (and read_uncommitted, for information), and check every view against the producers'
 *       outcome logs ({@link TxnChecker}).</li>
 * </ol>
 * The broker and every child process are gone when {@link #run} returns or throws.
 *
 * <p>Not thread safe: {@link #run} runs on the caller's thread, which is the run's control thread.
 */
public final class TxnCheckRun {

    static final String FINAL_VIEW = "final read_committed";
    static final String TAIL_VIEW = "tailing read_committed";
    static final String UNCOMMITTED_VIEW = "read_uncommitted (information)";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(120);
    private static final long STOP_TIMEOUT_MS = 30_000;

    private final TargetKind target;
    private final TxnCheckSettings s;
    private final Path repoRoot;
    private final Path runDir;
    private final PrintStream out;
    private final String prefix;
    private long workloadStartNs;

    private TxnCheckRun(TargetKind target, TxnCheckSettings s, Path repoRoot, Path runDir, PrintStream out) {
        this.target = target;
        this.s = s;
        this.repoRoot = repoRoot;
        this.runDir = runDir;
        this.out = out;
        this.prefix = "[" + target.key() + "] ";
    }

    /**
     * Runs the checker against a fresh broker of kind {@code target}.
     *
     * @param runDir where the outcome logs, producer outputs and broker logs go (created; kept afterwards)
     * @param out    progress lines
     */
    public static TxnCheckResult run(TargetKind target, TxnCheckSettings s, Path repoRoot, Path runDir,
                                     PrintStream out) {
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + runDir, e);
        }
        return new TxnCheckRun(target, s, repoRoot, runDir, out).execute();
    }

    private TxnCheckResult execute() {
        long startNs = System.nanoTime();
        FaultPlan plan = FaultPlan.generate(s.seed(), s.rates(), s.duration(), s.producers(), s.txnTimeout());
        out.println(prefix + "txn-check: " + s.summary());
        out.println(prefix + "planned faults: " + plan.count(Fault.Kind.KILL_PRODUCER) + " producer kills, "
                + plan.count(Fault.Kind.CRASH_PRODUCER_MID_TXN) + " mid-transaction crashes, "
                + plan.count(Fault.Kind.KILL_BROKER) + " broker kills; files in " + runDir);
        TxnCheckResult result;
        Path dataDir;
        try (CrashableBroker broker = target.start(repoRoot, runDir, s)) {
            dataDir = broker.dataDir();
            result = against(broker, plan, startNs);
        }
        if (result.passed()) {
            TempDirs.deleteQuietly(dataDir); // a failed run keeps the broker's data for a post-mortem
        }
        return result;
    }

    private TxnCheckResult against(CrashableBroker broker, FaultPlan plan, long startNs) {
        FaultLog faultLog = new FaultLog(out, prefix);
        Anomalies runAnomalies = new Anomalies("run");
        out.println(prefix + broker.title() + " is up at " + broker.bootstrap());
        createTopic(broker.bootstrap());
        try (ProducerFleet fleet = new ProducerFleet(s, broker.bootstrap(), runDir, faultLog);
             TailingReader tail = s.tail() ? TailingReader.start(broker.bootstrap(), s.topic(), s.partitions()) : null) {
            workloadStartNs = System.nanoTime();
            fleet.startAll();
            Map<Integer, String> notReady = fleet.awaitAllReady(s.initTimeout().toMillis());
            if (!notReady.isEmpty()) {
                fleet.stopAll(5_000, elapsedMs());
                Map<Integer, ProducerHistory> histories = fleet.histories();
                runAnomalies.add(AnomalyKind.NO_PROGRESS, "producers not ready: " + notReady + "; their first errors: "
                        + firstErrors(histories));
                return new TxnCheckResult(target, broker.title(), broker.describe(), s, plan, faultLog, histories, null,
                        null, null, null, runAnomalies.report(), runDir, msSince(startNs));
            }
            out.println(prefix + "all " + s.producers() + " producers ready after " + elapsedMs() + " ms; running "
                    + s.duration().toSeconds() + " s");
            executePlan(plan, fleet, broker, faultLog);
            fleet.stopAll(STOP_TIMEOUT_MS, elapsedMs());
            out.println(prefix + "producers stopped; resolving open transactions");
            Resolution resolution = InDoubtResolver.resolve(broker.bootstrap(), s.topic(), s.partitions(),
                    fleet.transactionalIds(), s.maxBlock(), s.txnTimeout().plusSeconds(20));
            resolution.problems().forEach(p -> runAnomalies.add(AnomalyKind.UNRESOLVED, p));
            ReadResult tailRead = tail == null ? null : tail.finish(resolution.lastStable(), READ_TIMEOUT);
            Views views = check(broker.bootstrap(), fleet.histories(), tailRead, runAnomalies);
            return new TxnCheckResult(target, broker.title(), broker.describe(), s, plan, faultLog, fleet.histories(),
                    resolution, views.finalRead(), views.tail(), views.uncommitted(), runAnomalies.report(), runDir,
                    msSince(startNs));
        }
    }

    /** The checked views of a run. */
    private record Views(ViewCheck finalRead, ViewCheck tail, ViewCheck uncommitted) {
    }

    /**
     * Reads the topic from the beginning (read_committed, and read_uncommitted for where each record physically is)
     * and checks those views and the tailing reader's against the outcome logs.
     */
    private Views check(String bootstrap, Map<Integer, ProducerHistory> histories, ReadResult tailRead,
                        Anomalies runAnomalies) {
        ReadResult finalRead = TopicReads.readAll(bootstrap, s.topic(), s.partitions(), IsolationLevel.READ_COMMITTED,
                READ_TIMEOUT);
        ReadResult raw = TopicReads.readAll(bootstrap, s.topic(), s.partitions(), IsolationLevel.READ_UNCOMMITTED,
                READ_TIMEOUT);
        if (tailRead != null && tailRead.complete() && finalRead.complete()) {
            ViewComparison.compare(finalRead, tailRead, runAnomalies);
        }
        if (histories.values().stream().allMatch(h -> h.count(TxnFate.COMMITTED) == 0)) {
            runAnomalies.add(AnomalyKind.NO_PROGRESS, "no transaction committed; first errors: " + firstErrors(histories));
        }
        return new Views(TxnChecker.check(FINAL_VIEW, histories, finalRead, raw),
                tailRead == null ? null : TxnChecker.check(TAIL_VIEW, histories, tailRead, raw),
                TxnChecker.check(UNCOMMITTED_VIEW, histories, raw, null));
    }

    private static long msSince(long startNs) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }

    /** Executes the faults at their planned times and restarts exited producers, until the duration has passed. */
    private void executePlan(FaultPlan plan, ProducerFleet fleet, CrashableBroker broker, FaultLog faultLog) {
        long endMs = s.duration().toMillis();
        Iterator<Fault> faults = plan.faults().iterator();
        Fault next = faults.hasNext() ? faults.next() : null;
        try {
            while (elapsedMs() < endMs) {
                long now = elapsedMs();
                fleet.restartDue(now);
                long wakeAt = Math.min(endMs, Math.min(next == null ? Long.MAX_VALUE : next.atMs(), fleet.nextRestartAtMs()));
                if (wakeAt > now) {
                    ProducerFleet.Exit exit = fleet.awaitExit(wakeAt - now);
                    if (exit != null) {
                        fleet.onExit(exit, elapsedMs());
                    }
                    continue;
                }
                if (next != null && next.atMs() <= now) {
                    execute(next, fleet, broker, faultLog);
                    next = faults.hasNext() ? faults.next() : null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the run", e);
        }
    }

    private void execute(Fault f, ProducerFleet fleet, CrashableBroker broker, FaultLog faultLog) {
        long now = elapsedMs();
        switch (f.kind()) {
            case KILL_PRODUCER -> fleet.kill(f.producer(), f.restartDelayMs(), now);
            case CRASH_PRODUCER_MID_TXN -> fleet.crash(f.producer(), f.restartDelayMs(), now);
            case KILL_BROKER -> {
                broker.kill9();
                long killedMs = elapsedMs();
                broker.restart();
                faultLog.add(now, FaultLog.Kind.BROKER_KILLED, String.format(Locale.ROOT,
                        "kill -9 broker (planned at %.1f s); restarted on the same data dir and port, serving again after %.1f s",
                        f.atMs() / 1000.0, (elapsedMs() - killedMs) / 1000.0));
            }
        }
    }

    private long elapsedMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - workloadStartNs);
    }

    private void createTopic(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(s.topic(), s.partitions(), (short) 1))).all().get(60, TimeUnit.SECONDS);
            admin.describeTopics(List.of(s.topic())).allTopicNames().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + s.topic() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + s.topic(), e);
        }
    }

    /** The first error of each producer that had one, for a setup failure's message. */
    static String firstErrors(Map<Integer, ProducerHistory> histories) {
        StringBuilder sb = new StringBuilder();
        histories.forEach((i, h) -> {
            if (!h.errors().isEmpty()) {
                sb.append(sb.length() == 0 ? "" : "; ").append("producer ").append(i).append(": ").append(h.errors().get(0));
            }
        });
        return sb.length() == 0 ? "none logged" : sb.toString();
    }
}

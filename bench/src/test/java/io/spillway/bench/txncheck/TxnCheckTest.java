package io.spillway.bench.txncheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.bench.Args;
import io.spillway.testkit.RepoLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transactions checker end to end: a short seeded run with producer kills, mid-transaction crashes and a broker
 * kill -9 + restart, which must find zero anomalies and must really have exercised commits, aborts and every fault.
 *
 * <p>Against Spillway by default. This FAILS until Spillway has a transaction coordinator (today its
 * initTransactions() never returns, which the run reports as "no progress" after 30 s). System properties:
 * <ul>
 *   <li>{@code -Dtxncheck.target=kafka}: the same run against Apache Kafka (the reference), with a 2 s broker
 *       session timeout instead of the default 9 s (see {@link #KAFKA_SHORT_SESSION}); add
 *       {@code -Dtxncheck.kafkaDefaults=true} to run Kafka with its defaults;</li>
 *   <li>{@code -Dtxncheck.seed=N} (default 20260601), {@code -Dtxncheck.duration=40s};</li>
 *   <li>{@code -Dtxncheck.args="--broker-kills 0 ..."}: any further {@code txn-check} options.</li>
 * </ul>
 * The run's files and its report ({@code report.md}) stay in {@code bench/target/txncheck-test/}.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TxnCheckTest {

    /**
     * For Apache Kafka: {@code broker.session.timeout.ms=2000} (default 9000) and a 500 ms heartbeat. After a kill -9,
     * the restarted single KRaft node cannot register again until the controller expires its previous session; in
     * that window Kafka 4.4's transaction coordinator, already loaded, drops the markers of the transactions it
     * completes (commits and aborts prepared before the crash, timed-out transactions) because it cannot resolve the
     * partitions' leader ("Couldn't find leader endpoint ... likely deleted already"). The checker then sees hanging
     * transactions, aborted or abandoned transactions committed by the producer's next commit marker, and committed
     * ones aborted by its next abort marker (docs/transactions-checker.md). The shorter session shrinks the window
     * (restarts take about 4 s instead of 12-14 s): this 40 s run with one broker kill passed 4 times out of 4 with
     * it. It does not remove the race; 3-minute runs with six broker kills still failed with it.
     */
    static final List<String> KAFKA_SHORT_SESSION = List.of("--kafka-set", "broker.session.timeout.ms=2000",
            "--kafka-set", "broker.heartbeat.interval.ms=500");

    @Test
    void committedTransactionsSurviveAndAbortedOnesStayHiddenThroughCrashes() throws Exception {
        TargetKind target = TargetKind.parse(System.getProperty("txncheck.target", "spillway"));
        TxnCheckSettings s = settings(target);
        Path runDir = Paths.get("target", "txncheck-test",
                target.key() + "-seed" + s.seed() + "-" + System.currentTimeMillis()).toAbsolutePath();

        TxnCheckResult r = TxnCheckRun.run(target, s, RepoLayout.repoRoot(), runDir, System.out);

        String report = TxnCheckReport.markdown(r, "mvn -pl bench verify -Dtest=TxnCheckTest -Dtxncheck.target="
                + target.key() + " -Dtxncheck.seed=" + s.seed(), Instant.now().toString());
        Files.writeString(runDir.resolve("report.md"), report, StandardCharsets.UTF_8);
        assertThat(r.examples()).as(report).isEmpty();
        assertThat(r.anomalies()).as(report).isZero();
        // the run had teeth: both outcomes happened, every fault kind was applied, aborted data reached the log
        assertThat(r.txns(TxnFate.COMMITTED)).as(report).isGreaterThan(100);
        assertThat(r.txns(TxnFate.ABORTED)).as(report).isGreaterThan(10);
        assertThat(r.faultLog().count(FaultLog.Kind.BROKER_KILLED)).as(report)
                .isEqualTo(r.plan().count(Fault.Kind.KILL_BROKER));
        if (r.plan().count(Fault.Kind.KILL_PRODUCER) > 0) {
            assertThat(r.faultLog().count(FaultLog.Kind.PRODUCER_KILLED)).as(report).isPositive();
        }
        if (r.plan().count(Fault.Kind.CRASH_PRODUCER_MID_TXN) > 0) {
            assertThat(r.faultLog().count(FaultLog.Kind.PRODUCER_CRASHED_MID_TXN)).as(report).isPositive();
        }
        Visibility abortedInLog = r.uncommitted().visibility(TxnFate.ABORTED);
        assertThat(abortedInLog.full() + abortedInLog.partial()).as("aborted records that read_committed had to hide")
                .isPositive();
    }

    /** The checker's defaults, shortened to a test run, with the system property overrides. */
    static TxnCheckSettings settings(TargetKind target) {
        List<String> argv = new ArrayList<>(List.of("--seed", System.getProperty("txncheck.seed", "20260601"),
                "--duration", System.getProperty("txncheck.duration", "40s")));
        if (target == TargetKind.KAFKA && !Boolean.getBoolean("txncheck.kafkaDefaults")) {
            argv.addAll(KAFKA_SHORT_SESSION);
        }
        String extra = System.getProperty("txncheck.args", "").trim();
        if (!extra.isEmpty()) {
            argv.addAll(List.of(extra.split("\\s+")));
        }
        return TxnCheckSettings.fromArgs(Args.parse(argv.toArray(String[]::new), TxnCheckSettings.FLAGS,
                TxnCheckSettings.OPTIONS));
    }
}

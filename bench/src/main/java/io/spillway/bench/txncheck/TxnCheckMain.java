package io.spillway.bench.txncheck;

import io.spillway.bench.Args;
import io.spillway.bench.BenchMain;
import io.spillway.bench.BenchReport;
import io.spillway.testkit.RepoLayout;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/spillway-bench txn-check}: the Jepsen-style transactions checker against Apache Kafka (the reference)
 * and/or Spillway. Prints the verdict and writes it to a Markdown report, one section per target, replacing the
 * section of an earlier run against the same target. Exit code 0 if every target passed, 1 if any had anomalies or
 * failed to run, 2 on bad usage.
 */
public final class TxnCheckMain {

    static final String USAGE = """
            Usage: bin/spillway-bench txn-check [options]

            Transactional producers (each its own JVM, its own transactional.id) commit and abort transactions of
            several records over several partitions while producers and the broker are killed with SIGKILL and
            restarted; then read_committed readers are checked against the producers' fsynced outcome logs: no lost
            committed write, no visible aborted write, no torn transaction, no duplicate, producer order per
            partition. Every run starts a fresh broker on a fresh data directory.

              --target T                spillway, kafka or both (default kafka; both runs Kafka first)
            """ + TxnCheckSettings.USAGE_OPTIONS + """
              --report FILE             Markdown file to write into (default docs/transactions-checker.md)
              --no-report               print only
              --help
            """;

    private static final String REPORT_HEADER = "# Transactions checker\n";

    private TxnCheckMain() {
    }

    public static void main(String[] argv) {
        if (System.getProperty("spillway.bench.clientLogLevel") == null) { // before the first logger is created
            System.setProperty("spillway.bench.clientLogLevel", "ERROR");
        }
        int code;
        try {
            code = run(argv, System.out);
        } catch (UsageException e) {
            System.err.println("spillway-bench txn-check: " + e.getMessage());
            System.err.println("Run with --help for the options.");
            code = 2;
        } catch (Exception e) {
            System.err.println("spillway-bench txn-check: failed: " + e);
            e.printStackTrace(System.err);
            code = 1;
        }
        System.exit(code);
    }

    /** A bad command line (exit code 2), as opposed to a run that failed. */
    static final class UsageException extends RuntimeException {
        UsageException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        List<String> flags = new ArrayList<>(List.of("--help", "--no-report"));
        flags.addAll(TxnCheckSettings.FLAGS);
        List<String> options = new ArrayList<>(List.of("--target", "--report"));
        options.addAll(TxnCheckSettings.OPTIONS);
        Args a;
        TxnCheckSettings settings;
        List<TargetKind> targets;
        try {
            a = Args.parse(argv, flags, options);
            if (a.flag("--help")) {
                out.print(USAGE);
                return 0;
            }
            settings = TxnCheckSettings.fromArgs(a);
            targets = targets(a.get("--target", "kafka"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        Path repoRoot = RepoLayout.repoRoot();
        Path report = a.flag("--no-report") ? null : a.has("--report") ? Paths.get(a.get("--report", null)).toAbsolutePath()
                : repoRoot.resolve("docs").resolve("transactions-checker.md");
        String command = System.getProperty("spillway.bench.command");
        if (command == null || command.isBlank()) {
            command = "bin/spillway-bench txn-check " + String.join(" ", argv);
        }
        if (!a.has("--seed")) {
            command += " --seed " + settings.seed();
        }
        out.println("txn-check: seed " + settings.seed() + " (repeat with --seed " + settings.seed() + ")");
        boolean allPassed = true;
        String stamp = ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        for (TargetKind t : targets) {
            Path runDir = repoRoot.resolve("bench").resolve("target").resolve("txncheck")
                    .resolve(t.key() + "-seed" + settings.seed() + "-" + System.currentTimeMillis());
            TxnCheckResult r = TxnCheckRun.run(t, settings, repoRoot, runDir, out);
            String md = TxnCheckReport.markdown(r, command, stamp) + "\nSource revision: " + BenchMain.gitRevision()
                    + ", kafka-clients " + BenchMain.kafkaClientsVersion() + "\n";
            out.println();
            out.println(md);
            if (report != null) {
                BenchReport.writeSection(report, "txn-check-" + t.key(), md, REPORT_HEADER);
                out.println("txn-check: written to " + report);
            }
            allPassed &= r.passed();
        }
        return allPassed ? 0 : 1;
    }

    static List<TargetKind> targets(String value) {
        if ("both".equals(value.trim())) {
            return List.of(TargetKind.KAFKA, TargetKind.SPILLWAY);
        }
        return List.of(TargetKind.parse(value));
    }
}

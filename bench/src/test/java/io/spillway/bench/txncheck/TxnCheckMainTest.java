package io.spillway.bench.txncheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.bench.Args;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line of {@code txn-check}: options, defaults, usage errors. */
class TxnCheckMainTest {

    private static TxnCheckSettings parse(String... argv) {
        return TxnCheckSettings.fromArgs(Args.parse(argv, TxnCheckSettings.FLAGS, TxnCheckSettings.OPTIONS));
    }

    @Test
    void defaultsAndOverrides() {
        TxnCheckSettings d = parse("--seed", "5");
        assertThat(d.seed()).isEqualTo(5);
        assertThat(d.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.producers()).isEqualTo(3);
        assertThat(d.partitions()).isEqualTo(4);
        assertThat(d.abortProbability()).isEqualTo(0.2);
        assertThat(d.rates()).isEqualTo(new FaultPlan.Rates(6, 4, 2));
        assertThat(d.tail()).isTrue();

        TxnCheckSettings o = parse("--seed", "5", "--duration", "2m", "--producers", "5", "--broker-kills", "0.5",
                "--txn-timeout", "5s", "--no-tail", "--kafka-set", "a=b", "--kafka-set", "c=d");
        assertThat(o.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.producers()).isEqualTo(5);
        assertThat(o.rates().brokerKillsPerMin()).isEqualTo(0.5);
        assertThat(o.txnTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.tail()).isFalse();
        assertThat(o.kafkaSettings()).containsEntry("a", "b").containsEntry("c", "d");
    }

    @Test
    void withoutASeedOneIsChosenAndItIsPartOfTheSummary() {
        TxnCheckSettings s = parse();
        assertThat(s.seed()).isNotNegative();
        assertThat(s.summary()).startsWith("seed " + s.seed() + ",");
    }

    @Test
    void badUsageIsAUsageErrorNotAFailedRun() {
        assertThatThrownBy(() -> TxnCheckMain.run(new String[] {"--nope"}, System.out))
                .isInstanceOf(TxnCheckMain.UsageException.class).hasMessageContaining("--nope");
        assertThatThrownBy(() -> TxnCheckMain.run(new String[] {"--abort-rate", "2"}, System.out))
                .isInstanceOf(TxnCheckMain.UsageException.class).hasMessageContaining("--abort-rate");
        assertThatThrownBy(() -> TxnCheckMain.run(new String[] {"--target", "redpanda"}, System.out))
                .isInstanceOf(TxnCheckMain.UsageException.class).hasMessageContaining("unknown target");
    }

    @Test
    void helpPrintsEveryOption() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            assertThat(TxnCheckMain.run(new String[] {"--help"}, out)).isZero();
        }
        String help = buf.toString(StandardCharsets.UTF_8);
        for (String option : TxnCheckSettings.OPTIONS) {
            assertThat(help).contains(option);
        }
        assertThat(help).contains("--target", "--report", "--no-report", "--no-tail");
    }

    @Test
    void bothMeansKafkaThenSpillway() {
        assertThat(TxnCheckMain.targets("both")).isEqualTo(List.of(TargetKind.KAFKA, TargetKind.SPILLWAY));
        assertThat(TxnCheckMain.targets("spillway")).isEqualTo(List.of(TargetKind.SPILLWAY));
    }
}

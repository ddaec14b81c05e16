package io.spillway.bench.txncheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultPlanTest {

    private static final FaultPlan.Rates RATES = new FaultPlan.Rates(6, 4, 2);
    private static final Duration TXN_TIMEOUT = Duration.ofSeconds(10);

    @Test
    void theSameSeedGivesTheSamePlanAndAnotherSeedAnother() {
        FaultPlan a = FaultPlan.generate(42, RATES, Duration.ofSeconds(90), 3, TXN_TIMEOUT);
        assertThat(FaultPlan.generate(42, RATES, Duration.ofSeconds(90), 3, TXN_TIMEOUT)).isEqualTo(a);
        assertThat(FaultPlan.generate(43, RATES, Duration.ofSeconds(90), 3, TXN_TIMEOUT)).isNotEqualTo(a);
    }

    @Test
    void eachKindGetsItsRateTimesTheDurationInsideTheActiveWindow() {
        Duration d = Duration.ofSeconds(90);
        FaultPlan p = FaultPlan.generate(7, RATES, d, 3, TXN_TIMEOUT);
        assertThat(p.count(Fault.Kind.KILL_PRODUCER)).isEqualTo(9);
        assertThat(p.count(Fault.Kind.CRASH_PRODUCER_MID_TXN)).isEqualTo(6);
        assertThat(p.count(Fault.Kind.KILL_BROKER)).isEqualTo(3);
        assertThat(p.faults()).allSatisfy(f -> {
            assertThat(f.atMs()).isBetween(FaultPlan.QUIET_START_MS, d.toMillis() - FaultPlan.QUIET_END_MS);
            if (f.kind() != Fault.Kind.KILL_BROKER) {
                assertThat(f.producer()).isBetween(0, 2);
            }
        });
        assertThat(p.faults()).isSortedAccordingTo((x, y) -> Long.compare(x.atMs(), y.atMs()));
    }

    @Test
    void brokerKillsAreAtLeastHalfASlotApart() {
        for (long seed = 0; seed < 50; seed++) {
            FaultPlan p = FaultPlan.generate(seed, new FaultPlan.Rates(0, 0, 4), Duration.ofSeconds(65), 1, TXN_TIMEOUT);
            List<Long> at = p.faults().stream().map(Fault::atMs).toList();
            long slotMs = (65_000 - FaultPlan.QUIET_START_MS - FaultPlan.QUIET_END_MS) / at.size();
            for (int i = 1; i < at.size(); i++) {
                assertThat(at.get(i) - at.get(i - 1)).isGreaterThanOrEqualTo(slotMs / 2);
            }
        }
    }

    @Test
    void someCrashedProducersStayDownPastTheTransactionTimeout() {
        FaultPlan p = FaultPlan.generate(1, new FaultPlan.Rates(0, 60, 0), Duration.ofSeconds(60), 3, TXN_TIMEOUT);
        List<Long> delays = p.faults().stream().map(Fault::restartDelayMs).toList();
        long longDelay = TXN_TIMEOUT.toMillis() + FaultPlan.LONG_RESTART_MARGIN_MS;
        assertThat(delays).contains(longDelay);
        assertThat(delays).allMatch(ms -> ms == longDelay || ms < FaultPlan.SHORT_RESTART_MS);
        assertThat(delays.stream().filter(ms -> ms == longDelay).count()).isBetween(10L, 30L);
    }

    @Test
    void aRunTooShortForTheQuietMarginsHasNoFaults() {
        assertThat(FaultPlan.generate(1, RATES, Duration.ofSeconds(4), 3, TXN_TIMEOUT).faults()).isEmpty();
    }
}

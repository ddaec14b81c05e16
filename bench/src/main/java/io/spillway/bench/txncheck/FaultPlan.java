package io.spillway.bench.txncheck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The faults of a run, decided up front from the seed so that a run can be repeated (the timing of the system under
 * test is not repeatable, but what is done to it and when is).
 *
 * <p>Each kind of fault gets {@code round(rate per minute × minutes)} events, spread evenly: the active window
 * (the run minus {@value #QUIET_START_MS} ms at the start and {@value #QUIET_END_MS} ms at the end) is cut into as
 * many equal slots and each event falls at a random point of its slot. Broker kills fall in the middle half of their
 * slot, so that two of them are at least half a slot apart and the broker can recover in between. A mid-transaction
 * crash is followed, one time in three, by a restart delay longer than the transaction timeout, so that the broker's
 * timeout (not the next incarnation's fencing) has to abort the open transaction.
 *
 * @param faults the faults in time order
 */
public record FaultPlan(List<Fault> faults) {

    static final long QUIET_START_MS = 2_000;
    static final long QUIET_END_MS = 3_000;
    /** Restart delays of ordinary kills and crashes are uniform in [0, this). */
    static final long SHORT_RESTART_MS = 1_000;
    /** How much longer than the transaction timeout a "long" restart delay waits. */
    static final long LONG_RESTART_MARGIN_MS = 2_000;

    public FaultPlan {
        faults = List.copyOf(faults);
    }

    /** Fault rates per minute of run time. */
    public record Rates(double producerKillsPerMin, double producerCrashesPerMin, double brokerKillsPerMin) {
    }

    /** The plan for a run of {@code duration} with {@code producers} producers. Same arguments, same plan. */
    public static FaultPlan generate(long seed, Rates rates, Duration duration, int producers, Duration txnTimeout) {
        long windowStart = QUIET_START_MS;
        long window = duration.toMillis() - QUIET_START_MS - QUIET_END_MS;
        List<Fault> out = new ArrayList<>();
        if (window > 0) {
            double minutes = duration.toMillis() / 60_000.0;
            for (Fault.Kind kind : Fault.Kind.values()) {
                double rate = switch (kind) {
                    case KILL_PRODUCER -> rates.producerKillsPerMin();
                    case CRASH_PRODUCER_MID_TXN -> rates.producerCrashesPerMin();
                    case KILL_BROKER -> rates.brokerKillsPerMin();
                };
                int n = (int) Math.round(rate * minutes);
                SplittableRandom r = new SplittableRandom(Seeds.mix(seed, kind.ordinal()));
                for (int i = 0; i < n; i++) {
                    double slot = (double) window / n;
                    double within = kind == Fault.Kind.KILL_BROKER ? 0.25 + 0.5 * r.nextDouble() : r.nextDouble();
                    long at = windowStart + (long) (slot * (i + within));
                    out.add(switch (kind) {
                        case KILL_BROKER -> new Fault(at, kind, -1, 0);
                        case KILL_PRODUCER -> new Fault(at, kind, r.nextInt(producers), r.nextLong(SHORT_RESTART_MS));
                        case CRASH_PRODUCER_MID_TXN -> new Fault(at, kind, r.nextInt(producers), r.nextInt(3) == 0
                                ? txnTimeout.toMillis() + LONG_RESTART_MARGIN_MS : r.nextLong(SHORT_RESTART_MS));
                    });
                }
            }
        }
        out.sort(Comparator.comparingLong(Fault::atMs).thenComparing(Fault::kind));
        return new FaultPlan(out);
    }

    /** Number of planned faults of a kind. */
    public long count(Fault.Kind kind) {
        return faults.stream().filter(f -> f.kind() == kind).count();
    }
}

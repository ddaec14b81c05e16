package io.spillway.it.exactlyonce;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * When the test kills the app, drawn from the seed: each kill comes after the running app has computed a
 * random number of aggregates, between {@value #MIN_FRACTION} and {@value #MAX_FRACTION} of the input (a run
 * resumes from its predecessor's last commit, so with at most {@value #MAX_KILLS} kills the killed runs
 * cannot consume the whole input and every kill happens mid-stream), and says whether the app restarts on
 * its old state dir or on a fresh one. On the old one it keeps its process id, so its transactional id: the
 * restart's InitProducerId fences the killed run and aborts its open transaction (Streams still wipes the
 * local store, which has no checkpoint after a crash under exactly-once, and restores it from the
 * changelog). On a fresh one it gets a new transactional id, so the broker aborts the killed run's open
 * transaction only when it times out. Both kinds of restart occur when there are two kills or more.
 * Immutable.
 */
record KillPlan(List<Kill> kills) {

    static final double MIN_FRACTION = 0.08;
    static final double MAX_FRACTION = 0.2;
    static final int MAX_KILLS = 3;

    /** Kill the running app after {@code afterAggregates}, then restart it on a fresh or the same state dir. */
    record Kill(long afterAggregates, boolean freshStateDir) {
        @Override
        public String toString() {
            return "after " + afterAggregates + " aggregates, restart on " + (freshStateDir ? "a fresh" : "the same")
                    + " state dir";
        }
    }

    static KillPlan draw(long seed, int killCount, int events) {
        if (killCount < 0 || killCount > MAX_KILLS) {
            throw new IllegalArgumentException("0 to " + MAX_KILLS + " kills, not " + killCount);
        }
        // not the input's random sequence, although drawn from the same seed
        SplittableRandom random = new SplittableRandom(seed ^ 0x6b696c6cL);
        boolean fresh = random.nextBoolean();
        List<Kill> kills = new ArrayList<>();
        for (int i = 0; i < killCount; i++) {
            double fraction = MIN_FRACTION + random.nextDouble() * (MAX_FRACTION - MIN_FRACTION);
            kills.add(new Kill(Math.max(1, Math.round(fraction * events)), fresh));
            fresh = !fresh;
        }
        return new KillPlan(List.copyOf(kills));
    }
}

package io.spillway.bench.txncheck;

/**
 * Derives independent seeds from the run's seed, so that each random stream (the fault plan of each fault kind,
 * each producer incarnation's choices) depends only on the run seed and its own coordinates: changing one rate or
 * adding a producer does not shift the others.
 */
final class Seeds {

    private Seeds() {
    }

    /** A well-mixed 64-bit seed from a base seed and coordinates (SplitMix64's finalizer applied per step). */
    static long mix(long seed, long... coordinates) {
        long h = finalizeMix(seed);
        for (long c : coordinates) {
            h = finalizeMix(h ^ (c + 0x9E3779B97F4A7C15L));
        }
        return h;
    }

    private static long finalizeMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

package io.spillway.bench;

import java.util.SplittableRandom;

/**
 * The keys of a keyed workload, in rounds: each round sends every key from 0 to {@code keys - 1} once, in an order
 * shuffled anew for every round (from a fixed seed, so every producer computes the same order). Every key is present
 * after the first round, and yet the records that survive compaction lie scattered over many batches instead of
 * filling the newest ones, as they do with real keys: a cleaner that can drop or keep whole batches untouched does not
 * get an easier log than one with keys in random order would give it.
 *
 * <p>Not thread safe: one per producer thread.
 */
final class KeyRounds {
    private final int keys;
    private final long seed;
    private final int[] order;
    private long round = -1;

    KeyRounds(int keys, long seed) {
        if (keys < 1) {
            throw new IllegalArgumentException("keys must be at least 1");
        }
        this.keys = keys;
        this.seed = seed;
        this.order = new int[keys];
    }

    /** The key of record {@code index} of the whole workload (all producers together). */
    int key(long index) {
        long r = index / keys;
        if (r != round) {
            shuffle(r);
        }
        return order[(int) (index % keys)];
    }

    private void shuffle(long r) {
        SplittableRandom random = new SplittableRandom(seed * 31 + r);
        for (int i = 0; i < keys; i++) {
            order[i] = i;
        }
        for (int i = keys - 1; i > 0; i--) { // Fisher-Yates
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        round = r;
    }
}

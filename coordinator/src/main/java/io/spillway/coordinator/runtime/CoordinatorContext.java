package io.spillway.coordinator.runtime;

import io.spillway.common.Time;

import java.util.function.Consumer;

/**
 * What a shard gets from its runtime: the clock, timers, and a way to run a follow-up write later (for
 * example when an answer from another coordinator arrives). Thread contract as {@link CoordinatorTimer}:
 * {@link #submit} may also be called from any thread.
 *
 * @param <R> the coordinator's record type
 */
public interface CoordinatorContext<R> {
    Time time();

    CoordinatorTimer<R> timer();

    /** Runs {@code operation} on the event thread as a write of its own, after the operations queued before it. */
    void submit(String name, Consumer<Changes<R>> operation);
}

package io.spillway.coordinator.runtime;

import java.util.function.Consumer;

/**
 * Timers of a coordinator shard (session and rebalance timeouts, transaction timeouts), by key. A timer
 * that fires runs its operation on the event thread as a write of its own; scheduling a key again
 * replaces the earlier timer, and timers die with the shard that scheduled them.
 *
 * <p>Thread contract: called from operations on the runtime's event thread only.
 *
 * @param <R> the coordinator's record type
 */
public interface CoordinatorTimer<R> {
    void schedule(String key, long delayMs, Consumer<Changes<R>> operation);

    void cancel(String key);

    boolean isScheduled(String key);
}

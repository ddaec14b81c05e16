package io.spillway.broker.fetch;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * One parked fetch: the partitions it waits on, the test for "enough data now", and what to do when
 * it completes (read and respond, handed to an executor so the thread that woke it is not held).
 */
public final class DelayedFetch {
    private final long[] partitionKeys;
    private final BooleanSupplier satisfied;
    private final Runnable onComplete;
    private final AtomicBoolean completed = new AtomicBoolean();
    private volatile ScheduledFuture<?> timeout;

    public DelayedFetch(long[] partitionKeys, BooleanSupplier satisfied, Runnable onComplete) {
        this.partitionKeys = partitionKeys;
        this.satisfied = satisfied;
        this.onComplete = onComplete;
    }

    long[] partitionKeys() {
        return partitionKeys;
    }

    boolean satisfied() {
        return !completed.get() && satisfied.getAsBoolean();
    }

    void timeout(ScheduledFuture<?> future) {
        this.timeout = future;
    }

    /** True for the one caller that gets to complete the fetch. */
    boolean markCompleted() {
        if (!completed.compareAndSet(false, true)) {
            return false;
        }
        ScheduledFuture<?> t = timeout;
        if (t != null) {
            t.cancel(false);
        }
        return true;
    }

    void run() {
        onComplete.run();
    }
}

package io.spillway.coordinator.group.consumer;

import io.spillway.common.ManualTime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler driven by a {@link ManualTime}: tasks run on the caller's thread when a test advances
 * the clock past their due time. Supports what the group coordinator uses (one-shot {@code schedule}
 * of a Runnable, {@code execute}). Thread safe enough for single-threaded tests.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final ManualTime time;
    private final List<Task> tasks = new ArrayList<>();
    private long sequence;

    public ManualScheduler(ManualTime time) {
        this.time = time;
    }

    /** Moves the clock forward, running every task that falls due on the way, in due order. */
    public void advanceMs(long deltaMs) {
        long target = time.nowMs() + deltaMs;
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> !t.cancelled && t.dueMs <= target)
                        .min(Comparator.comparingLong((Task t) -> t.dueMs).thenComparingLong(t -> t.sequence)).orElse(null);
                if (next == null) {
                    break;
                }
                tasks.remove(next);
            }
            if (next.dueMs > time.nowMs()) {
                time.advanceMs(next.dueMs - time.nowMs());
            }
            next.done = true;
            next.task.run();
        }
        if (target > time.nowMs()) {
            time.advanceMs(target - time.nowMs());
        }
    }

    synchronized int pending() {
        return (int) tasks.stream().filter(t -> !t.cancelled).count();
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Task t = new Task(command, time.nowMs() + unit.toMillis(delay), sequence++);
        tasks.add(t);
        return t;
    }

    @Override
    public void execute(Runnable command) {
        command.run();
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("the group coordinator schedules only one-shot Runnables");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("the group coordinator schedules only one-shot Runnables");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("the group coordinator schedules only one-shot Runnables");
    }

    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }

    private final class Task implements ScheduledFuture<Object> {
        final Runnable task;
        final long dueMs;
        final long sequence;
        volatile boolean cancelled;
        volatile boolean done;

        Task(Runnable task, long dueMs, long sequence) {
            this.task = task;
            this.dueMs = dueMs;
            this.sequence = sequence;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueMs - time.nowMs(), TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.MILLISECONDS), other.getDelay(TimeUnit.MILLISECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}

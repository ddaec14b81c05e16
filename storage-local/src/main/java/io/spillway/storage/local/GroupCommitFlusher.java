package io.spillway.storage.local;

import io.spillway.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.IntFunction;

/**
 * Makes appends durable in groups: one thread fsyncs everything written so far, then completes
 * every waiter whose entry that sync covered. Many appends share one fsync, which is what keeps
 * fsync-before-ack fast.
 *
 * <p>Thread contract: {@link #written}, {@link #sealed} and {@link #await} may be called from any
 * thread; the flush loop runs on its own thread, {@code spillway-wal-flusher}. That thread only writes
 * and syncs: the futures it makes durable are completed on the {@code completions} executor, so the
 * continuations that callers attach (high-watermark advances, parked fetches, produce responses,
 * coordinator callbacks) never run on the thread that every acknowledgement waits for, and no lock of
 * an upper layer can stall the next fsync.
 */
final class GroupCommitFlusher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitFlusher.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final boolean fsync;
    private final long flushIntervalMs;
    private final IntFunction<Segment> segmentById;
    private final BeforeSync beforeSync;
    private final Executor completions;
    private final Object lock = new Object();
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>();
    private final List<Segment> sealedToSync = new ArrayList<>();
    /** End location of the last entry written to the OS. Guarded by lock. */
    private long writtenEnd;
    /** Everything before this location is durable. Guarded by lock; read without it as a hint. */
    private volatile long durableEnd;
    private boolean closing;
    /** How long each group commit's fsyncs took. */
    private final SyncTimes syncTimes = new SyncTimes();
    /** Bytes and entries written so far (for the group commit's size). Guarded by lock. */
    private long writtenBytes;
    private long writtenEntries;
    /** Bytes and entries written as of the last good fsync. Flusher thread only. */
    private long syncedBytes;
    private long syncedEntries;
    /** Told about each fsync (metrics); set once wired, read by the flusher thread. */
    private volatile io.spillway.storage.SyncListener syncListener = io.spillway.storage.SyncListener.NONE;
    /** Set once an fsync failed; from then on nothing more is acknowledged as durable. */
    private volatile StorageException failure;
    private final Thread thread;

    /** Work that must reach the file before an fsync can cover it (the log's staged entries). */
    interface BeforeSync {
        void run() throws IOException;
    }

    GroupCommitFlusher(boolean fsync, long flushIntervalMs, long recoveredEnd, IntFunction<Segment> segmentById,
                       BeforeSync beforeSync, Executor completions) {
        this.fsync = fsync;
        this.beforeSync = beforeSync;
        this.completions = completions;
        this.flushIntervalMs = flushIntervalMs;
        this.segmentById = segmentById;
        this.writtenEnd = recoveredEnd;
        this.durableEnd = recoveredEnd;
        this.thread = new Thread(this, "spillway-wal-flusher");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** An entry of {@code entryBytes} ending at {@code endLocation} has been written; wake the flusher. */
    void written(long endLocation, long entryBytes) {
        synchronized (lock) {
            writtenEnd = endLocation;
            writtenBytes += entryBytes;
            writtenEntries++;
            lock.notifyAll();
        }
    }

    /** A segment was sealed; it must be synced before anything after it counts as durable. */
    void sealed(Segment segment) {
        synchronized (lock) {
            sealedToSync.add(segment);
        }
    }

    /** The sync failure that took this log out of service, or null. */
    StorageException failure() {
        return failure;
    }

    /** Whether everything up to and including the entry at {@code location} has been synced (tests). */
    boolean isDurable(long location) {
        return location < durableEnd;
    }

    CompletableFuture<Void> await(long location) {
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        if (!fsync || location < durableEnd) {
            return DONE;
        }
        synchronized (lock) {
            if (location < durableEnd) {
                return DONE;
            }
            Waiter waiter = new Waiter(location, new CompletableFuture<>());
            waiters.add(waiter);
            return waiter.future;
        }
    }

    /** The fsync times so far. */
    SyncTimes syncTimes() {
        return syncTimes;
    }

    /** From now on, tells {@code listener} about every fsync (its contract: {@link io.spillway.storage.SyncListener}). */
    void syncListener(io.spillway.storage.SyncListener listener) {
        this.syncListener = listener;
    }

    @Override
    public void run() {
        while (true) {
            long target;
            long targetBytes;
            long targetEntries;
            List<Segment> toSync;
            synchronized (lock) {
                while (!closing && (writtenEnd == durableEnd || failure != null)) {
                    waitQuietly(fsync ? 0 : flushIntervalMs);
                    if (!fsync) {
                        break;
                    }
                }
                if (closing && (writtenEnd == durableEnd || failure != null)) {
                    return;
                }
                target = writtenEnd;
                targetBytes = writtenBytes;
                targetEntries = writtenEntries;
                toSync = new ArrayList<>(sealedToSync);
                sealedToSync.clear();
            }
            try {
                beforeSync.run();
            } catch (IOException e) {
                // Staged entries could not be written (disk full): nothing is lost, they stay staged; try again.
                log.error("Writing staged appends to the shared log failed ({}); producers waiting for them are not "
                        + "answered until it succeeds. Free disk space under the data directory; retrying every second.",
                        e.getMessage());
                synchronized (lock) {
                    sealedToSync.addAll(0, toSync);
                    waitQuietly(1000);
                }
                continue;
            }
            StorageException syncFailure = null;
            try {
                long startNanos = System.nanoTime();
                for (Segment segment : toSync) {
                    segment.channel.force(false);
                }
                Segment active = segmentById.apply(io.spillway.storage.Locations.segment(target));
                if (active != null) {
                    active.channel.force(false);
                }
                if (fsync) {
                    long nanos = System.nanoTime() - startNanos;
                    syncTimes.record(nanos);
                    tellListener(nanos, targetBytes - syncedBytes, targetEntries - syncedEntries);
                }
                syncedBytes = targetBytes;
                syncedEntries = targetEntries;
            } catch (IOException | RuntimeException e) {
                log.error("fsync of the shared log failed; appends waiting for it are failed and producers will retry. "
                        + "Check the disk under the data directory.", e);
                syncFailure = new StorageException("fsync of the shared log failed: " + e.getMessage(), e);
            }
            completeUpTo(target, syncFailure);
        }
    }

    /** Tells the sync listener; a listener's bug must never pass for an fsync failure. */
    private void tellListener(long nanos, long bytes, long entries) {
        try {
            syncListener.synced(nanos, bytes, entries);
        } catch (RuntimeException e) {
            log.warn("The shared log's sync listener failed (fsync statistics may be off): {}", e.toString());
        }
    }

    private void completeUpTo(long target, StorageException syncFailure) {
        List<Waiter> done = new ArrayList<>();
        synchronized (lock) {
            if (syncFailure == null) {
                durableEnd = Math.max(durableEnd, target);
                while (!waiters.isEmpty() && waiters.peek().location < target) {
                    done.add(waiters.poll());
                }
            } else {
                // After a failed fsync the kernel may have dropped dirty pages: nothing written since
                // the last good sync can be called durable any more, now or later.
                failure = syncFailure;
                done.addAll(waiters);
                waiters.clear();
            }
        }
        if (done.isEmpty()) {
            return;
        }
        completions.execute(() -> {
            for (Waiter waiter : done) {
                if (syncFailure == null) {
                    waiter.future.complete(null);
                } else {
                    waiter.future.completeExceptionally(syncFailure);
                }
            }
        });
    }

    private void waitQuietly(long timeoutMs) {
        try {
            lock.wait(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        }
    }

    /** Flushes what was written, completes the remaining waiters and stops the thread. */
    void close() {
        synchronized (lock) {
            closing = true;
            lock.notifyAll();
        }
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Waiter(long location, CompletableFuture<Void> future) implements Comparable<Waiter> {
        @Override
        public int compareTo(Waiter other) {
            return Long.compare(location, other.location);
        }
    }
}

package io.spillway.it;

import static org.assertj.core.api.Assertions.fail;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The send loop of the kill -9 tests' acks=all producers, run on a thread of its own: while resumed it sends at a
 * steady rate with a bounded number of sends outstanding; {@link #pauseAndDrain()} stops it and waits until every
 * send was acknowledged or failed, so that what was acknowledged is settled before the test reads the log back.
 * Shared so the crash tests pace and drain their producers the same way; what a test sends (topics, keys, values,
 * bookkeeping) stays in its subclass.
 */
abstract class PacedSender implements Runnable {

    /** Sends one record; the callback of the send (or its failure to start) must call {@link #release()} once. */
    @FunctionalInterface
    interface SendOne {
        void send() throws Exception;
    }

    private final int recordsPerSecond;
    private final int maxOutstanding;
    private final Semaphore outstanding;
    private final AtomicReference<Throwable> error = new AtomicReference<>();
    private volatile boolean paused = true;
    private volatile boolean idle = true;
    private volatile boolean stopped;

    PacedSender(int recordsPerSecond, int maxOutstanding) {
        this.recordsPerSecond = recordsPerSecond;
        this.maxOutstanding = maxOutstanding;
        this.outstanding = new Semaphore(maxOutstanding);
    }

    /** Opens the test's producers and calls {@link #sendAtRate} with them until it returns (the producers closed after). */
    protected abstract void produce() throws Exception;

    /** What ended the loop early, if anything did. */
    final Throwable error() {
        return error.get();
    }

    final void resume() {
        idle = false;
        paused = false;
    }

    /** Stops sending and waits until every send so far was acknowledged or failed. */
    final void pauseAndDrain() throws InterruptedException {
        paused = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!idle || outstanding.availablePermits() < maxOutstanding) {
            if (System.nanoTime() > deadline || error.get() != null) {
                fail("sends did not complete within 60 s: %d outstanding (sender error %s)",
                        maxOutstanding - outstanding.availablePermits(), error.get());
            }
            Thread.sleep(10);
        }
    }

    final void stop() throws InterruptedException {
        if (error.get() == null) {
            pauseAndDrain();
        }
        stopped = true;
    }

    /** Gives back the slot of a send that completed (acknowledged or failed). */
    protected final void release() {
        outstanding.release();
    }

    @Override
    public final void run() {
        try {
            produce();
        } catch (Throwable t) {
            error.set(t);
        } finally {
            idle = true;
        }
    }

    /** Calls {@code sendOne} at the steady rate while resumed, until {@link #stop()}. */
    protected final void sendAtRate(SendOne sendOne) throws Exception {
        long started = 0;
        long sentSinceResume = 0;
        while (!stopped) {
            if (paused) {
                idle = true;
                started = 0;
                Thread.sleep(2);
                continue;
            }
            idle = false;
            if (started == 0) {
                started = System.nanoTime();
                sentSinceResume = 0;
            }
            long due = (System.nanoTime() - started) * recordsPerSecond / 1_000_000_000L;
            if (sentSinceResume >= due) {
                Thread.sleep(1);
                continue;
            }
            if (!outstanding.tryAcquire(20, TimeUnit.MILLISECONDS)) {
                continue;
            }
            sentSinceResume++;
            sendOne.send();
        }
    }
}

package io.spillway.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A background task that rewrites batches of the shared log in passes (the {@link LogCleaner}, the
 * {@link SegmentReorganiser}), run by a scheduler: a failed pass is logged and the next one tries again, and
 * {@link #stop} ends the pass under way at its next batch (what it had not swapped in stays as it was).
 */
public abstract class BackgroundRewrite implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(BackgroundRewrite.class);

    private volatile boolean stopped;

    /** Ends the pass under way at the next batch and any later ones (at shutdown). */
    public void stop() {
        stopped = true;
    }

    protected boolean stopped() {
        return stopped;
    }

    /** One pass. */
    protected abstract void pass() throws InterruptedException;

    /** What a failed pass means for operators, e.g. "Log cleaner pass failed; ...". */
    protected abstract String failureMessage();

    @Override
    public void run() {
        try {
            pass();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error(failureMessage(), e);
        }
    }
}

package io.spillway.bench.txncheck;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Commands from the checker to a producer process, read from the child's stdin: a line {@value #CRASH} asks it to
 * abandon its next transaction mid-way and halt; a line {@value #STOP}, or the end of stdin (the checker closed it,
 * or died), asks it to finish the current transaction and exit. Ending on end-of-input means a producer never
 * outlives the checker that started it.
 *
 * <p>Thread safe: one daemon thread reads stdin and sets the flags; the transaction loop reads them.
 */
public final class ChildControl {

    /** Command line: abandon the next transaction after sending its records, then halt. */
    public static final String CRASH = "crash";
    /** Command line: stop after the current transaction. */
    public static final String STOP = "stop";

    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean crashRequested;

    /** Starts the daemon thread that reads commands from {@code in}. */
    public static ChildControl watching(InputStream in) {
        ChildControl c = new ChildControl();
        Thread t = new Thread(() -> c.readCommands(in), "txncheck-commands");
        t.setDaemon(true);
        t.start();
        return c;
    }

    /** A control that only changes by {@link #requestStop()} / {@link #requestCrash()} (for tests). */
    public static ChildControl manual() {
        return new ChildControl();
    }

    private void readCommands(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (CRASH.equals(line.trim())) {
                    requestCrash();
                } else if (STOP.equals(line.trim())) {
                    break;
                }
            }
        } catch (IOException e) {
            // stdin broke: the parent is gone; stop like on end of input
        } finally {
            requestStop();
        }
    }

    public void requestStop() {
        stop.countDown();
    }

    public void requestCrash() {
        crashRequested = true;
    }

    public boolean stopRequested() {
        return stop.getCount() == 0;
    }

    public boolean crashRequested() {
        return crashRequested;
    }

    /** Waits up to {@code ms} or until a stop is requested, whichever comes first (the pause between transactions). */
    public void pause(long ms) throws InterruptedException {
        if (ms > 0) {
            stop.await(ms, TimeUnit.MILLISECONDS);
        }
    }
}

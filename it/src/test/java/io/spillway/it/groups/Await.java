package io.spillway.it.groups;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Bounded waiting for a condition, failing with a message that says what was last seen. Public for the
 * tests of other packages ({@code io.spillway.it.exactlyonce}).
 */
public final class Await {

    private Await() {
    }

    /**
     * Polls {@code condition} every 50 ms until it is true or {@code timeout} passes; on timeout fails with
     * {@code what} and the latest {@code state}. Exceptions thrown by the condition count as "not yet".
     *
     * @return the time waited
     */
    public static Duration until(String what, Duration timeout, Callable<Boolean> condition, Callable<String> state)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
                last = null;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError error = new AssertionError("Timed out after " + timeout + " waiting for " + what
                        + "; last seen: " + describe(state));
                if (last != null) {
                    error.initCause(last);
                }
                throw error;
            }
            Thread.sleep(50);
        }
    }

    private static String describe(Callable<String> state) {
        try {
            return state.call();
        } catch (Exception e) {
            return "(could not describe: " + e + ")";
        }
    }

    public static Duration until(String what, Duration timeout, Callable<Boolean> condition) throws InterruptedException {
        return until(what, timeout, condition, () -> "(nothing recorded)");
    }
}

package io.spillway.broker;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How long a request's client is throttled for exceeding a quota: handlers raise it, the dispatcher puts it in the
 * response's throttle_time_ms, and the connection stops reading from the client for that long once the response
 * is sent (KIP-219), also when no response is sent (acks=0). Thread safe.
 */
public final class Throttle {
    private final AtomicLong ms = new AtomicLong();

    /** Throttles for at least {@code throttleMs}. */
    public void atLeast(long throttleMs) {
        ms.accumulateAndGet(throttleMs, Math::max);
    }

    public int ms() {
        return (int) Math.min(Integer.MAX_VALUE, ms.get());
    }
}

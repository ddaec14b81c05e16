package io.spillway.common;

import java.util.concurrent.atomic.AtomicLong;

/** A {@link Time} that moves only when a test tells it to. Thread safe. */
public final class ManualTime implements Time {
    private final AtomicLong nowMs;
    private final AtomicLong nowNs = new AtomicLong();

    public ManualTime(long startMs) {
        this.nowMs = new AtomicLong(startMs);
    }

    @Override
    public long nowMs() {
        return nowMs.get();
    }

    @Override
    public long nowNs() {
        return nowNs.get();
    }

    public void advanceMs(long deltaMs) {
        nowMs.addAndGet(deltaMs);
        nowNs.addAndGet(deltaMs * 1_000_000L);
    }
}

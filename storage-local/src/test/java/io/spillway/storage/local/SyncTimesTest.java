package io.spillway.storage.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SyncTimesTest {
    @Test
    void percentilesAreWithinABucketOfTheTruth() {
        SyncTimes times = new SyncTimes();
        for (int i = 1; i <= 1000; i++) {
            times.record(i * 1_000_000L); // 1..1000 ms
        }
        assertThat(times.count()).isEqualTo(1000);
        assertThat(times.percentileMicros(0.50)).isBetween(500_000L, 500_000L * 6 / 5);
        assertThat(times.percentileMicros(0.99)).isBetween(990_000L, 1_000_000L);
        assertThat(times.summary()).startsWith("1,000 fsyncs: p50").endsWith("max 1000.00 ms");
    }

    @Test
    void noFsyncsSummariseAsZero() {
        assertThat(new SyncTimes().percentileMicros(0.99)).isZero();
    }
}

package io.spillway.broker.quota;

import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketsTest {
    @Test
    void aNewHolderMayBurstOneWindowThenPausesForItsDebt() {
        TokenBuckets<String> buckets = new TokenBuckets<>(3, 1000);
        assertThat(buckets.throttleMs("c", 2.0, 0)).isZero();
        assertThat(buckets.record("c", 6, 2.0, 0)).isZero(); // 3 s x 2/s
        assertThat(buckets.record("c", 4, 2.0, 0)).isEqualTo(2000); // 4 in debt at 2/s
        assertThat(buckets.throttleMs("c", 2.0, 1000)).isEqualTo(1000);
        assertThat(buckets.throttleMs("c", 2.0, 2000)).isZero();
        assertThat(buckets.throttleMs("other", 2.0, 2000)).isZero();
    }

    @Test
    void anIdleHolderEarnsNoMoreThanOneWindow() {
        TokenBuckets<String> buckets = new TokenBuckets<>(3, 1000);
        buckets.record("c", 1, 100.0, 0);
        assertThat(buckets.record("c", 300, 100.0, 600_000)).isZero();
        assertThat(buckets.record("c", 100, 100.0, 600_000)).isEqualTo(1000);
    }

    @Test
    void aClientThatPausesAsToldGetsItsQuota() {
        for (int chunk : new int[] {1024, 64 * 1024, 512 * 1024, 4 * 1024 * 1024}) {
            TokenBuckets<String> buckets = new TokenBuckets<>(11, 1000);
            double quota = 512 * 1024;
            long now = 0;
            double sentAfterWarmup = 0;
            while (now < 60_000) {
                long throttle = buckets.record("c", chunk, quota, now);
                if (now >= 20_000) {
                    sentAfterWarmup += chunk;
                }
                now += Math.max(1, throttle);
            }
            assertThat(sentAfterWarmup / 40.0).as("rate with chunks of %s", chunk)
                    .isCloseTo(quota, Percentage.withPercentage(10));
        }
    }
}

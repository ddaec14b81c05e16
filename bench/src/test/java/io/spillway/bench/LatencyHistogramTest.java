package io.spillway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void bucketsAreContiguousAndPrecise() {
        int previous = -1;
        for (long v = 0; v < 5_000_000; v += (v < 10_000 ? 1 : 997)) {
            int i = LatencyHistogram.index(v);
            assertThat(i).isGreaterThanOrEqualTo(previous);
            long rep = LatencyHistogram.representative(i);
            assertThat((double) Math.abs(rep - v)).isLessThanOrEqualTo(Math.max(1, v / 128.0));
            previous = i;
        }
        assertThat(LatencyHistogram.index(Long.MAX_VALUE)).isLessThan(35 * 128);
    }

    @Test
    void percentilesOfAUniformDistribution() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 1; v <= 100_000; v++) {
            h.record(v);
        }
        assertThat(h.count()).isEqualTo(100_000);
        assertThat((double) h.percentileMicros(0.5)).isCloseTo(50_000, within(400.0));
        assertThat((double) h.percentileMicros(0.99)).isCloseTo(99_000, within(800.0));
        assertThat((double) h.percentileMicros(0.999)).isCloseTo(99_900, within(800.0));
        assertThat(h.percentileMicros(1.0)).isEqualTo(100_000);
        assertThat(h.maxMicros()).isEqualTo(100_000);
        assertThat(h.meanMicros()).isCloseTo(50_000.5, within(0.01));
    }

    @Test
    void mergeEqualsRecordingEverythingInOne() {
        Random r = new Random(1);
        LatencyHistogram all = new LatencyHistogram();
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        for (int i = 0; i < 10_000; i++) {
            long v = (long) Math.abs(r.nextGaussian() * 5_000);
            all.record(v);
            (i % 2 == 0 ? a : b).record(v);
        }
        a.merge(b);
        for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
            assertThat(a.percentileMicros(q)).isEqualTo(all.percentileMicros(q));
        }
        assertThat(new LatencyHistogram().percentileMicros(0.99)).isZero();
    }
}

package io.spillway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proves the harness end to end with tiny sizes: a real broker child process (fresh data dir, fsync on),
 * ProducePerf with two producer threads, then ConsumePerf reading everything back.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BenchSmokeTest {

    @Test
    void producesAndConsumesAgainstAFreshBroker() throws Exception {
        SpillwayTarget.Options options = new SpillwayTarget.Options().heap("512m");
        try (SpillwayTarget target = SpillwayTarget.start(options)) {
            ProducePerf.Config produce = new ProducePerf.Config()
                    .topic("smoke")
                    .partitions(4)
                    .recordSize(200)
                    .records(2_000)
                    .warmupRecords(200)
                    .producers(2);
            ProducePerf.Result p = ProducePerf.run(target.bootstrap(), produce);

            assertThat(p.errors()).as("failed sends: %s", p.firstError()).isZero();
            assertThat(p.partitions()).isEqualTo(4);
            assertThat(p.records()).isEqualTo(2_000);
            assertThat(p.warmupRecords()).isEqualTo(200);
            assertThat(p.bytes()).isEqualTo(2_000L * 200);
            assertThat(p.latency().count()).isEqualTo(2_000);
            assertThat(p.recordsPerSec()).isPositive();
            assertThat(p.latency().percentileMicros(0.99)).isPositive();
            assertThat(p.producerConfig()).containsEntry("acks", "all").containsEntry("enable.idempotence", "true")
                    .containsEntry("batch.size", "16384");

            ConsumePerf.Result c = ConsumePerf.run(target.bootstrap(), new ConsumePerf.Config().topic("smoke")
                    .idleTimeout(Duration.ofSeconds(20)).warmupRecords(p.warmupRecords()));

            assertThat(c.expectedRecords()).isEqualTo(2_200);
            assertThat(c.totalRecords()).isEqualTo(2_200);
            assertThat(c.totalBytes()).isEqualTo(2_200L * 200);
            assertThat(c.warmupRecords()).isBetween(200L, 2_200L); // the clock starts after the poll that passes 200
            assertThat(c.records()).isEqualTo(2_200 - c.warmupRecords());
            assertThat(c.totalMibPerSec()).isPositive();
            assertThat(c.partitions()).isEqualTo(4);

            assertThat(target.describe()).containsKey("Durability");
            assertThat(Files.isDirectory(target.dataDir())).isTrue();
        }
    }

    @Test
    void durationModeStopsAfterTheDuration() throws Exception {
        try (SpillwayTarget target = SpillwayTarget.start(new SpillwayTarget.Options().heap("512m"))) {
            ProducePerf.Result p = ProducePerf.run(target.bootstrap(), new ProducePerf.Config()
                    .topic("smoke-duration").partitions(2).recordSize(100).duration(Duration.ofSeconds(1))
                    .warmup(Duration.ofMillis(300)).throughput(500));
            assertThat(p.errors()).isZero();
            assertThat(p.warmupRecords()).isPositive();
            // capped at 500 records/s for 1 s: a few hundred records, and the window is about a second
            assertThat(p.records()).isBetween(100L, 700L);
            assertThat(p.seconds()).isBetween(0.5, 5.0);
        }
    }
}

package io.spillway.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Workload "isolation": whether a client quota keeps one tenant's load from slowing another. A quiet tenant sends
 * 1,000 records/s (1 KiB, acks=all) and reads them back, alone and then beside a noisy tenant: 4 producers under one
 * client-id with a {@value #NOISY_QUOTA_MIB} MiB/s producer_byte_rate that they try to exceed flat out. Both brokers
 * get the same quota through the admin API and the same short quota window (2 samples of 1 s), so the noisy
 * tenant's first burst is over before the quiet tenant is measured. Rows: the quiet tenant's end-to-end latency
 * alone and beside the noisy one; the noisy tenant's rate is printed with the quota it should hold.
 */
final class IsolationWorkload {
    static final int NOISY_QUOTA_MIB = 16;
    private static final double QUIET_RATE = 1000;
    private static final String NOISY_CLIENT = "spillway-bench-noisy-tenant";
    /** The noisy tenant runs this long before the quiet one is measured: its quota window's burst is spent. */
    private static final Duration SETTLE = Duration.ofSeconds(3);

    private final WorkloadHarness harness;
    private final ComparisonTable table;
    private final Path repoRoot;
    private final String heap;
    private final Path logDir;
    private final Duration warmup;
    private final Duration duration;

    IsolationWorkload(WorkloadHarness harness, ComparisonTable table, Path repoRoot, String heap, Path logDir, Duration warmup,
                      Duration duration) {
        this.harness = harness;
        this.table = table;
        this.repoRoot = repoRoot;
        this.heap = heap;
        this.logDir = logDir;
        this.warmup = warmup;
        this.duration = duration;
    }

    static ComparisonTable.Metric metric(boolean beside) {
        return new ComparisonTable.Metric(beside
                ? "quiet tenant, 1,000 records/s, beside 4 producers held to a " + NOISY_QUOTA_MIB + " MiB/s producer_byte_rate"
                : "quiet tenant, 1,000 records/s, alone", "p99 end-to-end", "ms", false, 2);
    }

    static String method(Duration warmup, Duration duration) {
        return "Isolation: a quiet tenant (1 producer at 1,000 records/s of 1 KiB, acks=all, read back by 1 consumer) "
                + "for " + duration.toSeconds() + " s after " + warmup.toSeconds() + " s of warm-up, alone and then "
                + "beside a noisy tenant (4 producers flat out under one client-id with producer_byte_rate "
                + NOISY_QUOTA_MIB + " MiB/s set through the admin API; quota.window.num=2 on both brokers, and the "
                + "noisy tenant starts " + SETTLE.toSeconds() + " s early so its first burst is spent)";
    }

    void round(Contender c) {
        if (c == Contender.KAFKA_FSYNC) {
            return;
        }
        PageCache.dropAll();
        try (Target t = start(c)) {
            limitNoisyTenant(t.bootstrap());
            EndToEndLatency.Result alone = EndToEndLatency.run(t.bootstrap(),
                    new EndToEndLatency.Config("quiet-alone", 8, 1024, QUIET_RATE, warmup, duration));
            check(alone);
            CompletableFuture<ProducePerf.Result> noisy = CompletableFuture.supplyAsync(() -> {
                try {
                    return ProducePerf.run(t.bootstrap(), new ProducePerf.Config().topic("noisy").partitions(8)
                            .recordSize(1024).warmup(SETTLE).duration(warmup.plus(duration).plusSeconds(1))
                            .producers(4).acks("all").idempotence(true).compression("none")
                            .producerProp(ProducerConfig.CLIENT_ID_CONFIG, NOISY_CLIENT));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(SETTLE.toMillis());
            EndToEndLatency.Result beside = EndToEndLatency.run(t.bootstrap(),
                    new EndToEndLatency.Config("quiet-beside", 8, 1024, QUIET_RATE, warmup, duration));
            ProducePerf.Result noisyResult = noisy.get(duration.plus(warmup).toSeconds() + 120, TimeUnit.SECONDS);
            check(beside);
            if (noisyResult.errors() > 0) {
                throw new IllegalStateException(noisyResult.errors() + " sends of the noisy tenant failed: "
                        + noisyResult.firstError());
            }
            table.add(metric(false), c, alone.latency().percentileMillis(0.99));
            table.add(metric(true), c, beside.latency().percentileMillis(0.99));
            harness.out().printf(Locale.ROOT, "  quiet alone: %s%n  quiet beside the noisy tenant: %s%n"
                            + "  noisy tenant: %.1f MiB/s against its quota of %d MiB/s (%.2f)%n", alone.summary(),
                    beside.summary(), noisyResult.mibPerSec(), NOISY_QUOTA_MIB, noisyResult.mibPerSec() / NOISY_QUOTA_MIB);
        } catch (Exception e) {
            harness.failed("isolation", c, e);
        }
    }

    private static void check(EndToEndLatency.Result r) {
        if (r.errors() > 0 || r.latency().count() == 0) {
            throw new IllegalStateException(r.summary());
        }
    }

    private Target start(Contender c) {
        // The same quota window on both, short enough that the noisy tenant's first burst is spent in SETTLE.
        if (c == Contender.SPILLWAY) {
            return SpillwayTarget.start(new SpillwayTarget.Options().repoRoot(repoRoot).heap(heap).logDir(logDir)
                    .settings(Map.of("quota.window.num", "2", "quota.window.size.seconds", "1")));
        }
        return KafkaTarget.start(new KafkaTarget.Options().repoRoot(repoRoot).heap(heap).logDir(logDir).label(c.key())
                .setting("quota.window.num", "2").setting("quota.window.size.seconds", "1"));
    }

    private static void limitNoisyTenant(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.alterClientQuotas(List.of(new ClientQuotaAlteration(
                    new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, NOISY_CLIENT)),
                    List.of(new ClientQuotaAlteration.Op("producer_byte_rate", NOISY_QUOTA_MIB * 1048576.0)))))
                    .all().get(60, TimeUnit.SECONDS);
        }
    }
}

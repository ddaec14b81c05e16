package io.spillway.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Workload "share": consuming through a share group (KIP-932, {@code KafkaShareConsumer}), where the broker hands
 * records out under acquisition locks and keeps every partition's delivery state, instead of the consumer keeping an
 * offset. Per round a fresh broker gets a topic of {@value #PARTITIONS} partitions preloaded with N records of 1 KiB
 * (4 idempotent producers, acks=all); then a new share group, started at the beginning of the topic through the group
 * config {@code share.auto.offset.reset=earliest} (IncrementalAlterConfigs on the GROUP resource, before its consumers
 * start), is read by one consumer, and another new group by four ({@link ShareConsumePerf}). Rows: records/s and
 * MiB/s of each; a record delivered more than once (there should be none) is noted beside its row.
 *
 * <p>A broker that does not serve share groups makes the round fail within {@link #STALL_TIMEOUT} instead of hang.
 */
final class ShareWorkload {
    static final String TOPIC = "share";
    static final int PARTITIONS = 8;
    static final int RECORD_SIZE = 1024;
    /** The two cases, in the order they run on each round's broker. */
    static final List<Integer> CONSUMERS = List.of(1, 4);
    /** A run without a new record for this long fails (e.g. a broker without share groups). */
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(30);

    private final WorkloadHarness harness;
    private final ComparisonTable table;
    private final long records;

    ShareWorkload(WorkloadHarness harness, ComparisonTable table, long records) {
        this.harness = harness;
        this.table = table;
        this.records = records;
    }

    private String label(int consumers) {
        return String.format(Locale.ROOT, "share consume of %,d records (1 KiB, %d partitions), %d %s", records, PARTITIONS,
                consumers, consumers == 1 ? "consumer" : "consumers");
    }

    ComparisonTable.Metric recordsMetric(int consumers) {
        return new ComparisonTable.Metric(label(consumers), "records", "records/s", true, 0);
    }

    ComparisonTable.Metric throughputMetric(int consumers) {
        return new ComparisonTable.Metric(label(consumers), "throughput", "MiB/s", true, 1);
    }

    /** The method, for the report's list of workloads. */
    String method() {
        return String.format(Locale.ROOT, "a fresh broker per round; a topic with %d partitions preloaded with %,d records "
                + "of 1 KiB random values (4 idempotent producers, acks=all); then a new share group with "
                + "share.auto.offset.reset=earliest (IncrementalAlterConfigs on its GROUP resource before its consumers "
                + "start) read by 1 KafkaShareConsumer, then another new group by 4 (one thread each), client defaults "
                + "otherwise (implicit acknowledgement: each poll accepts the records the previous one returned), until "
                + "every record arrived; records counted by (partition, offset), and any delivered more than once noted "
                + "beside the row (there should be none); timed after a warm-up of at least the first tenth of the records "
                + "and until every consumer has received some (joining a share group takes a heartbeat or two, Kafka's "
                + "group.share.heartbeat.interval.ms is 5 s). A run without a new record for %d s fails", PARTITIONS, records, STALL_TIMEOUT.toSeconds());
    }

    void round(Contender c, int rep) {
        PageCache.dropAll();
        try (Target t = harness.start(c)) {
            ProducePerf.Result written = ProducePerf.run(t.bootstrap(), new ProducePerf.Config().topic(TOPIC)
                    .partitions(PARTITIONS).recordSize(RECORD_SIZE).records(records).warmupRecords(0).producers(4));
            if (written.errors() > 0) {
                throw new IllegalStateException(written.errors() + " writes failed: " + written.firstError());
            }
            harness.out().printf(Locale.ROOT, "  wrote %,d records (%.1f MiB/s)%n", written.records(), written.mibPerSec());
            for (int consumers : CONSUMERS) {
                String group = "spillway-bench-share-" + consumers + "-" + rep;
                String shareVersion = startAtEarliest(t.bootstrap(), group);
                ShareConsumePerf.Result r = ShareConsumePerf.run(t.bootstrap(), TOPIC, group, consumers, written.records(),
                        STALL_TIMEOUT);
                table.add(recordsMetric(consumers), c, r.recordsPerSec());
                table.add(throughputMetric(consumers), c, r.mibPerSec());
                if (r.duplicates() > 0) {
                    table.note(recordsMetric(consumers), c, String.format(Locale.ROOT, "%,d delivered twice", r.duplicates()));
                }
                harness.note("share " + c.key() + " round " + rep + ", " + consumers + (consumers == 1 ? " consumer" :
                        " consumers"), r.details() + "; broker's share.version: " + shareVersion);
                harness.out().println("  " + r.summary());
            }
        } catch (Exception e) {
            harness.failed("share consume", c, e);
        }
    }

    /**
     * Sets {@code share.auto.offset.reset=earliest} on {@code group} (a new share group starts at the end of the
     * topic otherwise, and would get none of the preloaded records).
     *
     * @return the broker's finalized {@code share.version} feature level, for the notes (Kafka serves share groups
     *         from level 1, which a 4.4 cluster is formatted with by default)
     */
    static String startAtEarliest(String bootstrap, String group) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
            AlterConfigOp op = new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"),
                    AlterConfigOp.OpType.SET);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all().get(60, TimeUnit.SECONDS);
            return shareVersion(admin);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot set share.auto.offset.reset=earliest on share group " + group + ": "
                    + (e instanceof ExecutionException ? e.getCause() : e), e);
        }
    }

    private static String shareVersion(Admin admin) throws InterruptedException {
        try {
            FinalizedVersionRange v = admin.describeFeatures().featureMetadata().get(30, TimeUnit.SECONDS)
                    .finalizedFeatures().get("share.version");
            return v == null ? "not finalized" : Short.toString(v.maxVersionLevel());
        } catch (ExecutionException | TimeoutException e) {
            return "unknown (" + (e instanceof ExecutionException ? e.getCause() : e) + ")";
        }
    }
}

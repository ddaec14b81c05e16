package io.spillway.it.exactlyonce;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once with a real framework: a Kafka Streams app with {@code processing.guarantee=exactly_once_v2}
 * (a repartition, then a changelog-backed aggregate per sensor, see {@link SensorTotalsTopology}) is killed
 * with SIGKILL at seeded random points while it works through a known input, restarted each time with the
 * same application id (on its old state dir or a fresh one, see {@link KillPlan}), and let finish. Its
 * output, read with read_committed, must then be exact: every sensor's outputs are the aggregates after its
 * first 1, 2, ..., n readings, each once and in order (no reading lost, none counted twice, no output
 * repeated). What read_uncommitted would have seen (the aborted transactions' output) and the purging of
 * the repartition topic are only reported.
 *
 * <p>On Spillway the input and output topics are in a stream ({@code /eos/<application.id>:readings}), so the
 * transactional offset commits of every run go to the stream's own offsets topic. The broker is an in-process
 * Spillway, or any running broker given by
 * {@code -Dstreams.bootstrap=host:port}; for Apache Kafka as the reference see {@link StreamsBroker} for the
 * settings it needs. Other system properties: {@code streams.seed} (the seed is printed on every run),
 * {@code streams.guarantee} ({@code at_least_once} shows that the check catches duplicates) and
 * {@code streams.groupProtocol} ({@code classic}, the default, or {@code streams}, KIP-1071), and
 * {@code streams.app.<config>} for any other Streams config of the app (e.g.
 * {@code -Dstreams.app.num.stream.threads=2}). The log of every app run is kept in
 * {@code it/target/exactlyonce-logs/<application.id>/}.
 */
class StreamsExactlyOnceTest {

    @RegisterExtension
    static final StreamsBroker BROKER = StreamsBroker.create();

    private static final int EVENTS = 30_000;
    private static final int SENSORS = 300;
    private static final int SITES = 30;
    private static final int PARTITIONS = 4;
    private static final int KILLS = 3;
    /** The whole test, every restart and the final catch-up included. */
    private static final Duration BUDGET = Duration.ofSeconds(120);
    /** System properties with this prefix set (or override) a Streams config of the app, e.g. num.stream.threads. */
    private static final String APP_CONFIG_PREFIX = "streams.app.";
    /** One app run, from its start to its kill or to the end of its output. */
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void outputIsExactAfterTheAppIsKilledMidStream() throws Exception {
        long seed = Long.getLong("streams.seed", ThreadLocalRandom.current().nextLong());
        long startNs = System.nanoTime();
        String applicationId = "sensor-totals-" + Long.toString(seed & 0xffffffffL, 36) + "-"
                + Long.toString(System.currentTimeMillis() % 1_000_000, 36); // unique also on an external broker
        // On Spillway the input and output are topics of a stream, so the app's committed offsets (transactional,
        // with every commit) are kept in the stream's own offsets topic; Kafka has no streams.
        String prefix = StreamsBroker.external() ? applicationId + "-" : "/eos/" + applicationId + ":";
        String inputTopic = prefix + "readings";
        String outputTopic = prefix + "totals";
        SensorInput input = SensorInput.generate(seed, EVENTS, SENSORS, SITES);
        KillPlan plan = KillPlan.draw(seed, KILLS, EVENTS);
        System.out.printf("[StreamsExactlyOnceTest] seed %d (rerun with -Dstreams.seed=%d) against %s; %d readings of"
                        + " %d sensors; kills: %s%n", seed, seed, BROKER.describe(), EVENTS,
                input.readingsPerSensor().size(), plan.kills());

        BROKER.createTopic(inputTopic, PARTITIONS);
        BROKER.createTopic(outputTopic, PARTITIONS);
        input.produce(BROKER.bootstrap(), inputTopic);

        Path logDir = Paths.get("target", "exactlyonce-logs", applicationId);
        try (OutputTail committed = new OutputTail(BROKER.bootstrap(), outputTopic, IsolationLevel.READ_COMMITTED);
             AppRuns runs = new AppRuns(inputTopic, outputTopic, streamsConfig(applicationId), logDir)) {
            for (KillPlan.Kill kill : plan.kills()) {
                runs.runAndKill(kill, runTimeout(startNs));
            }
            runs.runUntil("the committed output to reach every sensor's final count", runTimeout(startNs), () -> {
                committed.poll();
                return committed.reachedFinalCounts(input.readingsPerSensor());
            }, () -> committed.records() + " committed outputs read, "
                    + committed.sensorsBehind(input.readingsPerSensor()) + " sensors behind, first deviation so far: "
                    + OutputComparison.compare(input.readingsPerSensor(), committed.outputsBySensor())
                            .firstDeviation().orElse("none"));
            committed.readToEnd(Duration.ofSeconds(30)); // all of it: a late duplicate must not escape

            reportUncommittedView(outputTopic, input, committed.records());
            reportRepartitionPurging(applicationId);
            OutputComparison comparison = OutputComparison.compare(input.readingsPerSensor(), committed.outputsBySensor());
            System.out.printf("[StreamsExactlyOnceTest] read_committed: %d outputs for %d readings; %s; %d ms%n",
                    committed.records(), EVENTS, comparison.summary(), elapsedMs(startNs));
            if (!comparison.isExact()) {
                throw new AssertionError("read_committed output of the Streams app (seed " + seed + ") is not exact: "
                        + comparison.summary() + ". First deviation: " + comparison.firstDeviation().orElse("?")
                        + ". App logs: " + logDir.toAbsolutePath());
            }
            if (!StreamsBroker.external()) {
                String offsetsTopic = "/eos/" + applicationId + ":__consumer_offsets";
                if (!BROKER.admin().listTopics(new ListTopicsOptions().listInternal(true)).names()
                        .get(30, TimeUnit.SECONDS).contains(offsetsTopic)) {
                    throw new AssertionError("the app's offsets were not kept in its stream's " + offsetsTopic);
                }
            }
        }
    }

    /** The Streams configs of every run: one application id, exactly-once, frequent commits, no cache. */
    private static Map<String, String> streamsConfig(String applicationId) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        c.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrap());
        c.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                System.getProperty("streams.guarantee", StreamsConfig.EXACTLY_ONCE_V2));
        c.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, System.getProperty("streams.groupProtocol", "classic"));
        c.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
        c.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        c.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0"); // one output per reading
        c.put(StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG, "500"); // DeleteRecords on the repartition topic
        // a killed run's member leaves the group only when its session expires (classic protocol)
        c.put(StreamsConfig.consumerPrefix("session.timeout.ms"), "6000");
        c.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), "1000");
        // transaction.timeout.ms stays at Streams' 10 s: longer than a restart takes to reach InitProducerId
        // (the session timeout), so that a restart on the same state dir fences the killed run's transaction
        // a broker that cannot start transactions shows in the app's log within 15 s, not 60 s
        c.put(StreamsConfig.producerPrefix("max.block.ms"), "15000");
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(APP_CONFIG_PREFIX))
                .forEach(k -> c.put(k.substring(APP_CONFIG_PREFIX.length()), System.getProperty(k)));
        return c;
    }

    /** Informational: read_uncommitted also sees the output of the transactions the kills left open. */
    private static void reportUncommittedView(String outputTopic, SensorInput input, long committedRecords)
            throws InterruptedException {
        try (OutputTail uncommitted = new OutputTail(BROKER.bootstrap(), outputTopic, IsolationLevel.READ_UNCOMMITTED)) {
            uncommitted.readToEnd(Duration.ofSeconds(30));
            long aborted = uncommitted.records() - committedRecords;
            OutputComparison view = OutputComparison.compare(input.readingsPerSensor(), uncommitted.outputsBySensor());
            System.out.printf("[StreamsExactlyOnceTest] read_uncommitted (informational): %d outputs, %d more than"
                            + " read_committed: %s; %s%n", uncommitted.records(), aborted,
                    aborted > 0 ? "the kills left aborted transactions, which read_committed skipped"
                            : "NOTE no aborted output seen, so the kills did not test read_committed's filtering",
                    view.summary());
        }
    }

    /** Informational: Streams deletes consumed repartition records (DeleteRecords), which raises the log start. */
    private static void reportRepartitionPurging(String applicationId) throws Exception {
        String topic = applicationId + "-" + SensorTotalsTopology.REPARTITION + "-repartition";
        Map<TopicPartition, OffsetSpec> earliest = new LinkedHashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
        }
        ListOffsetsResult result = BROKER.admin().listOffsets(earliest);
        List<Long> starts = new ArrayList<>();
        for (TopicPartition tp : earliest.keySet()) {
            starts.add(result.partitionResult(tp).get(30, TimeUnit.SECONDS).offset());
        }
        System.out.printf("[StreamsExactlyOnceTest] %s log start offsets (informational; above 0 once purged): %s%n",
                topic, starts);
    }

    /** {@link #RUN_TIMEOUT}, or less when the test's {@link #BUDGET} runs out sooner. */
    private static Duration runTimeout(long startNs) {
        long leftNs = BUDGET.toNanos() - (System.nanoTime() - startNs);
        return Duration.ofNanos(Math.max(Math.min(leftNs, RUN_TIMEOUT.toNanos()), TimeUnit.SECONDS.toNanos(1)));
    }

    private static long elapsedMs(long startNs) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }
}

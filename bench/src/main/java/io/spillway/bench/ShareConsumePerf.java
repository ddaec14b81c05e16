package io.spillway.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Consume throughput of a share group (KIP-932): {@code consumers} {@link KafkaShareConsumer}s of one group, each
 * polling in its own thread with the client's defaults (implicit acknowledgement: each poll accepts what the
 * previous one returned, close accepts the last), until every record of a preloaded topic arrived once. Records are
 * counted by (partition, offset) ({@link DeliveryTally}), so that a record delivered twice shows up as such instead
 * of as throughput. The warm-up is not timed: at least the first tenth of the records, and until every consumer has
 * received some (joining the group takes a consumer a heartbeat or two, 5 s each by Kafka's default; until then the
 * others read its share). The group must start at the beginning of the topic: {@code share.auto.offset.reset=earliest} is the
 * caller's to set, before this runs (a new share group starts at the end by default).
 *
 * <p>Fails fast where a broker does not serve share groups instead of waiting for records that never come: the
 * first exception a consumer throws ends the run, and so does {@code stallTimeout} without a new record.
 */
final class ShareConsumePerf {

    /** How long one poll waits; short, so that the threads see the end of the run soon. */
    private static final Duration POLL = Duration.ofMillis(100);
    /** Closing acknowledges the last records polled and leaves the group; a broker that does not answer gets this long. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Outcome of a run.
     *
     * @param consumers       consumers in the group
     * @param expectedRecords records in the topic
     * @param tally           the counts at the end of the run
     * @param startNanos      when the consumers were started (before they subscribed)
     */
    record Result(int consumers, long expectedRecords, DeliveryTally.Snapshot tally, long startNanos) {

        /** Distinct records received in the timed window (after the warm-up). */
        long records() {
            return tally.distinct() - tally.warmupRecords();
        }

        /** Their key + value bytes. */
        long bytes() {
            return tally.bytes() - tally.warmupBytes();
        }

        double seconds() {
            return (tally.completeNanos() - tally.warmedUpNanos()) / 1e9;
        }

        double recordsPerSec() {
            return seconds() <= 0 ? 0 : records() / seconds();
        }

        double mibPerSec() {
            return seconds() <= 0 ? 0 : bytes() / 1048576.0 / seconds();
        }

        /** Records delivered again after they had arrived once (0 when every delivery was acknowledged in time). */
        long duplicates() {
            return tally.duplicates();
        }

        String summary() {
            return String.format(Locale.ROOT, "share consume, %d %s: %s", consumers, consumers == 1 ? "consumer"
                    : "consumers", details());
        }

        /** The summary without the number of consumers. */
        String details() {
            return String.format(Locale.ROOT, "%,d records (%,d warm-up excluded) in %.2f s: %,.0f records/s, %.1f MiB/s; "
                            + "all %,d from the start of the consumers in %.2f s (first record after %.2f s); %,d "
                            + "deliveries, %,d of them of a record already delivered; records per consumer: %s",
                    records(), tally.warmupRecords(), seconds(), recordsPerSec(), mibPerSec(), tally.distinct(),
                    (tally.completeNanos() - startNanos) / 1e9, (tally.firstNanos() - startNanos) / 1e9,
                    tally.deliveries(), duplicates(), perConsumer(tally));
        }
    }

    private ShareConsumePerf() {
    }

    private static String perConsumer(DeliveryTally.Snapshot s) {
        return String.join(" / ", s.perConsumer().stream().map(n -> String.format(Locale.ROOT, "%,d", n)).toList());
    }

    /** Share consumer settings: byte arrays, the client's defaults otherwise (implicit acknowledgement spelled out). */
    static Properties properties(String bootstrap, String group, String clientId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "implicit");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /**
     * Runs {@code consumers} consumers of share group {@code group} on {@code topic} until all {@code expectedRecords}
     * records arrived.
     *
     * @throws IllegalStateException when a consumer fails, no new record arrives for {@code stallTimeout}, or every
     *                               record arrived before the warm-up ended (too few records for the window)
     */
    static Result run(String bootstrap, String topic, String group, int consumers, long expectedRecords,
                      Duration stallTimeout) throws InterruptedException {
        DeliveryTally tally = new DeliveryTally(expectedRecords, expectedRecords / 10, consumers);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<RuntimeException> error = new AtomicReference<>();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < consumers; i++) {
            Properties p = properties(bootstrap, group, "spillway-bench-share-" + i);
            int index = i;
            Thread t = new Thread(() -> consume(index, p, topic, tally, stop, error), "share-consumer-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        try {
            awaitAll(tally, error, stallTimeout, consumers, group, expectedRecords);
        } finally {
            stop.set(true);
            for (Thread t : threads) {
                t.join(CLOSE_TIMEOUT.toMillis() + 5_000);
            }
        }
        DeliveryTally.Snapshot s = tally.snapshot();
        if (!s.measured()) {
            throw new IllegalStateException(String.format(Locale.ROOT, "all %,d records arrived before the warm-up "
                    + "ended (a tenth of them, and a record for each of the %d consumers; records per consumer: %s): too "
                    + "few records to time, raise --share-records", expectedRecords, consumers, perConsumer(s)));
        }
        return new Result(consumers, expectedRecords, s, start);
    }

    /** One consumer's thread: poll and tally until the run is complete or stopped; the first failure ends the run. */
    private static void consume(int index, Properties p, String topic, DeliveryTally tally, AtomicBoolean stop,
                                AtomicReference<RuntimeException> error) {
        KafkaShareConsumer<byte[], byte[]> consumer = null;
        try {
            consumer = new KafkaShareConsumer<>(p);
            consumer.subscribe(List.of(topic));
            while (!stop.get() && !tally.complete()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    tally.addAll(index, records, System.nanoTime());
                }
            }
        } catch (RuntimeException e) {
            error.compareAndSet(null, e);
        } finally {
            if (consumer != null) {
                try {
                    consumer.close(CLOSE_TIMEOUT);
                } catch (RuntimeException e) {
                    // the records are counted; a broker that fails the last acknowledgement only delays the end
                }
            }
        }
    }

    /** Waits until every record arrived; throws on a consumer's failure or a stall. */
    private static void awaitAll(DeliveryTally tally, AtomicReference<RuntimeException> error, Duration stallTimeout,
                                 int consumers, String group, long expectedRecords) throws InterruptedException {
        long lastDistinct = -1;
        long lastProgress = System.nanoTime();
        while (true) {
            DeliveryTally.Snapshot s = tally.snapshot();
            if (s.complete()) {
                return;
            }
            RuntimeException e = error.get();
            if (e != null) {
                throw new IllegalStateException(String.format(Locale.ROOT, "a share consumer of group %s failed after "
                        + "%,d of %,d records: %s", group, s.distinct(), expectedRecords, e), e);
            }
            long now = System.nanoTime();
            if (s.distinct() != lastDistinct) {
                lastDistinct = s.distinct();
                lastProgress = now;
            } else if (now - lastProgress > stallTimeout.toNanos()) {
                throw new IllegalStateException(String.format(Locale.ROOT, "share consume: no progress for %d s: %,d of "
                                + "%,d records received by %d %s of share group %s%s", stallTimeout.toSeconds(),
                        s.distinct(), expectedRecords, consumers, consumers == 1 ? "consumer" : "consumers", group,
                        s.deliveries() == 0 ? " (none at all: does the broker serve share groups, ShareGroupHeartbeat and "
                                + "ShareFetch?)" : ""));
            }
            Thread.sleep(50);
        }
    }
}

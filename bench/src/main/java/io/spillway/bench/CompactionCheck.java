package io.spillway.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * When a compacted topic looks compacted to a client: one consumer reads the partitions from their beginnings to the
 * end offsets they had when the writes ended, again and again, until it gets at most {@code limit} records from each.
 * A partition's read stops as soon as it passes the limit (so reading one not yet compacted costs no more than
 * reading a compacted one), a partition that passed is not read again (nothing is written any more, so it can only
 * shrink), and the partitions still to check are read together, so that the check takes about as long as the largest
 * of them and puts little load on the broker while its cleaner works.
 *
 * <p>A partition that passed must still hold every one of its keys: fewer would mean that compaction lost records.
 */
final class CompactionCheck {
    /** Pause between two scans while some partition is not compacted yet. */
    private static final Duration PAUSE = Duration.ofMillis(250);

    /**
     * @param compacted whether every partition got within the limit before the deadline
     * @param seconds   from {@code fromNanos} to the end of the scan that found the last partition within the limit
     *                  (or to the deadline)
     * @param records   records each partition held at its last scan (for one that did not pass: more than the limit)
     * @param passedAt  seconds from {@code fromNanos} to the end of each partition's passing scan (-1: did not pass)
     * @param scans     scans made (each reads the partitions not yet compacted together)
     * @param lastScanSeconds how long the last scan took: the part of {@code seconds} spent reading the result
     */
    record Result(boolean compacted, double seconds, long[] records, double[] passedAt, int scans, double lastScanSeconds) {
        long maxRecords() {
            long max = 0;
            for (long r : records) {
                max = Math.max(max, r);
            }
            return max;
        }

        /** "0.4, 1.1, 2.0, 2.3 s" (partition order), "-" for a partition that did not pass. */
        String passedAtDescription() {
            List<String> parts = new ArrayList<>();
            for (double t : passedAt) {
                parts.add(t < 0 ? "-" : String.format(Locale.ROOT, "%.2f", t));
            }
            return String.join(", ", parts) + " s";
        }

        long minRecords() {
            long min = Long.MAX_VALUE;
            for (long r : records) {
                min = Math.min(min, r);
            }
            return records.length == 0 ? 0 : min;
        }
    }

    private CompactionCheck() {
    }

    /**
     * Scans until every partition of {@code topic} holds at most {@code limit} records, or until {@code deadline}
     * after {@code fromNanos} (a {@link System#nanoTime()} reading: when the writes ended).
     *
     * @throws IllegalStateException if a partition within the limit lacks some of its {@code keysPerPartition} keys
     */
    static Result await(String bootstrap, String topic, long keysPerPartition, long limit, long fromNanos, Duration deadline)
            throws InterruptedException {
        Properties p = BenchConsumers.properties(bootstrap, "spillway-bench-compaction-check");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20)); // fewer round trips per scan
        long deadlineNanos = fromNanos + deadline.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                tps.add(new TopicPartition(info.topic(), info.partition()));
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(30));
            long[] records = new long[tps.size()];
            double[] passedAt = new double[tps.size()];
            Arrays.fill(passedAt, -1);
            Set<TopicPartition> pending = new HashSet<>(tps);
            int scans = 0;
            double lastScanSeconds = 0;
            while (true) {
                long started = System.nanoTime();
                Map<TopicPartition, Scan> results = scan(consumer, pending, end, limit, deadlineNanos);
                long now = System.nanoTime();
                scans++;
                lastScanSeconds = (now - started) / 1e9;
                for (Map.Entry<TopicPartition, Scan> e : results.entrySet()) {
                    TopicPartition tp = e.getKey();
                    Scan scan = e.getValue();
                    records[tp.partition()] = scan.records();
                    if (scan.within()) {
                        if (scan.keys() < keysPerPartition) {
                            throw new IllegalStateException(String.format(Locale.ROOT, "%s holds %,d records with "
                                    + "%,d distinct keys after compaction, but %,d keys were written to it", tp,
                                    scan.records(), scan.keys(), keysPerPartition));
                        }
                        passedAt[tp.partition()] = (now - fromNanos) / 1e9;
                        pending.remove(tp); // nothing is written any more: it can only shrink
                    }
                }
                if (pending.isEmpty()) {
                    return new Result(true, (now - fromNanos) / 1e9, records, passedAt, scans, lastScanSeconds);
                }
                if (now - deadlineNanos >= 0) {
                    return new Result(false, (now - fromNanos) / 1e9, records, passedAt, scans, lastScanSeconds);
                }
                Thread.sleep(PAUSE.toMillis());
            }
        }
    }

    /** One read of a partition from its beginning: records seen (up to limit + 1), distinct keys when within. */
    private record Scan(boolean within, long records, long keys) {
    }

    /**
     * Reads {@code partitions} from their beginnings together, each until its end offset or until it passes the
     * limit (then it is paused, so it costs the broker no more reads).
     */
    private static Map<TopicPartition, Scan> scan(KafkaConsumer<byte[], byte[]> consumer, Set<TopicPartition> partitions,
                                                  Map<TopicPartition, Long> end, long limit, long deadlineNanos) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> counts = new HashMap<>();
        Map<TopicPartition, Set<ByteBuffer>> keys = new HashMap<>();
        Set<TopicPartition> open = new HashSet<>(partitions);
        Map<TopicPartition, Scan> out = new HashMap<>();
        while (!open.isEmpty()) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                open.forEach(tp -> out.put(tp, new Scan(false, counts.getOrDefault(tp, 0L), -1)));
                break;
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (!open.contains(tp)) {
                    continue; // already past the limit, from a fetch that was under way
                }
                long n = counts.merge(tp, 1L, Long::sum);
                if (n > limit) {
                    out.put(tp, new Scan(false, n, -1));
                    open.remove(tp);
                    consumer.pause(List.of(tp));
                } else if (r.key() != null) {
                    keys.computeIfAbsent(tp, k -> new HashSet<>()).add(ByteBuffer.wrap(r.key()));
                }
            }
            for (java.util.Iterator<TopicPartition> it = open.iterator(); it.hasNext(); ) {
                TopicPartition tp = it.next();
                if (consumer.position(tp) >= end.get(tp)) {
                    out.put(tp, new Scan(true, counts.getOrDefault(tp, 0L), keys.getOrDefault(tp, Set.of()).size()));
                    it.remove();
                }
            }
        }
        consumer.resume(consumer.paused());
        return out;
    }
}

package io.spillway.bench.txncheck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reading the checked topic with plain consumers (assign, no group, nothing committed): the consumer settings and a
 * complete read of every partition from the beginning up to the end offsets of the requested isolation level (for
 * read_committed: the last stable offset).
 *
 * <p>Stateless; each call owns its consumer.
 */
final class TopicReads {

    private TopicReads() {
    }

    static KafkaConsumer<String, String> consumer(String bootstrap, IsolationLevel isolation, String clientId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString().toLowerCase(Locale.ROOT));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    static List<TopicPartition> partitions(String topic, int count) {
        List<TopicPartition> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new TopicPartition(topic, i));
        }
        return out;
    }

    /** End offsets of every partition for an isolation level (read_committed: the last stable offsets). */
    static Map<Integer, Long> endOffsets(String bootstrap, String topic, int partitions, IsolationLevel isolation) {
        try (KafkaConsumer<String, String> c = consumer(bootstrap, isolation, "txncheck-end-offsets")) {
            Map<Integer, Long> out = new HashMap<>();
            c.endOffsets(partitions(topic, partitions), Duration.ofSeconds(30))
                    .forEach((tp, off) -> out.put(tp.partition(), off));
            return out;
        }
    }

    /** Reads every partition from the beginning to its current end offset, bounded by {@code timeout}. */
    static ReadResult readAll(String bootstrap, String topic, int partitions, IsolationLevel isolation,
                              Duration timeout) {
        String name = isolation.toString().toLowerCase(Locale.ROOT);
        List<TopicPartition> tps = partitions(topic, partitions);
        try (KafkaConsumer<String, String> c = consumer(bootstrap, isolation, "txncheck-final-" + name)) {
            Map<Integer, Long> end = new HashMap<>();
            c.endOffsets(tps, Duration.ofSeconds(30)).forEach((tp, off) -> end.put(tp.partition(), off));
            c.assign(tps);
            c.seekToBeginning(tps);
            Collector collector = new Collector();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!collector.reached(c, end) && System.nanoTime() < deadline) {
                collector.add(c.poll(Duration.ofMillis(500)));
            }
            boolean complete = collector.reached(c, end);
            return collector.result(name, end, complete, complete ? List.of()
                    : List.of("did not reach the end offsets " + end + " within " + timeout));
        }
    }

    /**
     * Accumulates what a consumer returns. Not thread safe: owned by the thread polling the consumer.
     */
    static final class Collector {
        private final List<Observed> records = new ArrayList<>();
        private long foreign;

        void add(ConsumerRecords<String, String> batch) {
            for (ConsumerRecord<String, String> r : batch) {
                TxnRecord.decode(r.value()).ifPresentOrElse(
                        t -> records.add(new Observed(r.partition(), r.offset(), t)), () -> foreign++);
            }
        }

        /** True once the consumer's position is at or past {@code end} on every partition it is assigned. */
        boolean reached(KafkaConsumer<String, String> c, Map<Integer, Long> end) {
            for (TopicPartition tp : c.assignment()) {
                if (c.position(tp, Duration.ofSeconds(30)) < end.getOrDefault(tp.partition(), 0L)) {
                    return false;
                }
            }
            return true;
        }

        ReadResult result(String isolation, Map<Integer, Long> end, boolean complete, List<String> problems) {
            List<Observed> sorted = new ArrayList<>(records);
            sorted.sort(Comparator.comparingInt(Observed::partition).thenComparingLong(Observed::offset));
            return new ReadResult(isolation, sorted, foreign, end, complete, problems);
        }
    }
}

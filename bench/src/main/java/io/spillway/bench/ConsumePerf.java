package io.spillway.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Consumer throughput: reads a topic from the beginning of every partition with {@code assign} +
 * {@code seekToBeginning} (no consumer group, no offset commits) until every partition reaches the end
 * offset it had when the run started. Throughput counts key + value bytes over the time from the first
 * {@code poll} to the last record received. With a warm-up of W records (the benchmark uses the producer's
 * warm-up records, which sit at the start of the partitions), the clock starts once W records have been
 * received and only the records after that count; the totals including the warm-up are reported too.
 * With {@code isolation.level=read_committed} it reads a transactional topic up to its last stable offset; a
 * partition that ends with a commit marker counts as read once the position has moved past the marker.
 *
 * <p>Standalone use: {@code ConsumePerf --bootstrap host:port --topic NAME [--consumer-prop K=V ...]}.
 */
public final class ConsumePerf {

    static final String USAGE = """
            Usage: ConsumePerf --bootstrap HOST:PORT [options]
              --topic NAME              topic to read from the beginning (default spillway-bench)
              --consumer-prop K=V       any consumer config, repeatable
              --idle-timeout D          give up when no record arrives for this long (default 30s)
              --warmup-records N        start measuring after N records (default 0)
            """;

    /** What to run. Mutable, with fluent setters. */
    public static final class Config {
        private String topic = "spillway-bench";
        private final Map<String, String> consumerProps = new LinkedHashMap<>();
        private Duration idleTimeout = Duration.ofSeconds(30);
        private long warmupRecords;
        private PrintStream progress;
        private Duration progressInterval = Duration.ofSeconds(5);
        private Runnable onMeasureStart = () -> { };
        private Runnable onMeasureEnd = () -> { };

        public Config topic(String v) {
            this.topic = v;
            return this;
        }

        public Config consumerProps(Map<String, String> props) {
            consumerProps.putAll(props);
            return this;
        }

        /** Fail when no record arrives for this long before the end offsets are reached. */
        public Config idleTimeout(Duration v) {
            this.idleTimeout = v;
            return this;
        }

        /** Start measuring once this many records have been received (default 0). */
        public Config warmupRecords(long v) {
            this.warmupRecords = v;
            return this;
        }

        public Config progress(PrintStream out) {
            this.progress = out;
            return this;
        }

        public Config progressInterval(Duration v) {
            this.progressInterval = v;
            return this;
        }

        /** Called once when the measured part starts (after the warm-up records), e.g. to take a CPU reading. */
        public Config onMeasureStart(Runnable v) {
            this.onMeasureStart = v;
            return this;
        }

        /**
         * Called once when the last record has been received, before the consumer closes (a CPU reading then leaves
         * out the close, which in a short run would weigh as much as the read).
         */
        public Config onMeasureEnd(Runnable v) {
            this.onMeasureEnd = v;
            return this;
        }

        public String topic() {
            return topic;
        }

        /** The consumer configuration used (without bootstrap.servers, deserializers and client.id). */
        public Map<String, String> effectiveConsumerConfig() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            m.putAll(consumerProps);
            return m;
        }
    }

    /**
     * Outcome of a run.
     *
     * @param records           records consumed after the warm-up (measured)
     * @param bytes             key + value bytes of those records
     * @param elapsedNanos      end of the warm-up (or first poll) to last record
     * @param warmupRecords     records received before the clock started
     * @param totalRecords      all records consumed (warm-up included)
     * @param totalBytes        their key + value bytes
     * @param totalElapsedNanos first poll to last record
     * @param expectedRecords   sum over partitions of (end offset - beginning offset) at the start
     * @param partitions        partitions read
     * @param consumerConfig    the consumer configuration used
     */
    public record Result(long records, long bytes, long elapsedNanos, long warmupRecords, long totalRecords,
                         long totalBytes, long totalElapsedNanos, long expectedRecords, int partitions,
                         Map<String, String> consumerConfig) {

        public double seconds() {
            return elapsedNanos / 1e9;
        }

        public double recordsPerSec() {
            return elapsedNanos <= 0 ? 0 : records / seconds();
        }

        public double mibPerSec() {
            return elapsedNanos <= 0 ? 0 : bytes / 1048576.0 / seconds();
        }

        /** Throughput over everything read, warm-up included. */
        public double totalMibPerSec() {
            return totalElapsedNanos <= 0 ? 0 : totalBytes / 1048576.0 / (totalElapsedNanos / 1e9);
        }

        public double totalRecordsPerSec() {
            return totalElapsedNanos <= 0 ? 0 : totalRecords / (totalElapsedNanos / 1e9);
        }

        public String summary() {
            return String.format(Locale.ROOT, "consume: %,d records (%,d warm-up excluded) from %d partitions in %.1f s: "
                            + "%,.0f records/s, %.1f MiB/s; all %,d records in %.1f s: %,.0f records/s, %.1f MiB/s",
                    records, warmupRecords, partitions, seconds(), recordsPerSec(), mibPerSec(), totalRecords,
                    totalElapsedNanos / 1e9, totalRecordsPerSec(), totalMibPerSec());
        }
    }

    private ConsumePerf() {
    }

    /**
     * Reads {@code config.topic()} from the beginning until all partitions reach their end offsets.
     *
     * @throws IllegalStateException if the topic does not exist or no record arrives within the idle timeout
     */
    public static Result run(String bootstrap, Config config) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "spillway-bench-consumer");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.putAll(config.effectiveConsumerConfig());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<PartitionInfo> infos = consumer.partitionsFor(config.topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + config.topic + " does not exist at " + bootstrap);
            }
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo info : infos) {
                tps.add(new TopicPartition(info.topic(), info.partition()));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps, Duration.ofSeconds(30));
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(30));
            long expected = 0;
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : tps) {
                long n = end.get(tp) - begin.get(tp);
                expected += n;
                if (n > 0) {
                    remaining.put(tp, end.get(tp));
                }
            }
            long records = 0;
            long bytes = 0;
            long start = System.nanoTime();
            long measureStart = -1;
            if (config.warmupRecords <= 0) {
                config.onMeasureStart.run();
                measureStart = start;
            }
            long warmupRecords = 0;
            long warmupBytes = 0;
            long lastRecord = start;
            long lastReport = start;
            long reportedRecords = 0;
            long idle = config.idleTimeout.toNanos();
            long interval = config.progressInterval.toNanos();
            while (!remaining.isEmpty()) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                long now = System.nanoTime();
                // every remaining partition, not only those in the batch: a transactional topic ends with a commit
                // marker, which moves the position without returning a record
                remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                if (batch.isEmpty()) {
                    if (!remaining.isEmpty() && now - lastRecord > idle) {
                        throw new IllegalStateException(String.format(Locale.ROOT,
                                "no record for %s after %,d of %,d records; still missing partitions %s",
                                config.idleTimeout, records, expected, remaining.keySet()));
                    }
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    records++;
                    bytes += Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize());
                }
                lastRecord = now;
                if (measureStart < 0 && records >= config.warmupRecords) {
                    config.onMeasureStart.run();
                    measureStart = now;
                    warmupRecords = records;
                    warmupBytes = bytes;
                }
                if (config.progress != null && now - lastReport >= interval) {
                    double rate = (records - reportedRecords) / ((now - lastReport) / 1e9);
                    config.progress.printf(Locale.ROOT, "consume: %,d of %,d records, %,.0f records/s (last %.0f s)%n",
                            records, expected, rate, (now - lastReport) / 1e9);
                    lastReport = now;
                    reportedRecords = records;
                }
            }
            config.onMeasureEnd.run();
            long totalElapsed = records == 0 ? 0 : lastRecord - start;
            long measured = records - warmupRecords;
            long elapsed = measureStart < 0 || measured == 0 ? 0 : lastRecord - measureStart;
            return new Result(measured, bytes - warmupBytes, elapsed, warmupRecords, records, bytes, totalElapsed,
                    expected, tps.size(), config.effectiveConsumerConfig());
        }
    }

    /** {@code ConsumePerf --bootstrap host:port [options]}: reads the topic and prints one summary line. */
    public static void main(String[] argv) {
        Args a;
        try {
            a = Args.parse(argv, List.of("--help"), BenchOptions.CONSUME_OPTIONS_WITH_BOOTSTRAP);
            if (a.flag("--help") || !a.has("--bootstrap")) {
                System.out.print(USAGE);
                System.exit(a.flag("--help") ? 0 : 2);
                return;
            }
        } catch (IllegalArgumentException e) {
            System.err.println("ConsumePerf: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        Config c = BenchOptions.consumeConfig(a).warmupRecords(a.getLong("--warmup-records", 0)).progress(System.out);
        System.out.println(run(a.get("--bootstrap", null), c).summary());
    }
}

package io.spillway.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Producer throughput and send→ack latency, in the spirit of Kafka's {@code kafka-producer-perf-test}.
 *
 * <p>Each of {@code producers} threads owns one {@link KafkaProducer} and sends records with a null key
 * and a value of {@code recordSize} random (incompressible) bytes, taken round-robin from a pool generated
 * once before the run. A warm-up phase (by default 15 s, so that the JIT of client and broker settles) is
 * sent first and flushed completely; then all threads start the
 * measured phase together. Throughput is measured records (value bytes) over the window from the first
 * measured send to the last measured acknowledgement; latency is the time from just before
 * {@code send()} to the callback, so it includes time queued in the producer (as Kafka's tool does).
 *
 * <p>Standalone use: {@code ProducePerf --bootstrap host:port [options]} (see {@link #USAGE}).
 */
public final class ProducePerf {

    static final String USAGE = """
            Usage: ProducePerf --bootstrap HOST:PORT [options]
              --topic NAME              topic (created with --partitions if missing; default spillway-bench)
              --partitions N            partitions of a created topic (default 8)
              --record-size BYTES       value size of each record (default 1024)
              --records N               measured records (default 1000000; accepts 500k, 1m)
              --duration D              measure for a duration instead (60, 60s, 2m)
              --warmup D                warm up for this long before measuring (default 15s; 0 for none)
              --warmup-records N        warm up with N records instead of a duration
              --producers N             producer threads, one KafkaProducer each (default 1)
              --acks A                  acks (default all)
              --idempotence true|false  enable.idempotence (default true)
              --compression C           none|gzip|snappy|lz4|zstd (default none)
              --throughput R            cap at R records/s in total, warm-up included (default: unlimited)
              --producer-prop K=V       any producer config, repeatable (wins over the above)
              --topic-config K=V        config of a created topic, repeatable
            """;

    /** Producer configs the harness sets unless overridden by {@code --producer-prop}. */
    public static final int DEFAULT_BATCH_SIZE = 16_384;
    /** Kafka 4.x client default; set explicitly so the report does not depend on the client version. */
    public static final int DEFAULT_LINGER_MS = 5;
    /** Long enough for the JIT of client and broker to settle on a 2-vCPU machine (measured: ~10-15 s). */
    public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(15);

    /** What to run. Mutable, with fluent setters; defaults are the benchmark's default workload. */
    public static final class Config {
        private String topic = "spillway-bench";
        private int partitions = 8;
        private int recordSize = 1024;
        private long records = 1_000_000;
        private Duration duration;
        private long warmupRecords = -1;
        private Duration warmup = DEFAULT_WARMUP;
        private int producers = 1;
        private String acks = "all";
        private boolean idempotence = true;
        private String compression = "none";
        private double throughput = -1;
        private long seed = 0x5EED_5EEDL;
        private boolean textPayload;
        private long keys;
        private final Map<String, String> producerProps = new LinkedHashMap<>();
        private final Map<String, String> topicConfigs = new LinkedHashMap<>();
        private PrintStream progress;
        private Duration progressInterval = Duration.ofSeconds(5);
        private Runnable onMeasureStart = () -> { };

        public Config topic(String v) {
            this.topic = v;
            return this;
        }

        public Config partitions(int v) {
            this.partitions = v;
            return this;
        }

        public Config recordSize(int v) {
            this.recordSize = v;
            return this;
        }

        public Config records(long v) {
            this.records = v;
            return this;
        }

        /** Measure for this long instead of a record count (null: use {@link #records}). */
        public Config duration(Duration v) {
            this.duration = v;
            return this;
        }

        /** Warm up with this many records (sent and flushed before measuring); negative: use {@link #warmup(Duration)}. */
        public Config warmupRecords(long v) {
            this.warmupRecords = v;
            return this;
        }

        /** Warm up for this long (default 15 s) unless {@link #warmupRecords(long)} is set. */
        public Config warmup(Duration v) {
            this.warmup = v;
            return this;
        }

        public Config producers(int v) {
            this.producers = v;
            return this;
        }

        public Config acks(String v) {
            this.acks = v;
            return this;
        }

        public Config idempotence(boolean v) {
            this.idempotence = v;
            return this;
        }

        public Config compression(String v) {
            this.compression = v;
            return this;
        }

        /** Total target rate in records/s; zero or negative: as fast as possible. */
        public Config throughput(double v) {
            this.throughput = v;
            return this;
        }

        /**
         * Values of JSON-like text (fields drawn from small vocabularies, like application events) that lz4
         * compresses about 2-3x, instead of the default random (incompressible) bytes.
         */
        public Config textPayload(boolean v) {
            this.textPayload = v;
            return this;
        }

        public boolean textPayload() {
            return textPayload;
        }

        /**
         * Keyed records for a compacted topic (which rejects records without a key): keys 0 to {@code v - 1} in
         * {@link KeyRounds} (every key once per round, in a shuffled order; the producers take turns through the
         * sequence), and key k goes to partition k mod partitions, so that every partition holds the same
         * {@code v / partitions} keys and a consumer can tell how far compaction got. Zero (the default): null keys,
         * partitions chosen by the producer.
         */
        public Config keys(long v) {
            this.keys = v;
            return this;
        }

        public long keys() {
            return keys;
        }

        public Config seed(long v) {
            this.seed = v;
            return this;
        }

        public Config producerProp(String key, String value) {
            producerProps.put(key, value);
            return this;
        }

        public Config producerProps(Map<String, String> props) {
            producerProps.putAll(props);
            return this;
        }

        public Config topicConfigs(Map<String, String> configs) {
            topicConfigs.putAll(configs);
            return this;
        }

        /** Where to print a progress line every few seconds (null: silent). */
        public Config progress(PrintStream out) {
            this.progress = out;
            return this;
        }

        public Config progressInterval(Duration v) {
            this.progressInterval = v;
            return this;
        }

        /** Called once when the measured phase starts (after the warm-up), e.g. to take a CPU reading. */
        public Config onMeasureStart(Runnable v) {
            this.onMeasureStart = v;
            return this;
        }

        public String topic() {
            return topic;
        }

        public int partitions() {
            return partitions;
        }

        public int recordSize() {
            return recordSize;
        }

        public long records() {
            return records;
        }

        public Duration duration() {
            return duration;
        }

        public int producers() {
            return producers;
        }

        public String acks() {
            return acks;
        }

        public boolean idempotence() {
            return idempotence;
        }

        public String compression() {
            return compression;
        }

        public double throughput() {
            return throughput;
        }

        public Map<String, String> topicConfigs() {
            return Map.copyOf(topicConfigs);
        }

        /** The warm-up as a record count, or -1 when the warm-up is a duration ({@link #warmupDuration()}). */
        public long warmupRecords() {
            return warmupRecords;
        }

        /** The warm-up duration, or null when the warm-up is a record count. */
        public Duration warmupDuration() {
            return warmupRecords >= 0 ? null : warmup;
        }

        /** "15 s" or "200 records". */
        public String warmupDescription() {
            return warmupRecords >= 0 ? String.format(Locale.ROOT, "%,d records", warmupRecords)
                    : String.format(Locale.ROOT, "%.0f s", warmup.toMillis() / 1000.0);
        }

        /** The producer configuration used (without bootstrap.servers, serializers and client.id). */
        public Map<String, String> effectiveProducerConfig() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put(ProducerConfig.ACKS_CONFIG, acks);
            m.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(idempotence));
            m.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
            m.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(DEFAULT_BATCH_SIZE));
            m.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(DEFAULT_LINGER_MS));
            m.putAll(producerProps);
            return m;
        }

        void validate() {
            require(topic != null && !topic.isBlank(), "topic must not be empty");
            require(partitions >= 1, "partitions must be >= 1");
            require(recordSize >= 1, "record size must be >= 1");
            require(producers >= 1, "producers must be >= 1");
            require(keys >= 0 && keys <= Integer.MAX_VALUE, "keys must be between 0 and 2^31 - 1");
            require(warmupRecords >= 0 || (warmup != null && !warmup.isNegative()), "warm-up must not be negative");
            require(duration != null ? !duration.isNegative() && !duration.isZero() : records >= 1,
                    duration != null ? "duration must be positive" : "records must be >= 1");
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /**
     * Outcome of a run.
     *
     * @param records       measured records acknowledged without error
     * @param bytes         value bytes of those records
     * @param warmupRecords records sent (and flushed) before measuring, not counted
     * @param elapsedNanos  first measured send to last measured ack
     * @param errors        sends that failed (measured or warm-up)
     * @param firstError    description of the first failure, or null
     * @param latency       send→ack latency of the measured records
     * @param partitions    partitions of the topic
     * @param producerConfig the producer configuration used
     * @param clientMetrics a few producer metrics (averaged -avg, summed -total over producers)
     */
    public record Result(long records, long bytes, long warmupRecords, long elapsedNanos, long errors, String firstError,
                         LatencyHistogram latency, int partitions, Map<String, String> producerConfig,
                         Map<String, Double> clientMetrics) {

        public double seconds() {
            return elapsedNanos / 1e9;
        }

        public double recordsPerSec() {
            return elapsedNanos <= 0 ? 0 : records / seconds();
        }

        public double mibPerSec() {
            return elapsedNanos <= 0 ? 0 : bytes / 1048576.0 / seconds();
        }

        public String summary() {
            return String.format(Locale.ROOT,
                    "produce: %,d records (%,d warm-up excluded) in %.1f s: %,.0f records/s, %.1f MiB/s; "
                            + "latency p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms; errors %d",
                    records, warmupRecords, seconds(), recordsPerSec(), mibPerSec(), latency.percentileMillis(0.50),
                    latency.percentileMillis(0.99), latency.percentileMillis(0.999), latency.maxMicros() / 1000.0, errors);
        }
    }

    private static final List<String> METRICS = List.of("batch-size-avg", "records-per-request-avg",
            "request-latency-avg", "record-queue-time-avg", "record-retry-total", "record-error-total");

    private ProducePerf() {
    }

    /** Runs the workload against the broker(s) at {@code bootstrap}. */
    public static Result run(String bootstrap, Config config) throws InterruptedException {
        config.validate();
        int partitions = ensureTopic(bootstrap, config.topic, config.partitions, config.topicConfigs, config.progress,
                securitySettings(config.producerProps));
        byte[][] payloads = config.textPayload ? textPayloadPool(config.recordSize, config.seed)
                : payloadPool(config.recordSize, config.seed);
        long warmup = config.warmupRecords;
        int n = config.producers;
        CountDownLatch warmedUp = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong errors = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long measured = config.duration != null ? Long.MAX_VALUE : share(config.records, n, i);
            workers.add(new Worker(i, bootstrap, config, partitions, payloads, warmup < 0 ? -1 : share(warmup, n, i), measured,
                    warmedUp, go, errors, firstError));
        }
        List<Thread> threads = new ArrayList<>();
        for (Worker w : workers) {
            Thread t = new Thread(w, "produce-perf-" + w.id);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        try {
            warmedUp.await();
            for (Worker w : workers) {
                if (w.failure != null) {
                    throw new IllegalStateException("producer thread " + w.id + " failed during warm-up: " + w.failure,
                            w.failure);
                }
            }
            config.onMeasureStart.run();
            go.countDown();
            long start = System.nanoTime();
            if (config.progress != null) {
                config.progress.printf(Locale.ROOT, "produce: warm-up of %,d records done; measuring%n",
                        workers.stream().mapToLong(w -> w.warmupSent).sum());
            }
            long lastReport = start;
            long lastAcked = 0;
            long interval = config.progressInterval.toNanos();
            for (Thread t : threads) {
                while (t.isAlive()) {
                    t.join(200);
                    long now = System.nanoTime();
                    if (config.progress != null && now - lastReport >= interval) {
                        long acked = workers.stream().mapToLong(w -> w.measuredAcked).sum();
                        double rate = (acked - lastAcked) / ((now - lastReport) / 1e9);
                        config.progress.printf(Locale.ROOT, "produce: %,d records acked, %,.0f records/s, %.1f MiB/s (last %.0f s)%n",
                                acked, rate, rate * config.recordSize / 1048576.0, (now - lastReport) / 1e9);
                        lastReport = now;
                        lastAcked = acked;
                    }
                }
            }
        } finally {
            for (Worker w : workers) {
                w.stop = true;
            }
            for (Thread t : threads) {
                t.interrupt();
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
        }
        for (Worker w : workers) {
            if (w.failure != null) {
                throw new IllegalStateException("producer thread " + w.id + " failed: " + w.failure, w.failure);
            }
        }
        LatencyHistogram latency = new LatencyHistogram();
        long records = 0;
        long firstSend = Long.MAX_VALUE;
        long lastAck = Long.MIN_VALUE;
        Map<String, Double> metrics = new LinkedHashMap<>();
        long warmupSent = 0;
        for (Worker w : workers) {
            warmupSent += w.warmupSent;
            latency.merge(w.histogram);
            records += w.measuredAcked;
            firstSend = Math.min(firstSend, w.firstMeasuredSend);
            lastAck = Math.max(lastAck, w.lastMeasuredAck);
            w.metrics.forEach((k, v) -> metrics.merge(k, v, Double::sum));
        }
        metrics.replaceAll((k, v) -> k.endsWith("-avg") ? v / n : v);
        long elapsed = records == 0 ? 0 : lastAck - firstSend;
        Throwable err = firstError.get();
        return new Result(records, records * config.recordSize, warmupSent, elapsed, errors.get(),
                err == null ? null : err.toString(), latency, partitions, config.effectiveProducerConfig(), metrics);
    }

    /**
     * Creates {@code topic} with {@code partitions} partitions (broker-default replication) unless it
     * exists; returns its actual partition count.
     */
    public static int ensureTopic(String bootstrap, String topic, int partitions, Map<String, String> configs,
                                  PrintStream log) throws InterruptedException {
        return ensureTopic(bootstrap, topic, partitions, configs, log, Map.of());
    }

    /** The client settings that say how to reach a secured listener (security.protocol, sasl.*, ssl.*). */
    static Map<String, String> securitySettings(Map<String, String> clientProps) {
        Map<String, String> out = new LinkedHashMap<>();
        clientProps.forEach((k, v) -> {
            if (k.equals("security.protocol") || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** As above, through a listener that needs the given security settings. */
    static int ensureTopic(String bootstrap, String topic, int partitions, Map<String, String> configs,
                           PrintStream log, Map<String, String> security) throws InterruptedException {
        Properties p = new Properties();
        p.putAll(security);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "spillway-bench-admin");
        try (Admin admin = Admin.create(p)) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty()).configs(configs)))
                        .all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause(), e.getCause());
                }
            }
            // Metadata may lag the creation briefly; retry the describe until the topic is visible.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
                    int actual = d.partitions().size();
                    awaitLeaders(admin, topic, actual);
                    if (actual != partitions && log != null) {
                        log.printf("produce: topic %s already exists with %d partitions (asked for %d); using it as is%n",
                                topic, actual, partitions);
                    }
                    return actual;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                        throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getCause(), e.getCause());
                    }
                    Thread.sleep(100);
                }
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("admin request to " + bootstrap + " timed out", e);
        }
    }

    /**
     * Waits until the broker leads every partition, by listing their end offsets (answered only by the
     * leader; the admin client retries until then). Apache Kafka lists a new topic's partitions before its
     * broker has taken over leadership; an idempotent producer that sends in that window gets
     * NOT_LEADER_OR_FOLLOWER and then, with several batches in flight, can be stuck on
     * OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout (seen with kafka 4.4 in about one run in ten).
     */
    static void awaitLeaders(Admin admin, String topic, int partitions) throws InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        try {
            admin.listOffsets(request).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("partitions of " + topic + " got no leader: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Distinct random values of {@code size} bytes, about 8 MiB in total (at least one, at most 8192), so
     * that even a large batch holds no repeated value and compression finds nothing to squeeze.
     */
    static byte[][] payloadPool(int size, long seed) {
        int count = (int) Math.max(1, Math.min(8192, (8L << 20) / size));
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] pool = new byte[count][size];
        for (byte[] b : pool) {
            random.nextBytes(b);
        }
        return pool;
    }

    private static final String[] EVENTS = {"page_view", "click", "add_to_cart", "checkout", "login", "logout",
        "search", "purchase", "refund", "signup"};
    private static final String[] COUNTRIES = {"DE", "US", "FR", "GB", "JP", "BR", "IN", "NL", "SE", "ES", "IT", "CA"};
    private static final String[] AGENTS = {"Mozilla/5.0 (X11; Linux x86_64)", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5)", "okhttp/4.12.0", "curl/8.5.0"};

    /**
     * Like {@link #payloadPool} but each value is a JSON-like event of exactly {@code size} bytes: field names
     * repeat and field values come from small vocabularies or random digits, so values compress like real
     * application events rather than not at all.
     */
    static byte[][] textPayloadPool(int size, long seed) {
        int count = (int) Math.max(1, Math.min(8192, (8L << 20) / size));
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] pool = new byte[count][];
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder(size + 256);
            while (sb.length() < size) {
                sb.append("{\"event\":\"").append(EVENTS[random.nextInt(EVENTS.length)])
                        .append("\",\"user_id\":").append(random.nextLong(1_000_000_000L))
                        .append(",\"session\":\"").append(Long.toHexString(random.nextLong()))
                        .append("\",\"country\":\"").append(COUNTRIES[random.nextInt(COUNTRIES.length)])
                        .append("\",\"price_cents\":").append(random.nextInt(100_000))
                        .append(",\"agent\":\"").append(AGENTS[random.nextInt(AGENTS.length)]).append("\"}\n");
            }
            sb.setLength(size);
            pool[i] = sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        return pool;
    }

    /** The part of {@code total} that worker {@code i} of {@code n} handles. */
    static long share(long total, int n, int i) {
        return total / n + (i < total % n ? 1 : 0);
    }

    private static final class Worker implements Runnable {
        final int id;
        final String bootstrap;
        final Config config;
        final int partitions;
        final byte[][] payloads;
        final long warmup;          // records, or -1 for config.warmup (a duration)
        final long measured;
        final CountDownLatch warmedUp;
        final CountDownLatch go;
        final AtomicLong errors;
        final AtomicReference<Throwable> firstError;
        final LatencyHistogram histogram = new LatencyHistogram(); // written by the producer's I/O thread only
        final Map<String, Double> metrics = new LinkedHashMap<>();
        volatile boolean stop;
        volatile long measuredAcked;    // single writer: the producer's I/O thread
        volatile long lastMeasuredAck;  // single writer: the producer's I/O thread
        volatile long firstMeasuredSend = Long.MAX_VALUE;
        volatile Throwable failure;
        volatile long warmupSent;
        private long keyed; // keyed records sent so far, warm-up included
        private KeyRounds keyRounds;

        Worker(int id, String bootstrap, Config config, int partitions, byte[][] payloads, long warmup, long measured,
               CountDownLatch warmedUp, CountDownLatch go, AtomicLong errors, AtomicReference<Throwable> firstError) {
            this.id = id;
            this.bootstrap = bootstrap;
            this.config = config;
            this.partitions = partitions;
            this.payloads = payloads;
            this.warmup = warmup;
            this.measured = measured;
            this.warmedUp = warmedUp;
            this.go = go;
            this.errors = errors;
            this.firstError = firstError;
        }

        @Override
        public void run() {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.CLIENT_ID_CONFIG, "spillway-bench-producer-" + id);
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.putAll(config.effectiveProducerConfig());
            boolean counted = false;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
                long seq = (long) id * (payloads.length / Math.max(1, config.producers));
                // warm-up: not measured, flushed completely so the measured phase starts with an empty pipeline
                long warmupEnd = System.nanoTime() + (warmup < 0 ? config.warmup.toNanos() : 0);
                long sent = 0;
                double rate = config.throughput > 0 ? config.throughput / config.producers : -1;
                long warmupStart = System.nanoTime();
                while (!stop && (warmup >= 0 ? sent < warmup : System.nanoTime() - warmupEnd < 0)) {
                    throttle(rate, warmupStart, sent);
                    send(producer, seq++, false);
                    sent++;
                }
                warmupSent = sent;
                producer.flush();
                warmedUp.countDown();
                counted = true;
                go.await();
                long start = System.nanoTime();
                firstMeasuredSend = start;
                long deadline = config.duration != null ? start + config.duration.toNanos() : Long.MAX_VALUE;
                for (long i = 0; i < measured && !stop; i++) {
                    long now = System.nanoTime();
                    if (now - deadline >= 0) {
                        break;
                    }
                    throttle(rate, start, i);
                    send(producer, seq++, true);
                }
                producer.flush();
                for (Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
                    MetricName name = e.getKey();
                    if ("producer-metrics".equals(name.group()) && METRICS.contains(name.name())
                            && e.getValue().metricValue() instanceof Double d && !d.isNaN()) {
                        metrics.put(name.name(), d);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = e;
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                if (!counted) {
                    warmedUp.countDown();
                }
            }
        }

        /** The key of {@link Config#keys} number {@code key}: "key-" and eight digits, 12 bytes. */
        private static byte[] keyBytes(long key) {
            return String.format(Locale.ROOT, "key-%08d", key).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }

        /** With a rate cap, waits until record {@code i} of a phase that started at {@code start} is due. */
        private static void throttle(double rate, long start, long i) {
            if (rate > 0) {
                long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }

        private void send(KafkaProducer<byte[], byte[]> producer, long seq, boolean measuredRecord) {
            byte[] value = payloads[(int) (seq % payloads.length)];
            long start = System.nanoTime();
            try {
                ProducerRecord<byte[], byte[]> record;
                if (config.keys > 0) {
                    if (keyRounds == null) {
                        keyRounds = new KeyRounds((int) config.keys, config.seed);
                    }
                    // the producers take turns through one sequence, so that together they send every key once per round
                    long key = keyRounds.key(id + (long) config.producers * keyed++);
                    record = new ProducerRecord<>(config.topic, (int) (key % partitions), keyBytes(key), value);
                } else {
                    record = new ProducerRecord<>(config.topic, null, value);
                }
                producer.send(record, new Ack(start, measuredRecord));
            } catch (RuntimeException e) {
                errors.incrementAndGet();
                firstError.compareAndSet(null, e);
            }
        }

        /** Completion of one send; runs on the producer's I/O thread. */
        private final class Ack implements Callback {
            private final long start;
            private final boolean measuredRecord;

            Ack(long start, boolean measuredRecord) {
                this.start = start;
                this.measuredRecord = measuredRecord;
            }

            @Override
            public void onCompletion(RecordMetadata metadata, Exception exception) {
                if (exception != null) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, exception);
                    return;
                }
                if (measuredRecord) {
                    long now = System.nanoTime();
                    histogram.record((now - start) / 1000);
                    measuredAcked++;
                    lastMeasuredAck = now;
                }
            }
        }
    }

    /** {@code ProducePerf --bootstrap host:port [options]}: runs the workload and prints one summary line. */
    public static void main(String[] argv) throws Exception {
        Args a;
        try {
            a = Args.parse(argv, List.of("--help"), BenchOptions.PRODUCE_OPTIONS_WITH_BOOTSTRAP);
            if (a.flag("--help") || !a.has("--bootstrap")) {
                System.out.print(USAGE);
                System.exit(a.flag("--help") ? 0 : 2);
                return;
            }
        } catch (IllegalArgumentException e) {
            System.err.println("ProducePerf: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        Config c = BenchOptions.produceConfig(a).progress(System.out);
        Result r = run(a.get("--bootstrap", null), c);
        System.out.println(r.summary());
        if (r.errors() > 0) {
            System.err.println("ProducePerf: " + r.errors() + " sends failed; first: " + r.firstError());
            System.exit(1);
        }
    }
}

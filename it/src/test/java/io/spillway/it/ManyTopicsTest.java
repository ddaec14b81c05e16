package io.spillway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.testkit.SpillwayProcess;
import io.spillway.testkit.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "Topic count is not a resource": 30,000 single-partition topics on a broker running as its own process,
 * one record produced to and read back from each, while the broker's open file descriptors (and files on
 * disk) stay flat. Prints the time of each phase.
 *
 * <p>Measured on 2 cores (broker in a child JVM, fsync on): creating 30,000 topics in batches of 1,000 takes
 * about 3 s, producing one record to each 17-35 s, reading all back 5 s. The broker is nearly idle throughout:
 * producing is bound by the Java producer, whose sender thread walks every partition queue on each loop and
 * is woken by each new topic's metadata (1 producer x 64 threads: ~50 s; 4 x 16: ~35 s; 16 x 8: ~18 s), and
 * both clients register per-topic metrics (JMX, telemetry), which alone took ~10 s of the read phase before
 * they were disabled here.
 *
 * <p>{@code -Dspillway.manytopics.count=N} changes the topic count (default 30,000);
 * {@code spillway.manytopics.producers} and {@code spillway.manytopics.threads} the producer layout.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ManyTopicsTest {

    private static final int TOPICS = Integer.getInteger("spillway.manytopics.count", 30_000);
    private static final int CREATE_BATCH = 1_000;
    /** Producers sharing the topics; see {@link #produceOneRecordToEach}. */
    private static final int PRODUCERS = Integer.getInteger("spillway.manytopics.producers", 16);
    /** Threads calling send() per producer: each new topic makes send() wait for metadata. */
    private static final int THREADS_PER_PRODUCER = Integer.getInteger("spillway.manytopics.threads", 8);
    private static final int MAX_FD_GROWTH = 200;

    @Test
    void thirtyThousandTopicsCostNoFileDescriptors() throws Exception {
        Path dataDir = TempDirs.create("spillway-many-topics");
        try (SpillwayProcess broker = SpillwayProcess.builder().dataDir(dataDir).name("many-topics")
                .set("num.partitions", "1").jvmArg("-Xmx2g").start()) {
            String bootstrap = broker.bootstrap();
            long fdStart = broker.openFileDescriptors();
            long filesStart = countFiles(dataDir);
            List<String> names = new ArrayList<>(TOPICS);
            for (int i = 0; i < TOPICS; i++) {
                names.add(String.format("many-%05d", i));
            }

            long t0 = System.nanoTime();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "120000",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000"))) {
                for (int from = 0; from < TOPICS; from += CREATE_BATCH) {
                    List<NewTopic> batch = new ArrayList<>();
                    for (String name : names.subList(from, Math.min(TOPICS, from + CREATE_BATCH))) {
                        batch.add(new NewTopic(name, 1, (short) 1));
                    }
                    admin.createTopics(batch).all().get(120, TimeUnit.SECONDS);
                }
                long createMs = millisSince(t0);
                assertThat(admin.listTopics().names().get(120, TimeUnit.SECONDS)).hasSize(TOPICS);
                System.out.printf("created %d topics in batches of %d: %d ms (%.0f topics/s); broker fds %d -> %d%n",
                        TOPICS, CREATE_BATCH, createMs, TOPICS * 1000.0 / Math.max(1, createMs), fdStart,
                        broker.openFileDescriptors());
            }

            long t1 = System.nanoTime();
            produceOneRecordToEach(bootstrap, names);
            long produceMs = millisSince(t1);
            System.out.printf("produced 1 record to each of %d topics with %d producers x %d sending threads: %d ms "
                            + "(%.0f records/s); broker fds %d%n", TOPICS, PRODUCERS, THREADS_PER_PRODUCER, produceMs,
                    TOPICS * 1000.0 / Math.max(1, produceMs),
                    broker.openFileDescriptors());

            long t2 = System.nanoTime();
            readBackEach(bootstrap, names);
            long consumeMs = millisSince(t2);
            long fdEnd = broker.openFileDescriptors();
            long filesEnd = countFiles(dataDir);
            System.out.printf("read back %d records (one consumer, all partitions assigned): %d ms%n", TOPICS, consumeMs);
            System.out.printf("broker open fds: %d at start, %d at end (+%d); files in data dir: %d -> %d; total %d ms%n",
                    fdStart, fdEnd, fdEnd - fdStart, filesStart, filesEnd, millisSince(t0));

            assertThat(fdEnd - fdStart).as("growth of the broker's open file descriptors with %d topics", TOPICS)
                    .isLessThan(MAX_FD_GROWTH);
            assertThat(filesEnd - filesStart).as("new files in the data directory for %d topics", TOPICS)
                    .isLessThan(MAX_FD_GROWTH);
            assertThat(broker.isAlive()).isTrue();
        } finally {
            TempDirs.deleteQuietly(dataDir);
        }
    }

    /**
     * The Java producer's sender thread walks every partition it has a queue for on each of its loops, and a
     * new topic wakes it up for metadata, so one producer for 30,000 topics spends its time in
     * RecordAccumulator (client CPU, quadratic in the topic count) while the broker idles. Splitting the
     * topics over several producers, each fed by several threads so metadata waits overlap, is the fastest
     * correct way found (see the class comment for numbers).
     */
    private static void produceOneRecordToEach(String bootstrap, List<String> names) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        // One record per partition: small batches, so thousands of open batches fit the buffer.
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, "512");
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L << 20));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "120000");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "240000");
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000");
        // Metadata refreshes are spaced by retry.backoff.ms (100 ms by default).
        config.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "10");
        // Per-topic client metrics (JMX beans, telemetry) cost the client more than the broker's work here.
        config.put(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG, "");
        config.put(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, "false");
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger acked = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(names.size());
        List<KafkaProducer<byte[], byte[]>> producers = new ArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(PRODUCERS * THREADS_PER_PRODUCER);
        try {
            for (int p = 0; p < PRODUCERS; p++) {
                producers.add(new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()));
            }
            List<Future<?>> tasks = new ArrayList<>();
            int lanes = PRODUCERS * THREADS_PER_PRODUCER;
            for (int lane = 0; lane < lanes; lane++) {
                int first = lane;
                KafkaProducer<byte[], byte[]> producer = producers.get(lane % PRODUCERS);
                tasks.add(senders.submit(() -> {
                    for (int i = first; i < names.size(); i += lanes) {
                        String name = names.get(i);
                        producer.send(new ProducerRecord<>(name, 0, name.getBytes(UTF_8), ("value-of-" + name).getBytes(UTF_8)),
                                (md, e) -> {
                                    if (e != null) {
                                        failures.add(name + ": " + e);
                                    } else if (md.offset() != 0) {
                                        failures.add(name + ": offset " + md.offset());
                                    } else {
                                        acked.incrementAndGet();
                                    }
                                    done.countDown();
                                });
                    }
                }));
            }
            for (Future<?> task : tasks) {
                task.get(5, TimeUnit.MINUTES);
            }
            for (KafkaProducer<byte[], byte[]> producer : producers) {
                producer.flush();
            }
            assertThat(done.await(5, TimeUnit.MINUTES)).as("all sends completed").isTrue();
        } finally {
            senders.shutdownNow();
            for (KafkaProducer<byte[], byte[]> producer : producers) {
                producer.close(Duration.ofSeconds(30));
            }
        }
        assertThat(failures).as("failed sends").isEmpty();
        assertThat(acked.get()).isEqualTo(names.size());
    }

    private static void readBackEach(String bootstrap, List<String> names) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        config.put(ConsumerConfig.METRIC_REPORTER_CLASSES_CONFIG, "");
        config.put(ConsumerConfig.ENABLE_METRICS_PUSH_CONFIG, "false");
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "120000");
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>(names.size());
            for (String name : names) {
                tps.add(new TopicPartition(name, 0));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<String, String> seen = new HashMap<>();
            List<String> unexpected = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            while (seen.size() < names.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    // plain checks in this loop: 30,000 AssertJ descriptions cost seconds
                    if (r.offset() != 0 || seen.put(r.topic(), new String(r.value(), UTF_8)) != null) {
                        unexpected.add(r.topic() + "@" + r.offset());
                    }
                }
            }
            assertThat(unexpected).as("records beyond the one produced to each topic").isEmpty();
            assertThat(seen).as("topics read back").hasSize(names.size());
            List<String> wrong = new ArrayList<>();
            for (String name : names) {
                if (!("value-of-" + name).equals(seen.get(name))) {
                    wrong.add(name + "=" + seen.get(name));
                }
            }
            assertThat(wrong).as("topics whose record has the wrong value").isEmpty();
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
        }
    }

    private static long countFiles(Path dir) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}

package io.spillway.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Many topics: create {@code n} single-partition topics (CreateTopics, {@value #CHUNK} per request), produce one
 * record to each, then read each record back, timing each phase, and report the broker's resident memory. Produce
 * and consume split the topics into chunks ({@value #PRODUCER_CHUNK} and {@value #CHUNK} topics) handled by
 * {@value #THREADS} threads with one client per chunk, so that no client holds metadata for all topics.
 *
 * <p>The run stops early, and says where, when the broker process dies, a request fails, or the time bound passes.
 */
final class ManyTopics {

    static final int CHUNK = 1000;
    /**
     * Topics per producer. The producer rebuilds its whole metadata view (every topic it knows) on each update and
     * learns new topics one update at a time, so its client-side cost grows with the square of this number.
     */
    static final int PRODUCER_CHUNK = 100;
    static final int THREADS = 4;

    /** What happened. {@code failure} is null when all three phases completed. Seconds are -1 for phases not done. */
    record Result(int requested, int created, long produced, long consumed, double createSeconds, double produceSeconds,
                  double consumeSeconds, long rssBytes, long peakRssBytes, long openFiles, Lookups lookups,
                  double restartSeconds, long rssAfterRestartBytes, String failure) {
        boolean complete() {
            return failure == null;
        }

        String summary() {
            return String.format(Locale.ROOT, "many topics (%,d): created %,d in %.1f s, produced %,d in %.1f s, consumed %,d in "
                            + "%.1f s; broker RSS %.0f MiB (peak %.0f MiB), %d open files%s%s%s", requested, created, createSeconds,
                    produced, produceSeconds, consumed, consumeSeconds, rssBytes / 1048576.0, peakRssBytes / 1048576.0,
                    openFiles, lookups == null ? "" : "; " + lookups.summary(),
                    restartSeconds < 0 ? "" : String.format(Locale.ROOT, "; serving again %.1f s after kill -9 (then RSS %.0f MiB)",
                            restartSeconds, rssAfterRestartBytes / 1048576.0),
                    failure == null ? "" : "; stopped: " + failure);
        }
    }

    /**
     * Lookups with every topic in place: the median time of describing {@value #DESCRIBED} named topics (as a client's
     * metadata update for the topics it uses), and the time to list all topics; both with {@link RawLookups}.
     */
    record Lookups(double describeMedianMs, double listAllSeconds, long listed) {
        String summary() {
            return String.format(Locale.ROOT, "Metadata for %d topics %.2f ms (median of %d), all %,d topics listed in %.1f s",
                    DESCRIBED, describeMedianMs, LOOKUPS, listed, listAllSeconds);
        }
    }

    static final int DESCRIBED = 3;
    static final int LOOKUPS = 200;

    private ManyTopics() {
    }

    static String topicName(String prefix, int i) {
        return prefix + i;
    }

    static Result run(Target target, String prefix, int n, Duration timeBound, PrintStream progress)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeBound.toNanos();
        long pid = target.pid().orElse(-1);
        String bootstrap = target.bootstrap();
        // 1. create
        int created = 0;
        String failure = null;
        long t0 = System.nanoTime();
        long lastReport = t0;
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        ap.put(AdminClientConfig.CLIENT_ID_CONFIG, "spillway-bench-many-topics");
        ap.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000");
        ap.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "120000");
        try (Admin admin = Admin.create(ap)) {
            for (int from = 0; from < n && failure == null; from += CHUNK) {
                failure = checkAlive(target, deadline, timeBound, created + " topics created");
                if (failure != null) {
                    break;
                }
                List<NewTopic> batch = new ArrayList<>();
                for (int i = from; i < Math.min(n, from + CHUNK); i++) {
                    batch.add(new NewTopic(topicName(prefix, i), Optional.of(1), Optional.empty()));
                }
                var result = admin.createTopics(batch);
                for (var e : result.values().entrySet()) {
                    try {
                        e.getValue().get(150, TimeUnit.SECONDS);
                        created++;
                    } catch (ExecutionException ex) {
                        if (ex.getCause() instanceof TopicExistsException) {
                            created++;
                        } else if (failure == null) {
                            failure = "CreateTopics failed after " + created + " topics: " + ex.getCause();
                        }
                    } catch (java.util.concurrent.TimeoutException ex) {
                        failure = "CreateTopics timed out after " + created + " topics";
                        break;
                    }
                }
                long now = System.nanoTime();
                if (progress != null && now - lastReport > TimeUnit.SECONDS.toNanos(10)) {
                    progress.printf(Locale.ROOT, "  many topics: %,d of %,d created (%.0f s)%n", created, n, (now - t0) / 1e9);
                    lastReport = now;
                }
            }
        }
        double createSeconds = (System.nanoTime() - t0) / 1e9;
        if (failure == null) {
            failure = checkAlive(target, deadline, timeBound, created + " topics created");
        }
        if (failure != null) {
            return new Result(n, created, 0, 0, createSeconds, -1, -1, ProcStats.rssBytes(pid), ProcStats.peakRssBytes(pid),
                    ProcStats.openFiles(pid), null, -1, -1, explain(target, failure));
        }

        // 2. produce one record per topic
        long t1 = System.nanoTime();
        AtomicLong acked = new AtomicLong();
        AtomicReference<String> error = new AtomicReference<>();
        runChunks(n, PRODUCER_CHUNK, target, deadline, timeBound, error, acked, progress, "produced", (from, to) -> {
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            pp.put(ProducerConfig.CLIENT_ID_CONFIG, "spillway-bench-many-topics-producer");
            pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            pp.put(ProducerConfig.ACKS_CONFIG, "all");
            pp.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "120000");
            pp.put(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, "false");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp)) {
                // Learn every topic's leader first: send() blocks on metadata for a topic it has not seen, and
                // the metadata request then queues behind up to 5 in-flight produce requests, so interleaving
                // the two would time the client's queueing rather than the broker.
                for (int i = from; i < to && error.get() == null; i++) {
                    producer.partitionsFor(topicName(prefix, i));
                }
                for (int i = from; i < to && error.get() == null; i++) {
                    producer.send(new ProducerRecord<>(topicName(prefix, i), ("record of topic " + i).getBytes(
                            java.nio.charset.StandardCharsets.UTF_8)), (md, e) -> {
                                if (e == null) {
                                    acked.incrementAndGet();
                                } else {
                                    error.compareAndSet(null, "produce failed: " + e);
                                }
                            });
                }
                producer.flush();
            }
        });
        double produceSeconds = (System.nanoTime() - t1) / 1e9;
        failure = error.get() != null ? error.get() : checkAlive(target, deadline, timeBound, acked.get() + " records produced");
        if (failure == null && acked.get() != n) {
            failure = "only " + acked.get() + " of " + n + " records were acknowledged";
        }
        if (failure != null) {
            return new Result(n, created, acked.get(), 0, createSeconds, produceSeconds, -1, ProcStats.rssBytes(pid),
                    ProcStats.peakRssBytes(pid), ProcStats.openFiles(pid), null, -1, -1, explain(target, failure));
        }

        // 3. consume: every topic's record, read back from the beginning, one consumer per chunk (a consumer
        //    re-assigned chunk after chunk keeps per-partition metric state and ran a 2 GiB client heap out)
        long t2 = System.nanoTime();
        AtomicLong consumed = new AtomicLong();
        runChunks(n, CHUNK, target, deadline, timeBound, error, consumed, progress, "consumed", (from, to) -> {
            Properties cp = BenchConsumers.properties(bootstrap, "spillway-bench-many-topics-consumer");
            cp.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "120000");
            cp.put(ConsumerConfig.ENABLE_METRICS_PUSH_CONFIG, "false");
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp)) {
                List<TopicPartition> tps = new ArrayList<>();
                for (int i = from; i < to; i++) {
                    tps.add(new TopicPartition(topicName(prefix, i), 0));
                }
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                Set<TopicPartition> missing = new HashSet<>(tps);
                long idleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!missing.isEmpty() && error.get() == null) {
                    var records = consumer.poll(Duration.ofMillis(200));
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        if (missing.remove(new TopicPartition(r.topic(), r.partition()))) {
                            consumed.incrementAndGet();
                        }
                    }
                    if (!records.isEmpty()) {
                        idleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    } else if (System.nanoTime() > idleDeadline) {
                        error.compareAndSet(null, "no record from " + missing.size() + " topics for 120 s, e.g. "
                                + missing.iterator().next());
                    }
                }
            }
        });
        double consumeSeconds = (System.nanoTime() - t2) / 1e9;
        failure = error.get() != null ? error.get() : checkAlive(target, deadline, timeBound, consumed.get() + " records consumed");
        if (failure == null && consumed.get() != n) {
            failure = "only " + consumed.get() + " of " + n + " records were read back";
        }
        long rss = ProcStats.rssBytes(pid);
        long peakRss = ProcStats.peakRssBytes(pid);
        long openFiles = ProcStats.openFiles(pid);
        if (failure != null) {
            return new Result(n, created, acked.get(), consumed.get(), createSeconds, produceSeconds, consumeSeconds,
                    rss, peakRss, openFiles, null, -1, -1, explain(target, failure));
        }

        // 4. lookups with every topic in place
        Lookups lookups = null;
        try {
            lookups = lookups(bootstrap, prefix, n);
        } catch (Exception e) {
            failure = "lookups failed: " + e;
        }

        // 5. kill -9 and start again: how long until a record of a topic can be read again
        double restartSeconds = -1;
        long rssAfterRestart = -1;
        if (failure == null && target instanceof CrashRestartable crashable) {
            if (progress != null) {
                progress.printf(Locale.ROOT, "  many topics: kill -9 and restart%n");
            }
            crashable.kill9();
            long t3 = System.nanoTime();
            try {
                crashable.restart();
                readOne(target.bootstrap(), topicName(prefix, n / 2));
                restartSeconds = (System.nanoTime() - t3) / 1e9;
                long after = target.pid().orElse(-1);
                openFiles = ProcStats.openFiles(after);
                rssAfterRestart = ProcStats.rssBytes(after);
            } catch (Exception e) {
                failure = "restart after kill -9 failed: " + e;
            }
        }
        return new Result(n, created, acked.get(), consumed.get(), createSeconds, produceSeconds, consumeSeconds,
                rss, peakRss, openFiles, lookups, restartSeconds, rssAfterRestart, explain(target, failure));
    }

    private static Lookups lookups(String bootstrap, String prefix, int n) throws Exception {
        try (RawLookups raw = new RawLookups(bootstrap)) {
            java.util.Random random = new java.util.Random(42);
            long[] nanos = new long[LOOKUPS];
            for (int i = -50; i < LOOKUPS; i++) { // 50 untimed, to warm up
                List<String> names = new ArrayList<>();
                for (int k = 0; k < DESCRIBED; k++) {
                    names.add(topicName(prefix, random.nextInt(n)));
                }
                long t = raw.metadataNanos(names);
                if (i >= 0) {
                    nanos[i] = t;
                }
            }
            java.util.Arrays.sort(nanos);
            long t = System.nanoTime();
            long listed = raw.countAll();
            return new Lookups(nanos[LOOKUPS / 2] / 1e6, (System.nanoTime() - t) / 1e9, listed);
        }
    }

    /** Reads the record of one topic, retrying while the broker comes back (at most 120 s). */
    private static void readOne(String bootstrap, String topic) {
        Properties cp = BenchConsumers.properties(bootstrap, "spillway-bench-many-topics-restart");
        cp.put(ConsumerConfig.ENABLE_METRICS_PUSH_CONFIG, "false");
        cp.put(ConsumerConfig.RECONNECT_BACKOFF_MS_CONFIG, "10");
        cp.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "50");
        cp.put(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG, "10");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (consumer.poll(Duration.ofMillis(20)).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no record of " + topic + " 120 s after the restart");
                }
            }
        }
    }

    private interface ChunkTask {
        void run(int from, int to) throws Exception;
    }

    /** Runs {@code task} over [0, n) in chunks on {@value #THREADS} threads until done, an error, or the deadline. */
    private static void runChunks(int n, int chunk, Target target, long deadline, Duration timeBound,
                                  AtomicReference<String> error, AtomicLong done, PrintStream progress, String verb,
                                  ChunkTask task)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread th = new Thread(() -> {
                while (error.get() == null) {
                    int from = next.getAndAdd(chunk);
                    if (from >= n) {
                        return;
                    }
                    String dead = checkAlive(target, deadline, timeBound, done.get() + " records " + verb);
                    if (dead != null) {
                        error.compareAndSet(null, dead);
                        return;
                    }
                    try {
                        task.run(from, Math.min(n, from + chunk));
                    } catch (Exception | LinkageError e) {
                        error.compareAndSet(null, verb + " failed at topic " + from + ": " + e);
                    }
                }
            }, "many-topics-" + verb + "-" + t);
            th.setDaemon(true);
            threads.add(th);
            th.start();
        }
        long start = System.nanoTime();
        long last = start;
        for (Thread th : threads) {
            while (th.isAlive()) {
                th.join(500);
                long now = System.nanoTime();
                if (progress != null && now - last > TimeUnit.SECONDS.toNanos(10)) {
                    progress.printf(Locale.ROOT, "  many topics: %,d of %,d %s (%.0f s)%n", done.get(), n, verb,
                            (now - start) / 1e9);
                    last = now;
                }
            }
        }
    }

    /** Null while the broker runs and time is left; otherwise what stopped the run. */
    private static String checkAlive(Target target, long deadline, Duration timeBound, String sofar) {
        if (!Contender.isAlive(target)) {
            String why = target instanceof KafkaTarget k ? lastError(k.tail(400)) : "";
            return "broker process exited after " + sofar + (why.isEmpty() ? "" : ": " + why);
        }
        if (System.nanoTime() > deadline) {
            return "time bound of " + timeBound.toMinutes() + " min reached after " + sofar;
        }
        return null;
    }

    /**
     * Adds the broker's own first error to a failure seen by the clients (a timeout says little), for a broker
     * whose log the harness has.
     */
    static String explain(Target target, String failure) {
        if (failure == null || !(target instanceof KafkaTarget k) || failure.contains(" ERROR ")) {
            return failure;
        }
        String error = lastError(k.tail(5000));
        return error.isEmpty() ? failure : failure + "; broker log: " + error;
    }

    /** The first ERROR/FATAL line of a log tail, shortened, as the reason a broker fell over. */
    static String lastError(String tail) {
        String[] lines = tail.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.contains(" ERROR ") || line.contains(" FATAL ")) {
                String l = line.length() > 300 ? line.substring(0, 300) + "..." : line;
                // the exception usually follows on its own line (e.g. "java.io.IOException: Too many open files")
                if (i + 1 < lines.length && !lines[i + 1].startsWith("[") && !lines[i + 1].isBlank()) {
                    String cause = lines[i + 1].trim();
                    l += " / " + (cause.length() > 200 ? cause.substring(0, 200) + "..." : cause);
                }
                return l;
            }
        }
        return "";
    }
}

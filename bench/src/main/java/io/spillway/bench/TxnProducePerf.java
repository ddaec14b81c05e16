package io.spillway.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Transactional produce throughput: each of {@code producers} threads owns one transactional, idempotent
 * {@link KafkaProducer} (its own {@code transactional.id}, {@code acks=all}) and runs transactions of
 * {@code recordsPerTransaction} records back to back, committing every one.
 *
 * <p>Record {@code j} of every transaction goes to partition {@code j % partitions} (explicit round-robin,
 * not the sticky default partitioner), so each transaction of 100 records touches all 8 partitions with 12 or 13
 * records each, and its commit writes one marker into each of them. That makes the log's layout exact, which
 * {@link TxnLogCheck} verifies cheaply afterwards, and puts a marker in every partition at every commit, as a
 * Kafka Streams or Flink task that writes to all partitions of its output does.
 *
 * <p>Values are random (incompressible) bytes from {@link ProducePerf#payloadPool}, keys are null, batching is
 * that of {@link ProducePerf} ({@code batch.size=16384}, {@code linger.ms=5}). A run is either timed (a warm-up of
 * whole transactions, then all threads measure together for a duration, from the first measured
 * {@code beginTransaction} to the last {@code commitTransaction} returning) or counted (a fixed number of
 * transactions shared by the threads, no warm-up), which fills a topic of a given size.
 *
 * <p>Any failed send or commit fails the run: there are no aborted transactions, so everything written is
 * committed.
 */
final class TxnProducePerf {

    /** What to run. Mutable, with fluent setters. */
    static final class Config {
        private String topic = "txn";
        private int partitions = 8;
        private int recordSize = 1024;
        private int recordsPerTransaction = 100;
        private int producers = 1;
        private Duration warmup = Duration.ZERO;
        private Duration duration;
        private long transactions = -1;
        private String transactionalIdPrefix = "spillway-bench-txn";
        private Runnable onMeasureStart = () -> { };

        Config topic(String v) {
            this.topic = v;
            return this;
        }

        Config partitions(int v) {
            this.partitions = v;
            return this;
        }

        Config recordSize(int v) {
            this.recordSize = v;
            return this;
        }

        Config recordsPerTransaction(int v) {
            this.recordsPerTransaction = v;
            return this;
        }

        Config producers(int v) {
            this.producers = v;
            return this;
        }

        /** Transactions before the measured phase, not counted (timed runs only). */
        Config warmup(Duration v) {
            this.warmup = v;
            return this;
        }

        /** Measure for this long (a timed run). */
        Config duration(Duration v) {
            this.duration = v;
            this.transactions = -1;
            return this;
        }

        /** Run exactly this many transactions in total, no warm-up (a counted run). */
        Config transactions(long v) {
            this.transactions = v;
            this.duration = null;
            return this;
        }

        /** Producer {@code i} uses {@code prefix-i}; give every run its own prefix. */
        Config transactionalIdPrefix(String v) {
            this.transactionalIdPrefix = v;
            return this;
        }

        /** Called once when the measured phase starts (after the warm-up), e.g. to take a CPU reading. */
        Config onMeasureStart(Runnable v) {
            this.onMeasureStart = v;
            return this;
        }

        String topic() {
            return topic;
        }

        int partitions() {
            return partitions;
        }

        int recordSize() {
            return recordSize;
        }

        int recordsPerTransaction() {
            return recordsPerTransaction;
        }

        void validate() {
            if (partitions < 1 || recordSize < 1 || recordsPerTransaction < 1 || producers < 1) {
                throw new IllegalArgumentException("partitions, record size, records per transaction and producers must be >= 1");
            }
            if (duration == null ? transactions < 1 : duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("a transactional run needs a positive duration or transaction count");
            }
        }
    }

    /**
     * Outcome of a run; every transaction counted here was committed.
     *
     * @param transactions       measured transactions
     * @param records            their records
     * @param bytes              value bytes of those records
     * @param elapsedNanos       first measured begin to last measured commit returning
     * @param warmupTransactions committed before measuring, not counted in the rates
     * @param recordsPerTransaction records in every transaction
     * @param commitLatency      time spent in {@code commitTransaction()} (flushing the batches, then EndTxn), measured
     * @param retriedRecords     the producers' {@code record-retry-total}, warm-up included: record sends repeated after
     *                           a retriable error such as CONCURRENT_TRANSACTIONS (the previous transaction's markers
     *                           were still being written), each after {@code retry.backoff.ms}
     */
    record Result(long transactions, long records, long bytes, long elapsedNanos, long warmupTransactions,
                  int recordsPerTransaction, LatencyHistogram commitLatency, long retriedRecords) {

        double seconds() {
            return elapsedNanos / 1e9;
        }

        double mibPerSec() {
            return elapsedNanos <= 0 ? 0 : bytes / 1048576.0 / seconds();
        }

        double transactionsPerSec() {
            return elapsedNanos <= 0 ? 0 : transactions / seconds();
        }

        /** Every committed transaction of the run, warm-up included: what is in the topic. */
        long committedTransactions() {
            return transactions + warmupTransactions;
        }

        long committedRecords() {
            return committedTransactions() * recordsPerTransaction;
        }

        String summary() {
            return String.format(Locale.ROOT, "transactional produce: %,d transactions of %d records (%,d warm-up excluded) "
                            + "in %.1f s: %,.0f transactions/s, %.1f MiB/s; commitTransaction() p50 %.1f ms, p99 %.1f ms; "
                            + "%,d retried record sends",
                    transactions, recordsPerTransaction, warmupTransactions, seconds(), transactionsPerSec(), mibPerSec(),
                    commitLatency.percentileMillis(0.50), commitLatency.percentileMillis(0.99), retriedRecords);
        }
    }

    private TxnProducePerf() {
    }

    /** Runs the workload against {@code bootstrap}; the topic is created if missing. */
    static Result run(String bootstrap, Config config) throws InterruptedException {
        config.validate();
        int partitions = ProducePerf.ensureTopic(bootstrap, config.topic, config.partitions, Map.of(), null);
        if (partitions != config.partitions) {
            throw new IllegalStateException("topic " + config.topic + " has " + partitions + " partitions, not " + config.partitions);
        }
        byte[][] payloads = ProducePerf.payloadPool(config.recordSize, 0x7A5EEDL);
        CountDownLatch warmedUp = new CountDownLatch(config.producers);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong quota = new AtomicLong(config.transactions);
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < config.producers; i++) {
            Worker w = new Worker(i, bootstrap, config, payloads, warmedUp, go, quota);
            workers.add(w);
            Thread t = new Thread(w, "txn-produce-perf-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        try {
            warmedUp.await();
            config.onMeasureStart.run();
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
        } finally {
            workers.forEach(w -> w.stop = true);
            for (Thread t : threads) {
                t.interrupt();
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
        }
        LatencyHistogram commits = new LatencyHistogram();
        long measured = 0;
        long warmup = 0;
        long firstBegin = Long.MAX_VALUE;
        long lastCommit = Long.MIN_VALUE;
        long retried = 0;
        for (Worker w : workers) {
            if (w.failure != null) {
                throw new IllegalStateException("transactional producer " + w.id + " failed after " + w.measured
                        + " measured transactions: " + w.failure, w.failure);
            }
            commits.merge(w.commitLatency);
            measured += w.measured;
            warmup += w.warmup;
            firstBegin = Math.min(firstBegin, w.firstMeasuredBegin);
            lastCommit = Math.max(lastCommit, w.lastMeasuredCommit);
            retried += w.retriedRecords;
        }
        long records = measured * config.recordsPerTransaction;
        return new Result(measured, records, records * config.recordSize, measured == 0 ? 0 : lastCommit - firstBegin,
                warmup, config.recordsPerTransaction, commits, retried);
    }

    /** One producer thread; its fields are read by {@link #run} only after the thread has ended. */
    private static final class Worker implements Runnable {
        final int id;
        final String bootstrap;
        final Config config;
        final byte[][] payloads;
        final CountDownLatch warmedUp;
        final CountDownLatch go;
        final AtomicLong quota;
        final LatencyHistogram commitLatency = new LatencyHistogram();
        volatile boolean stop;
        long warmup;
        long measured;
        long firstMeasuredBegin = Long.MAX_VALUE;
        long lastMeasuredCommit = Long.MIN_VALUE;
        long retriedRecords;
        Throwable failure;
        private long next;

        Worker(int id, String bootstrap, Config config, byte[][] payloads, CountDownLatch warmedUp, CountDownLatch go,
               AtomicLong quota) {
            this.id = id;
            this.bootstrap = bootstrap;
            this.config = config;
            this.payloads = payloads;
            this.warmedUp = warmedUp;
            this.go = go;
            this.quota = quota;
            this.next = (long) id * (payloads.length / Math.max(1, config.producers));
        }

        @Override
        public void run() {
            boolean counted = false;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties())) {
                producer.initTransactions();
                if (config.duration != null) {
                    long warmupEnd = System.nanoTime() + config.warmup.toNanos();
                    while (!stop && System.nanoTime() - warmupEnd < 0) {
                        transaction(producer, false);
                        warmup++;
                    }
                }
                warmedUp.countDown();
                counted = true;
                go.await();
                long start = System.nanoTime();
                firstMeasuredBegin = start;
                boolean timed = config.duration != null;
                long deadline = timed ? start + config.duration.toNanos() : 0;
                while (!stop && (timed ? System.nanoTime() - deadline < 0 : quota.getAndDecrement() > 0)) {
                    transaction(producer, true);
                    measured++;
                    lastMeasuredCommit = System.nanoTime();
                }
                retriedRecords = (long) metric(producer, "record-retry-total");
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

        /** Begins, sends one record to each partition in turn, commits; a failed send makes the commit throw. */
        private void transaction(KafkaProducer<byte[], byte[]> producer, boolean measuredTransaction) {
            producer.beginTransaction();
            for (int j = 0; j < config.recordsPerTransaction; j++) {
                producer.send(new ProducerRecord<>(config.topic, j % config.partitions, null, payloads[(int) (next++ % payloads.length)]));
            }
            long commitStart = System.nanoTime();
            producer.commitTransaction();
            if (measuredTransaction) {
                commitLatency.record((System.nanoTime() - commitStart) / 1000);
            }
        }

        private static double metric(KafkaProducer<byte[], byte[]> producer, String name) {
            for (Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
                if ("producer-metrics".equals(e.getKey().group()) && name.equals(e.getKey().name())
                        && e.getValue().metricValue() instanceof Double d && !d.isNaN()) {
                    return d;
                }
            }
            return 0;
        }

        private Properties properties() {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.CLIENT_ID_CONFIG, "spillway-bench-txn-producer-" + id);
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalIdPrefix + "-" + id);
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(ProducePerf.DEFAULT_BATCH_SIZE));
            p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(ProducePerf.DEFAULT_LINGER_MS));
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            return p;
        }
    }
}

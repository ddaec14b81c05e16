package io.spillway.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produce → consume latency at a fixed offered rate: one producer sends records stamped with
 * {@link System#nanoTime()} at {@code rate} records/s, one consumer in the same JVM (same clock) tails the topic
 * and records, for every record, the time from before {@code send()} to its arrival from {@code poll()}.
 */
final class EndToEndLatency {

    /** Settings of one run. */
    record Config(String topic, int partitions, int recordSize, double rate, Duration warmup, Duration duration) {
    }

    /** Latencies of the measured records (after the warm-up), and how many were sent/received in all. */
    record Result(LatencyHistogram latency, long sent, long received, long errors) {
        String summary() {
            return String.format(Locale.ROOT, "end-to-end: %,d records measured, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, "
                            + "max %.1f ms (%,d sent, %,d received, %d errors)", latency.count(), latency.percentileMillis(0.50),
                    latency.percentileMillis(0.99), latency.percentileMillis(0.999), latency.maxMicros() / 1000.0, sent,
                    received, errors);
        }
    }

    /** Producer settings: those of the throughput workload, but no linger, so latency is not padded by batching waits. */
    static final Map<String, String> PRODUCER = Map.of(ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true", ProducerConfig.LINGER_MS_CONFIG, "0",
            ProducerConfig.BATCH_SIZE_CONFIG, "16384");

    private EndToEndLatency() {
    }

    static Result run(String bootstrap, Config c) throws InterruptedException {
        ProducePerf.ensureTopic(bootstrap, c.topic(), c.partitions(), Map.of(), null);
        LatencyHistogram histogram = new LatencyHistogram();
        AtomicLong received = new AtomicLong();
        AtomicReference<Throwable> consumerFailure = new AtomicReference<>();
        long runStart = System.nanoTime();
        long measureFrom = runStart + c.warmup().toNanos();
        long end = measureFrom + c.duration().toNanos();
        Properties cp = BenchConsumers.properties(bootstrap, "spillway-bench-e2e-consumer");
        AtomicLong sent = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        java.util.concurrent.CountDownLatch consumerReady = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean producerDone = new java.util.concurrent.atomic.AtomicBoolean();
        Thread consumerThread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp)) {
                BenchConsumers.assignAtEnd(consumer, c.topic()); // before the producer starts
                consumerReady.countDown();
                long idleSince = System.nanoTime();
                while (true) {
                    var records = consumer.poll(Duration.ofMillis(100));
                    long now = System.nanoTime();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        long sentAt = ByteBuffer.wrap(r.value()).getLong();
                        if (sentAt >= measureFrom && sentAt < end) {
                            histogram.record((now - sentAt) / 1000);
                        }
                        received.incrementAndGet();
                    }
                    if (!records.isEmpty()) {
                        idleSince = now;
                    }
                    if (producerDone.get() && (received.get() >= sent.get() - errors.get()
                            || now - idleSince > TimeUnit.SECONDS.toNanos(30))) {
                        return;
                    }
                }
            } catch (Throwable t) {
                consumerFailure.set(t);
                consumerReady.countDown();
            }
        }, "e2e-consumer");
        consumerThread.setDaemon(true);
        consumerThread.start();
        consumerReady.await();
        if (consumerFailure.get() != null) {
            throw new IllegalStateException("end-to-end consumer failed: " + consumerFailure.get(), consumerFailure.get());
        }

        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.CLIENT_ID_CONFIG, "spillway-bench-e2e-producer");
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        pp.putAll(PRODUCER);
        SplittableRandom random = new SplittableRandom(42);
        byte[] filler = new byte[c.recordSize()];
        random.nextBytes(filler);
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp)) {
            for (long i = 0; ; i++) {
                long due = start + (long) (i * 1e9 / c.rate());
                long now = System.nanoTime();
                if (now >= end) {
                    break;
                }
                if (due > now) {
                    long wait = due - now;
                    if (wait > 200_000) {
                        TimeUnit.NANOSECONDS.sleep(wait - 100_000);
                    }
                    while (System.nanoTime() < due) {
                        Thread.onSpinWait();
                    }
                }
                byte[] value = filler.clone();
                ByteBuffer.wrap(value).putLong(System.nanoTime());
                producer.send(new ProducerRecord<>(c.topic(), value), (md, e) -> {
                    if (e != null) {
                        errors.incrementAndGet();
                    }
                });
                sent.incrementAndGet();
            }
            producer.flush();
        } finally {
            producerDone.set(true);
        }
        consumerThread.join(TimeUnit.SECONDS.toMillis(60));
        if (consumerFailure.get() != null) {
            throw new IllegalStateException("end-to-end consumer failed: " + consumerFailure.get(), consumerFailure.get());
        }
        return new Result(histogram, sent.get(), received.get(), errors.get());
    }
}

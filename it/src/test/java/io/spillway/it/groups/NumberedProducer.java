package io.spillway.it.groups;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Writes numbered records ("v-0", "v-1", ...) round-robin over a topic's partitions from its own thread
 * at a steady pace until stopped, and remembers where each acknowledged record landed. Thread safe.
 */
final class NumberedProducer implements AutoCloseable {

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final int partitions;
    private final int recordsPerTick;
    private final Thread thread;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicReference<Throwable> error = new AtomicReference<>();
    /** partition -> offset -> value of every acknowledged record. */
    private final Map<TopicPartition, Map<Long, String>> acked = new ConcurrentHashMap<>();

    /** Sends {@code recordsPerTick} records every 10 ms. */
    NumberedProducer(KafkaProducer<String, String> producer, String topic, int partitions, int recordsPerTick) {
        this.producer = producer;
        this.topic = topic;
        this.partitions = partitions;
        this.recordsPerTick = recordsPerTick;
        this.thread = new Thread(this::run, "numbered-producer-" + topic);
        this.thread.setDaemon(true);
    }

    NumberedProducer start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            for (int seq = 0; !stop.get(); seq++) {
                int partition = seq % partitions;
                String value = "v-" + seq;
                producer.send(new ProducerRecord<>(topic, partition, "k-" + seq, value), (md, e) -> {
                    if (e == null) {
                        acked.computeIfAbsent(new TopicPartition(md.topic(), md.partition()), k -> new ConcurrentHashMap<>())
                                .put(md.offset(), value);
                    } else {
                        failed.incrementAndGet();
                    }
                });
                sent.incrementAndGet();
                if (seq % recordsPerTick == recordsPerTick - 1) {
                    TimeUnit.MILLISECONDS.sleep(10);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            error.set(t);
        }
    }

    /** Stops sending and waits until every sent record is acknowledged or failed. */
    void stopAndFlush() throws InterruptedException {
        stop.set(true);
        thread.join(TimeUnit.SECONDS.toMillis(30));
        producer.flush();
        if (error.get() != null) {
            throw new AssertionError("producer thread failed", error.get());
        }
    }

    int sent() {
        return sent.get();
    }

    int failed() {
        return failed.get();
    }

    int ackedCount() {
        return acked.values().stream().mapToInt(Map::size).sum();
    }

    Map<TopicPartition, Map<Long, String>> acked() {
        return acked;
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}

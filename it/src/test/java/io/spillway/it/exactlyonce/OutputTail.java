package io.spillway.it.exactlyonce;

import io.spillway.it.groups.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the app's output topic from the beginning, without a group, at one isolation level, and collects
 * every output record per sensor in offset order (one sensor's outputs all live in one partition). Owned
 * by one thread (a {@link KafkaConsumer} inside).
 */
final class OutputTail implements AutoCloseable {

    private final KafkaConsumer<String, SensorTotals> consumer;
    private final IsolationLevel isolationLevel;
    private final SortedMap<String, List<SensorTotals>> outputsBySensor = new TreeMap<>();
    private long records;

    OutputTail(String bootstrap, String topic, IsolationLevel isolationLevel) {
        this.isolationLevel = isolationLevel;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel.name().toLowerCase(Locale.ROOT),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100"),
                new StringDeserializer(), SensorTotals.serde().deserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(30))
                .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** One fetch round (waits up to 100 ms for new records). */
    void poll() {
        for (ConsumerRecord<String, SensorTotals> r : consumer.poll(Duration.ofMillis(100))) {
            outputsBySensor.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
            records++;
        }
    }

    /**
     * Polls until this tail has read up to the end of every partition: the high watermark for
     * read_uncommitted, the last stable offset for read_committed (so call it when no transaction is open).
     */
    void readToEnd(Duration timeout) throws InterruptedException {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(30));
        Await.until(isolationLevel + " output to be read up to " + end, timeout, () -> {
            poll();
            return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
        }, () -> records + " records read");
    }

    /** True once every sensor's latest output has at least its expected final count. */
    boolean reachedFinalCounts(Map<String, Long> finalCounts) {
        return finalCounts.entrySet().stream().allMatch(e -> {
            List<SensorTotals> outputs = outputsBySensor.get(e.getKey());
            return outputs != null && outputs.get(outputs.size() - 1).count() >= e.getValue();
        });
    }

    /** How many sensors have not yet reached their expected final count (for progress messages). */
    long sensorsBehind(Map<String, Long> finalCounts) {
        return finalCounts.entrySet().stream().filter(e -> {
            List<SensorTotals> outputs = outputsBySensor.get(e.getKey());
            return outputs == null || outputs.get(outputs.size() - 1).count() < e.getValue();
        }).count();
    }

    /** sensor -> its output records in offset order. */
    SortedMap<String, List<SensorTotals>> outputsBySensor() {
        return outputsBySensor;
    }

    long records() {
        return records;
    }

    @Override
    public void close() {
        consumer.close();
    }
}

package io.spillway.it.exactlyonce;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The known input of the test: readings of a number of sensors spread over sites, in a seeded random
 * order. Each sensor's readings are numbered 1, 2, 3, ... and all of them have the sensor's site as record
 * key, so they land in one input partition in that order. Immutable.
 */
final class SensorInput {

    private final List<SensorReading> readings;
    private final int sites;
    /** sensor -> how many readings it has (its last sequence number). */
    private final SortedMap<String, Long> readingsPerSensor;

    private SensorInput(List<SensorReading> readings, int sites, SortedMap<String, Long> readingsPerSensor) {
        this.readings = readings;
        this.sites = sites;
        this.readingsPerSensor = readingsPerSensor;
    }

    /** {@code events} readings, each of a sensor drawn at random from {@code sensors}, over {@code sites} sites. */
    static SensorInput generate(long seed, int events, int sensors, int sites) {
        SplittableRandom random = new SplittableRandom(seed);
        List<SensorReading> readings = new ArrayList<>(events);
        SortedMap<String, Long> counts = new TreeMap<>();
        for (int i = 0; i < events; i++) {
            String sensor = String.format("sensor-%04d", random.nextInt(sensors));
            readings.add(new SensorReading(sensor, counts.merge(sensor, 1L, Long::sum)));
        }
        return new SensorInput(Collections.unmodifiableList(readings), sites, Collections.unmodifiableSortedMap(counts));
    }

    private String siteOf(String sensor) {
        return String.format("site-%03d", Integer.parseInt(sensor.substring("sensor-".length())) % sites);
    }

    int events() {
        return readings.size();
    }

    /** sensor -> its number of readings, which is also its final {@link SensorTotals#count()}. */
    SortedMap<String, Long> readingsPerSensor() {
        return readingsPerSensor;
    }

    /**
     * Writes the readings to {@code topic} with an idempotent producer (acks=all), in the generated order;
     * fails unless every one of them is acknowledged.
     */
    void produce(String bootstrap, String topic) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        AtomicInteger acked = new AtomicInteger();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (SensorReading reading : readings) {
                producer.send(new ProducerRecord<>(topic, siteOf(reading.sensor()), reading.encode()), (metadata, e) -> {
                    if (e == null) {
                        acked.incrementAndGet();
                    } else {
                        firstFailure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (firstFailure.get() != null || acked.get() != readings.size()) {
            throw new AssertionError("producing the input: " + acked.get() + " of " + readings.size()
                    + " readings acknowledged", firstFailure.get());
        }
    }
}

package io.spillway.it.exactlyonce;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The Kafka Streams topology under test: readings keyed by site are re-keyed by sensor (through the
 * repartition topic {@code <application.id>-}{@value #REPARTITION}{@code -repartition}, which Streams
 * purges with DeleteRecords once consumed), aggregated per sensor into {@link SensorTotals} in the
 * RocksDB store {@value #STORE} (backed by the changelog topic
 * {@code <application.id>-}{@value #STORE}{@code -changelog}), and every new aggregate is written to the
 * output topic. The store has caching disabled, so each reading produces exactly one output record.
 */
final class SensorTotalsTopology {

    /** Name of the repartition step (and of its topic, with prefix and suffix). */
    static final String REPARTITION = "by-sensor";
    /** Name of the state store (and of its changelog topic, with prefix and suffix). */
    static final String STORE = "sensor-totals";

    private SensorTotalsTopology() {
    }

    /**
     * The topology from {@code inputTopic} to {@code outputTopic}; {@code aggregated} is incremented for
     * every aggregate computed (also for those whose transaction is later aborted), to report progress.
     */
    static Topology build(String inputTopic, String outputTopic, AtomicLong aggregated) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(inputTopic, Consumed.with(Serdes.String(), Serdes.String()).withName("readings"))
                .map((site, text) -> {
                    SensorReading reading = SensorReading.decode(text);
                    return KeyValue.pair(reading.sensor(), reading.sequence());
                }, Named.as("key-by-sensor"))
                .groupByKey(Grouped.with(REPARTITION, Serdes.String(), Serdes.Long()))
                .aggregate(() -> SensorTotals.NONE,
                        (sensor, sequence, totals) -> totals.plus(sequence),
                        Named.as("add-reading"),
                        Materialized.<String, SensorTotals, KeyValueStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(SensorTotals.serde())
                                .withCachingDisabled())
                .toStream(Named.as("totals"))
                .peek((sensor, totals) -> aggregated.incrementAndGet(), Named.as("count-progress"))
                .to(outputTopic, Produced.with(Serdes.String(), SensorTotals.serde()).withName("output"));
        return builder.build();
    }
}

package io.spillway.http.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.broker.TopicTraffic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Records and bytes in (produce) and out (fetch), with bounded cardinality: totals over all topics
 * ({@code spillway_produce_records_total}, {@code spillway_produce_bytes_total}, {@code spillway_fetch_records_total},
 * {@code spillway_fetch_bytes_total}) and the same per topic ({@code spillway_topic_produce_records_total{topic}}, ...)
 * for at most {@code maxSeries} topics, the busiest ones. A broker with a million topics still has {@code maxSeries}
 * per-topic series, and this class keeps state for at most a few times {@code maxSeries} topics.
 *
 * <p>How the busiest are chosen: the first {@code maxSeries} topics that see traffic get a series at once. Traffic of
 * any other topic counts in the totals, and its bytes of the current interval (between two scrapes) are kept as a
 * candidate in a bounded table (when it overflows, the quieter half is forgotten: heavy hitters stay). At each scrape,
 * {@link #rebalance} compares the candidates' bytes of the interval with those of the topics that have series: a
 * candidate busier than the quietest series takes its place (that series disappears; Prometheus treats a series that
 * comes back as a counter reset). A promoted topic's counters start from its traffic of the interval before.
 *
 * <p>Thread contract: {@link #produced} and {@link #fetched} are called from worker and completion threads for every
 * request; for a topic with a series they add to {@link LongAdder}s without a lock, for one without they take one of
 * {@value #STRIPES} short stripe locks. {@link #rebalance} runs on the scrape thread and alone registers and removes
 * meters.
 */
public final class TopicTrafficMeters implements TopicTraffic {
    static final int STRIPES = 16;
    private static final int PRODUCED_RECORDS = 0;
    private static final int PRODUCED_BYTES = 1;
    private static final int FETCHED_RECORDS = 2;
    private static final int FETCHED_BYTES = 3;

    private final MeterRegistry registry;
    private final int maxSeries;
    private final int maxCandidatesPerStripe;
    private final Counter[] totals;
    private final ConcurrentHashMap<String, TopicCounts> tracked = new ConcurrentHashMap<>();
    /** Slots of {@link #tracked} taken or reserved: never more than maxSeries. */
    private final AtomicInteger trackedCount = new AtomicInteger();
    private final Stripe[] stripes = new Stripe[STRIPES];
    private final Object rebalanceLock = new Object();

    /** One topic with a series: what it moved since it got it, and its bytes in the current interval. */
    static final class TopicCounts {
        final String topic;
        final LongAdder[] counts = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
        final LongAdder intervalBytes = new LongAdder();
        /** Its registered meters; null until registered. Guarded by rebalanceLock. */
        List<Meter> meters;

        TopicCounts(String topic) {
            this.topic = topic;
        }

        void add(int kind, long records, long bytes) {
            counts[kind].add(records);
            counts[kind + 1].add(bytes);
            intervalBytes.add(bytes);
        }
    }

    /** Candidates' traffic this interval: topic → {produced records, produced bytes, fetched records, fetched bytes}. */
    private static final class Stripe {
        HashMap<String, long[]> traffic = new HashMap<>();
    }

    /** @param maxSeries how many topics may have series of their own (0: totals only) */
    public TopicTrafficMeters(MeterRegistry registry, int maxSeries) {
        this.registry = registry;
        this.maxSeries = maxSeries;
        this.maxCandidatesPerStripe = Math.max(64, 4 * maxSeries / STRIPES);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
        this.totals = new Counter[] {
                Counter.builder("spillway.produce.records")
                        .description("Records produced to all topics (once durable)").register(registry),
                Counter.builder("spillway.produce.bytes")
                        .description("Bytes of record batches produced to all topics (once durable)").register(registry),
                Counter.builder("spillway.fetch.records")
                        .description("Records fetched from all topics (offsets handed out from the fetch offset)")
                        .register(registry),
                Counter.builder("spillway.fetch.bytes")
                        .description("Bytes of record batches fetched from all topics").register(registry)};
        Gauge.builder("spillway.metrics.topic.series", tracked, Map::size)
                .description("Topics that have per-topic traffic series now (at most "
                        + MetricsSettings.TOPIC_SERIES_MAX + ")")
                .strongReference(true).register(registry);
    }

    @Override
    public void produced(String topic, long records, long bytes) {
        record(topic, PRODUCED_RECORDS, records, bytes);
    }

    @Override
    public void fetched(String topic, long records, long bytes) {
        record(topic, FETCHED_RECORDS, records, bytes);
    }

    private void record(String topic, int kind, long records, long bytes) {
        totals[kind].increment(records);
        totals[kind + 1].increment(bytes);
        TopicCounts counts = tracked.get(topic);
        if (counts == null && trackedCount.get() < maxSeries) {
            counts = trackIfRoom(topic, null);
        }
        if (counts != null) {
            counts.add(kind, records, bytes);
            return;
        }
        Stripe stripe = stripes[Math.floorMod(topic.hashCode(), STRIPES)];
        synchronized (stripe) {
            long[] traffic = stripe.traffic.computeIfAbsent(topic, t -> new long[4]);
            traffic[kind] += records;
            traffic[kind + 1] += bytes;
            if (stripe.traffic.size() > maxCandidatesPerStripe) {
                forgetQuieterHalf(stripe.traffic);
            }
        }
    }

    /** Gives {@code topic} a series if a slot is free (seeded with {@code seed}); returns its counts, or null. */
    private TopicCounts trackIfRoom(String topic, long[] seed) {
        TopicCounts existing = tracked.get(topic);
        if (existing != null) {
            return existing;
        }
        if (trackedCount.incrementAndGet() > maxSeries) {
            trackedCount.decrementAndGet();
            return null;
        }
        TopicCounts fresh = new TopicCounts(topic);
        seed(fresh, seed);
        TopicCounts raced = tracked.putIfAbsent(topic, fresh);
        if (raced != null) {
            trackedCount.decrementAndGet();
            seed(raced, seed);
            return raced;
        }
        return fresh;
    }

    private static void seed(TopicCounts counts, long[] seed) {
        if (seed != null) {
            for (int i = 0; i < 4; i++) {
                counts.counts[i].add(seed[i]);
            }
        }
    }

    private static void forgetQuieterHalf(HashMap<String, long[]> traffic) {
        List<Map.Entry<String, long[]>> entries = new ArrayList<>(traffic.entrySet());
        entries.sort(Comparator.comparingLong(e -> activity(e.getValue())));
        for (int i = 0; i < entries.size() / 2; i++) {
            traffic.remove(entries.get(i).getKey());
        }
    }

    private static long activity(long[] traffic) {
        return traffic[PRODUCED_BYTES] + traffic[FETCHED_BYTES];
    }

    /**
     * Before a scrape: lets the busiest candidates of the interval take the series of quieter topics, registers the
     * meters of topics that got a series and removes those of topics that lost theirs; starts a new interval.
     */
    public void rebalance() {
        synchronized (rebalanceLock) {
            Map<String, long[]> candidates = new HashMap<>();
            for (Stripe stripe : stripes) {
                HashMap<String, long[]> traffic;
                synchronized (stripe) {
                    traffic = stripe.traffic;
                    stripe.traffic = new HashMap<>();
                }
                candidates.putAll(traffic);
            }
            List<Map.Entry<String, long[]>> busiest = new ArrayList<>(candidates.entrySet());
            busiest.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> activity(e.getValue())).reversed());
            List<TopicCounts> quietest = new ArrayList<>(tracked.values());
            Map<TopicCounts, Long> interval = new HashMap<>();
            quietest.forEach(c -> interval.put(c, c.intervalBytes.sumThenReset()));
            quietest.sort(Comparator.comparingLong(interval::get));
            int next = 0;
            for (Map.Entry<String, long[]> candidate : busiest) {
                if (trackIfRoom(candidate.getKey(), candidate.getValue()) != null) {
                    continue;
                }
                if (next >= quietest.size() || interval.get(quietest.get(next)) >= activity(candidate.getValue())) {
                    break;
                }
                TopicCounts demoted = quietest.get(next++);
                tracked.remove(demoted.topic, demoted);
                unregister(demoted);
                TopicCounts promoted = new TopicCounts(candidate.getKey());
                seed(promoted, candidate.getValue());
                TopicCounts raced = tracked.putIfAbsent(promoted.topic, promoted);
                if (raced != null) {
                    seed(raced, candidate.getValue());
                    trackedCount.decrementAndGet(); // the slot freed by the demotion went to the racer
                }
            }
            for (TopicCounts counts : tracked.values()) {
                if (counts.meters == null) {
                    register(counts);
                }
            }
        }
    }

    private void register(TopicCounts c) {
        String[] names = {"spillway.topic.produce.records", "spillway.topic.produce.bytes", "spillway.topic.fetch.records",
                "spillway.topic.fetch.bytes"};
        String[] what = {"Records produced to the topic", "Bytes of record batches produced to the topic",
                "Records fetched from the topic", "Bytes of record batches fetched from the topic"};
        List<Meter> meters = new ArrayList<>(4);
        for (int i = 0; i < 4; i++) {
            LongAdder adder = c.counts[i];
            meters.add(FunctionCounter.builder(names[i], adder, LongAdder::sum).tag("topic", c.topic)
                    .description(what[i] + " since it got a series (only the busiest " + MetricsSettings.TOPIC_SERIES_MAX
                            + " topics have one)")
                    .register(registry));
        }
        c.meters = meters;
    }

    private void unregister(TopicCounts c) {
        if (c.meters != null) {
            c.meters.forEach(registry::remove);
            c.meters = null;
        }
    }

    /** Topics with a series now (tests). */
    java.util.Set<String> trackedTopics() {
        return java.util.Set.copyOf(tracked.keySet());
    }
}

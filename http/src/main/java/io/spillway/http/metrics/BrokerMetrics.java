package io.spillway.http.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spillway.broker.RequestMetrics;
import io.spillway.broker.TopicTraffic;
import io.spillway.broker.Topics;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.log.LogManager;
import io.spillway.log.PartitionLog;
import io.spillway.meta.MetadataStore;
import io.spillway.storage.SyncListener;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every metric of the broker in one Micrometer Prometheus registry (docs/metrics.md lists them): Kafka requests
 * ({@link RequestMeters}), topic traffic with bounded series ({@link TopicTrafficMeters}), the shared log and its
 * contents ({@link StorageMeters}), connections ({@link ConnectionMeters}), consumer-group lag
 * ({@link GroupLagMeters}) and the JVM (Micrometer's binders). The broker's layers are told about events through
 * their own small interfaces ({@link #requests}, {@link #topicTraffic}, {@link #walSyncs}); no layer below this one
 * imports Micrometer.
 *
 * <p>Thread contract: the recording interfaces are thread safe and lock-free or nearly; {@link #scrape} may block (it
 * waits for the group coordinator) and runs on a scrape executor, one scrape at a time.
 */
public final class BrokerMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry;
    private final MetricsSettings settings;
    private final RequestMeters requests;
    private final TopicTrafficMeters topics;
    private final StorageMeters storage;
    private final JvmGcMetrics gc;
    private volatile GroupLagMeters groupLag;

    private BrokerMetrics(PrometheusMeterRegistry registry, MetricsSettings settings) {
        this.registry = registry;
        this.settings = settings;
        this.requests = new RequestMeters(registry);
        this.topics = new TopicTrafficMeters(registry, settings.topicSeriesMax());
        this.storage = new StorageMeters(registry);
        new JvmMemoryMetrics().bindTo(registry);
        this.gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public static BrokerMetrics create(MetricsSettings settings) {
        return new BrokerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), settings);
    }

    /** For the {@link io.spillway.broker.ApiDispatcher}. */
    public RequestMetrics requests() {
        return requests;
    }

    /** For the Produce and Fetch handlers. */
    public TopicTraffic topicTraffic() {
        return topics;
    }

    /** For the shared log's flusher. */
    public SyncListener walSyncs() {
        return storage;
    }

    /** Gauges of the shared log, partitions and topics. */
    public void bindStorage(LogManager logs, MetadataStore meta) {
        storage.bind(logs.storage(), () -> logs.all().size(), meta::topicCount);
    }

    /** Gauges of open Kafka connections per listener. */
    public void bindConnections(List<String> listeners, Supplier<Map<String, Integer>> open) {
        ConnectionMeters.bind(registry, listeners, open);
    }

    /** Consumer-group lag from the group coordinator's committed offsets and the partitions' high watermarks. */
    public void bindGroupLag(GroupCoordinator groups, Topics topicLogs) {
        groupLag = new GroupLagMeters(registry, groups::committedOffsets, tp -> {
            PartitionLog partition = topicLogs.partition(tp.topic(), tp.partition());
            return partition == null ? -1 : partition.highWatermark();
        }, settings.groupSeriesMax());
    }

    /** Refreshes what is computed at scrape time and writes every metric in Prometheus' text format (0.0.4). */
    public synchronized String scrape() {
        topics.rebalance();
        GroupLagMeters lag = groupLag;
        if (lag != null) {
            lag.refresh();
        }
        return registry.scrape();
    }

    /**
     * Every metric as it stands, without a scrape's work: the per-topic series are not rebalanced (so no new interval
     * starts) and group lag keeps its value of the last scrape. For readers besides Prometheus, such as the console
     * sampling the totals every 2 s, which would otherwise cut Prometheus' intervals short.
     */
    public synchronized String peek() {
        return registry.scrape();
    }

    /** The registry (tests, and later surfaces that show metrics). */
    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}

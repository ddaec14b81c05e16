package io.spillway.http.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Open Kafka client connections per listener, {@code spillway_connections{listener}}, read at scrape time from the
 * Kafka listeners' own count (the one their connection limits use).
 */
public final class ConnectionMeters {
    private ConnectionMeters() {
    }

    /**
     * @param listeners the Kafka listeners' names
     * @param open open connections by listener name (called on the scrape thread; must be cheap and thread safe)
     */
    public static void bind(MeterRegistry registry, List<String> listeners, Supplier<Map<String, Integer>> open) {
        for (String listener : listeners) {
            Gauge.builder("spillway.connections", open, o -> o.get().getOrDefault(listener, 0))
                    .tag("listener", listener)
                    .description("Open Kafka client connections, by listener")
                    .strongReference(true).register(registry);
        }
    }
}

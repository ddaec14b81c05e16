package io.spillway.http.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.spillway.broker.RequestMetrics;
import org.apache.kafka.common.protocol.ApiKeys;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Kafka requests per API: {@code spillway_requests_total{api}}, {@code spillway_request_errors_total{api}} and the
 * latency histogram {@code spillway_request_duration_seconds{api}} with fixed buckets (aggregatable across brokers,
 * unlike client-side percentiles). An API's meters are registered at its first request, so the series follow the APIs
 * actually used (at most the ~80 Kafka APIs).
 *
 * <p>Thread safe and lock-free after an API's first request: {@link #completed} is called from network, worker and
 * completion threads.
 */
public final class RequestMeters implements RequestMetrics {
    /** From 1 ms to a long-poll fetch's or a rebalance's wait. */
    static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30)};

    private final MeterRegistry registry;
    private final AtomicReferenceArray<Meters> byApi = new AtomicReferenceArray<>(Short.MAX_VALUE);

    private record Meters(Counter requests, Timer duration, Counter errors) {
    }

    public RequestMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void completed(ApiKeys api, long nanos, boolean failed) {
        Meters meters = byApi.get(api.id);
        if (meters == null) {
            meters = register(api);
        }
        meters.requests.increment();
        meters.duration.record(nanos, TimeUnit.NANOSECONDS);
        if (failed) {
            meters.errors.increment();
        }
    }

    private Meters register(ApiKeys api) {
        String name = api.name();
        Meters meters = new Meters(
                Counter.builder("spillway.requests").tag("api", name)
                        .description("Kafka requests handled, by API").register(registry),
                Timer.builder("spillway.request.duration").tag("api", name)
                        .description("Time from a Kafka request's handling to its response, by API (parked requests "
                                + "such as long-poll fetches include their wait)")
                        .serviceLevelObjectives(BUCKETS).register(registry),
                Counter.builder("spillway.request.errors").tag("api", name)
                        .description("Kafka requests whose handler failed unexpectedly (answered with an error), by API")
                        .register(registry));
        byApi.compareAndSet(api.id, null, meters); // the registry returns the same meters to a racing first request
        return meters;
    }
}

package io.spillway.http.metrics;

import io.spillway.http.Handler;
import io.spillway.http.Request;
import io.spillway.http.Response;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /metrics}: a Prometheus scrape ({@code GET /metrics?peek=true}: the values without the scrape-time work). The scrape computes consumer-group lag and may wait for the group
 * coordinator, so it runs on a thread of its own ({@code spillway-metrics-scrape}), never on the HTTP event loop;
 * concurrent scrapes queue there one after the other. Thread safe.
 */
public final class MetricsEndpoint implements Handler, AutoCloseable {
    /** Prometheus' text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final BrokerMetrics metrics;
    private final ExecutorService scrapes = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "spillway-metrics-scrape");
        thread.setDaemon(true);
        return thread;
    });

    public MetricsEndpoint(BrokerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public CompletableFuture<Response> handle(Request request) {
        // ?peek=true: the values without the scrape-time work (BrokerMetrics.peek), for readers besides Prometheus.
        boolean peek = "true".equals(request.queryParam("peek"));
        return CompletableFuture.supplyAsync(() -> new Response(200, CONTENT_TYPE,
                (peek ? metrics.peek() : metrics.scrape()).getBytes(StandardCharsets.UTF_8), Map.of()), scrapes);
    }

    @Override
    public void close() {
        scrapes.shutdownNow();
        try {
            scrapes.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.spillway.http;

import io.spillway.http.metrics.BrokerMetrics;
import io.spillway.http.metrics.MetricsEndpoint;

import java.net.InetSocketAddress;

/**
 * The broker's HTTP surface as it starts: {@code /health}, {@code /ready} and, with metrics, {@code /metrics}, on one
 * {@link HttpListener}. Later surfaces (the REST admin API, the console's files) add their routes to {@link #router}.
 * Thread safe; start once, close once.
 */
public final class BrokerHttp implements AutoCloseable {
    private final Router router;
    private final HttpListener listener;
    private final MetricsEndpoint metricsEndpoint;

    private BrokerHttp(Router router, HttpListener listener, MetricsEndpoint metricsEndpoint) {
        this.router = router;
        this.listener = listener;
        this.metricsEndpoint = metricsEndpoint;
    }

    /**
     * Binds the listener of {@code settings} and serves the routes.
     *
     * @param metrics what {@code /metrics} shows, or null for no such path
     * @throws IllegalStateException if the address cannot be bound, with a message naming the port and the setting
     */
    public static BrokerHttp start(HttpSettings settings, Readiness readiness, BrokerMetrics metrics)
            throws InterruptedException {
        Router router = new Router();
        HealthRoutes.register(router, readiness);
        MetricsEndpoint endpoint = metrics == null ? null : new MetricsEndpoint(metrics);
        if (endpoint != null) {
            router.get("/metrics", endpoint);
        }
        try {
            return new BrokerHttp(router, HttpListener.start(settings.host(), settings.port(), router), endpoint);
        } catch (RuntimeException | InterruptedException e) {
            if (endpoint != null) {
                endpoint.close();
            }
            throw e;
        }
    }

    /** Where more routes go. */
    public Router router() {
        return router;
    }

    public InetSocketAddress address() {
        return listener.address();
    }

    /** "host:port" as bound. */
    public String describe() {
        return listener.describe();
    }

    @Override
    public void close() {
        listener.close();
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
    }
}

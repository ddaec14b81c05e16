package io.spillway.http;

import java.util.concurrent.CompletableFuture;

/**
 * {@code /health} (liveness: 200 "ok" whenever the process answers HTTP at all) and {@code /ready} (readiness: 200
 * "ready" once the broker serves Kafka clients, 503 with "starting" or "stopping" otherwise). Both answer on the event
 * loop at once: they read one volatile field.
 */
public final class HealthRoutes {
    private HealthRoutes() {
    }

    public static void register(Router router, Readiness readiness) {
        router.get("/health", request -> CompletableFuture.completedFuture(Response.text(200, "ok\n")));
        router.get("/ready", request -> CompletableFuture.completedFuture(readiness.isReady()
                ? Response.text(200, "ready\n") : Response.text(503, readiness.describe() + "\n")));
    }
}

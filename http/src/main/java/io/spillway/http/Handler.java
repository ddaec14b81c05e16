package io.spillway.http;

import java.util.concurrent.CompletableFuture;

/**
 * Serves requests routed to it by the {@link Router}.
 *
 * <p>Thread contract: called on an HTTP event loop, which serves every other HTTP connection too. An implementation
 * must return at once: anything that may block or take long (a metrics scrape, a storage read, a coordinator call)
 * runs on an executor of its own, and the returned future completes when the response is ready, on any thread.
 * Throwing (or failing the future) answers 500 with the error's message.
 */
@FunctionalInterface
public interface Handler {
    CompletableFuture<Response> handle(Request request);
}

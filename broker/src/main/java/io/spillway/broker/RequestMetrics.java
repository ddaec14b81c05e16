package io.spillway.broker;

import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Told about every Kafka request the {@link ApiDispatcher} handles, so that an upper layer can count requests and
 * keep latency histograms per API without the broker knowing the metrics library (none is imported below the http
 * module).
 *
 * <p>Thread contract: called on network event loops, worker threads and the threads that complete asynchronous
 * handlers (the shared log's completions, coordinators); an implementation must be thread safe, return at once and
 * never block or throw.
 */
@FunctionalInterface
public interface RequestMetrics {
    /** Keeps nothing. */
    RequestMetrics NONE = (api, nanos, failed) -> {
    };

    /**
     * @param api the request's API
     * @param nanos from the handler's start to its response (for parked requests such as long-poll fetches, the wait
     *     included)
     * @param failed the handler threw or failed its future (an unexpected error, not an error code it chose)
     */
    void completed(ApiKeys api, long nanos, boolean failed);
}

package io.spillway.broker;

import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/**
 * Handles one Kafka API: validates the request, calls the layer below and maps the result to the
 * response. The synchronous part runs on the connection's serial executor; anything slow (fsync,
 * long polls) completes the future later from another thread.
 *
 * @param <Q> the request data class generated from Kafka's schema
 * @param <R> the response data class; a null response means none is sent (Produce with acks=0)
 */
@FunctionalInterface
public interface ApiHandler<Q extends ApiMessage, R extends ApiMessage> {
    CompletableFuture<R> handle(RequestContext context, Q request);
}

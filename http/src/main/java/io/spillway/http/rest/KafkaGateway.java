package io.spillway.http.rest;

import io.spillway.broker.ApiDispatcher;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Throttle;
import io.spillway.broker.auth.Authorizer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.security.auth.SecurityProtocol;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs Kafka requests for the REST API through the broker's own {@link ApiDispatcher}, in process: a REST call is
 * translated into the request messages the Java Admin client would send, and this sends them as the caller, at the
 * newest version the broker serves, so validation, ACL checks, stream rules and error codes are the Kafka listener's
 * and nothing of the admin logic is written twice.
 *
 * <p>Thread contract: thread safe. {@link #call} never runs a handler on the caller's thread: the dispatch starts on
 * the executor (the broker's worker pool), so the HTTP event loop never blocks on a handler's synchronous part.
 */
public final class KafkaGateway {
    /** The client id the broker's logs and quotas see for REST calls. */
    public static final String CLIENT_ID = "spillway-rest";
    /** REST calls share one made-up connection id; real connections count up from 0. */
    private static final long CONNECTION_ID = -1;

    private final ApiDispatcher dispatcher;
    private final Authorizer authorizer;
    private final String listenerName;
    private final Executor executor;
    private final AtomicInteger correlationIds = new AtomicInteger();

    /**
     * @param listenerName the Kafka listener whose addresses Metadata-like answers give (the first one)
     * @param executor where dispatches start (the broker's workers)
     */
    public KafkaGateway(ApiDispatcher dispatcher, Authorizer authorizer, String listenerName, Executor executor) {
        this.dispatcher = dispatcher;
        this.authorizer = authorizer;
        this.listenerName = listenerName;
        this.executor = executor;
    }

    /**
     * Sends {@code request} as {@code caller}.
     *
     * @return the response data; fails with a {@link RestException} 501 if the broker does not serve the API
     */
    @SuppressWarnings("unchecked")
    public <R extends ApiMessage> CompletableFuture<R> call(Caller caller, ApiMessage request) {
        ApiKeys key = ApiKeys.forId(request.apiKey());
        short version = dispatcher.latestVersion(key);
        if (version < 0) {
            return CompletableFuture.failedFuture(new RestException(501, "UNSUPPORTED_VERSION",
                    "This broker does not serve " + key + ", which this REST call needs"));
        }
        RequestContext context = new RequestContext(key, version, correlationIds.incrementAndGet(), CLIENT_ID,
                caller.address(), CONNECTION_ID, listenerName,
                caller.authenticated() ? SecurityProtocol.SASL_PLAINTEXT : SecurityProtocol.PLAINTEXT,
                caller.principal(), authorizer, new Throttle());
        CompletableFuture<ApiMessage> response = CompletableFuture
                .supplyAsync(() -> dispatcher.dispatch(context, request), executor)
                .thenCompose(future -> future);
        return (CompletableFuture<R>) (CompletableFuture<?>) response;
    }
}

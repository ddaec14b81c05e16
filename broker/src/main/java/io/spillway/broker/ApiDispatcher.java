package io.spillway.broker;

import io.spillway.broker.auth.CheckedApis;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.spillway.broker.quota.Quotas;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Set;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The table from Kafka API to handler and supported versions. A handler that throws or fails its
 * future gets the API's own error response for that failure, so a bug in one handler becomes an
 * error code for one request, not a dropped connection. Thread safe once built.
 */
public final class ApiDispatcher {
    private static final Logger log = LoggerFactory.getLogger(ApiDispatcher.class);

    private final Registration[] registrations = new Registration[Short.MAX_VALUE];
    /** What request_percentage measures handling time against; null: no quotas. */
    private volatile Quotas quotas;
    /** Told about every handled request (metrics). */
    private volatile RequestMetrics metrics = RequestMetrics.NONE;

    private record Registration(ApiKeys key, short minVersion, short maxVersion, ApiHandler<ApiMessage, ApiMessage> handler) {
    }

    /** Registers a handler for every version the bundled Kafka schemas define as stable. */
    public <Q extends ApiMessage, R extends ApiMessage> ApiDispatcher register(ApiKeys key, ApiHandler<Q, R> handler) {
        return register(key, key.oldestVersion(), key.latestVersion(), handler);
    }

    @SuppressWarnings("unchecked")
    public <Q extends ApiMessage, R extends ApiMessage> ApiDispatcher register(ApiKeys key, short minVersion,
                                                                               short maxVersion, ApiHandler<Q, R> handler) {
        registrations[key.id] = new Registration(key, minVersion, maxVersion, (ApiHandler<ApiMessage, ApiMessage>) (ApiHandler<?, ?>) handler);
        return this;
    }

    /** Measures requests against client quotas from now on (request_percentage, and throttles set by handlers). */
    public ApiDispatcher withQuotas(Quotas quotas) {
        this.quotas = quotas;
        return this;
    }

    /** Tells {@code requestMetrics} about every request handled from now on. */
    public ApiDispatcher withRequestMetrics(RequestMetrics requestMetrics) {
        this.metrics = requestMetrics;
        return this;
    }

    public boolean supports(ApiKeys key, short version) {
        Registration r = registrations[key.id];
        return r != null && version >= r.minVersion && version <= r.maxVersion;
    }

    public boolean supports(ApiKeys key) {
        return registrations[key.id] != null;
    }

    /** The newest version of {@code key} this broker serves, or -1 when it serves none. */
    public short latestVersion(ApiKeys key) {
        Registration r = registrations[key.id];
        return r == null ? -1 : r.maxVersion;
    }

    /** What ApiVersions advertises. */
    public List<ApiVersion> versions() {
        List<ApiVersion> versions = new ArrayList<>();
        for (Registration r : registrations) {
            if (r != null) {
                versions.add(new ApiVersion().setApiKey(r.key.id).setMinVersion(r.minVersion).setMaxVersion(r.maxVersion));
            }
        }
        return versions;
    }

    /**
     * Runs the request's handler.
     *
     * @return the response, or null when none is to be sent
     */
    public CompletableFuture<ApiMessage> dispatch(RequestContext context, AbstractRequest request) {
        Registration r = registrations[context.apiKey().id];
        if (r == null || !supports(context.apiKey(), context.apiVersion())) {
            return CompletableFuture.completedFuture(errorResponse(context, request,
                    new UnsupportedVersionException("Unsupported version " + context.apiVersion() + " of "
                            + context.apiKey())));
        }
        if (context.authorizer().enabled() && !CheckedApis.checksItself(context.apiKey())
                && !context.mayOnCluster(AclOperation.ALTER)) {
            return CompletableFuture.completedFuture(errorResponse(context, request, new ClusterAuthorizationException(
                    context.apiKey() + " is allowed only to principals that may ALTER the CLUSTER; "
                            + context.principal() + " may not")));
        }
        CompletableFuture<ApiMessage> future;
        long startNanos = System.nanoTime();
        try {
            future = r.handler.handle(context, request.data());
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        Quotas quotas = this.quotas;
        if (quotas != null && !EXEMPT_FROM_REQUEST_QUOTA.contains(context.apiKey())) {
            context.throttle().atLeast(quotas.recordRequestTime(context, System.nanoTime() - startNanos));
        }
        RequestMetrics metrics = this.metrics;
        if (metrics != RequestMetrics.NONE) {
            ApiKeys api = context.apiKey();
            future.whenComplete((response, error) -> metrics.completed(api, System.nanoTime() - startNanos, error != null));
        }
        return future.exceptionally(error -> errorResponse(context, request, error)).thenApply(response -> {
            if (response != null) {
                ThrottleTimes.atLeast(response, context.throttle().ms());
            }
            return response;
        });
    }

    /**
     * Runs a request given as its message data, for callers inside the broker process (the HTTP REST API): the data
     * is encoded at {@code context.apiVersion()} and parsed back as the Kafka listener parses a frame, so the handler
     * sees exactly what a client sending these fields would send, and validation, ACL checks and error responses are
     * the Kafka listener's. The Kafka path does not use this.
     *
     * @return the response data (never null for the APIs that always answer)
     * @throws IllegalArgumentException if {@code data} cannot be written at that version (a caller's bug)
     */
    public CompletableFuture<ApiMessage> dispatch(RequestContext context, ApiMessage data) {
        if (data.apiKey() != context.apiKey().id) {
            throw new IllegalArgumentException(data.getClass().getSimpleName() + " is not a " + context.apiKey()
                    + " request");
        }
        AbstractRequest request = AbstractRequest.parseRequest(context.apiKey(), context.apiVersion(),
                MessageUtil.toByteBufferAccessor(data, context.apiVersion())).request;
        return dispatch(context, request);
    }

    /** As Kafka: what a client needs to connect and authenticate is never throttled for the time it takes. */
    private static final Set<ApiKeys> EXEMPT_FROM_REQUEST_QUOTA = EnumSet.of(ApiKeys.API_VERSIONS,
            ApiKeys.SASL_HANDSHAKE, ApiKeys.SASL_AUTHENTICATE);

    private static ApiMessage errorResponse(RequestContext context, AbstractRequest request, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (Errors.forException(cause) == Errors.UNKNOWN_SERVER_ERROR) {
            log.error("{} v{} from {} failed unexpectedly; answering UNKNOWN_SERVER_ERROR",
                    context.apiKey(), context.apiVersion(), context.describeClient(), cause);
        }
        var response = request.getErrorResponse(0, cause);
        return response == null ? null : response.data(); // null: the request expects no response (acks=0)
    }
}

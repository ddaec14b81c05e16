package io.spillway.http.rest;

import io.spillway.http.Readiness;
import io.spillway.http.Request;
import io.spillway.http.Response;
import io.spillway.http.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * The JSON REST admin API under {@code /api/v1/} (docs/rest-api.md; the OpenAPI document at
 * {@code /api/v1/openapi.json}). Each call is answered in the same steps: 503 while the broker is not ready,
 * authentication (HTTP Basic against the SCRAM users when the broker has security), the route, then the operation,
 * whose Kafka requests run through the broker's dispatcher as the caller. Every error becomes
 * {@code {"error": ..., "message": ...}} with its status; an unexpected failure is logged and answered 500 without a
 * stack trace.
 *
 * <p>Thread contract: {@link #serve} runs on the HTTP event loop and returns at once; authentication and the
 * operations run on the executor and the broker's handlers.
 */
public final class RestApi {
    private static final Logger log = LoggerFactory.getLogger(RestApi.class);
    public static final String PREFIX = "/api/v1/";
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private final RestRoutes routes;
    private final Readiness readiness;
    private final BasicAuthenticator authenticator;
    private final Executor executor;
    private final OpenApiDocument openApi = new OpenApiDocument();

    public RestApi(RestRoutes routes, Readiness readiness, BasicAuthenticator authenticator, Executor executor) {
        this.routes = routes;
        this.readiness = readiness;
        this.authenticator = authenticator;
        this.executor = executor;
    }

    /**
     * The API with every resource, ready to {@link #register}.
     *
     * @param executor where authentication and blocking reads run (the broker's workers)
     */
    public static RestApi create(KafkaGateway kafka, BrokerFacts facts, Readiness readiness,
                                 BasicAuthenticator authenticator, Executor executor) {
        RestRoutes routes = new RestRoutes();
        new StatusResource(kafka, facts).register(routes);
        new StreamsResource(kafka).register(routes);
        new RecordsResource(kafka, executor).register(routes);
        new TopicsResource(kafka).register(routes);
        new GroupsResource(kafka).register(routes);
        return new RestApi(routes, readiness, authenticator, executor);
    }

    /** Serves {@code /api/v1/...} on {@code router}. */
    public void register(Router router) {
        for (String method : METHODS) {
            router.prefix(method, PREFIX, this::serve);
        }
    }

    /** Answers one request; never throws, never blocks. */
    public CompletableFuture<Response> serve(Request request) {
        if (request.path().equals(PREFIX + "openapi.json")) {
            return CompletableFuture.completedFuture(request.method().equals("GET") || request.method().equals("HEAD")
                    ? openApi.response() : error(new RestRoutes.MethodNotAllowed(request.method(), request.path(),
                    "GET, HEAD")));
        }
        if (!readiness.isReady()) {
            return CompletableFuture.completedFuture(JsonBodies.error(new RestException(503, "BROKER_NOT_AVAILABLE",
                    "The broker is " + readiness.describe() + "; try again once /ready answers 200")));
        }
        return CompletableFuture.supplyAsync(() -> authenticator.authenticate(request), executor)
                .thenCompose(caller -> {
                    RestRoutes.Match match = routes.match(request.method(), request.path());
                    return match.operation().run(new RestCall(request, caller, match.parts()));
                })
                .thenApply(reply -> JsonBodies.response(reply.status(), reply.body()))
                .exceptionally(failure -> answerFailure(request, failure));
    }

    private static Response answerFailure(Request request, Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RestException e) {
            return error(e);
        }
        log.error("REST {} {} failed unexpectedly", request.method(), request.path(), cause);
        return error(new RestException(500, "UNKNOWN_SERVER_ERROR", request.method() + " " + request.path()
                + " failed unexpectedly (" + cause.getClass().getSimpleName() + "); the broker log has the details"));
    }

    static Response error(RestException e) {
        Response response = JsonBodies.error(e);
        if (e instanceof RestRoutes.MethodNotAllowed m) {
            response = response.withHeader("Allow", m.allow());
        }
        if (e.status() == 401) {
            response = response.withHeader("WWW-Authenticate", "Basic realm=\"spillway\", charset=\"UTF-8\"");
        }
        return response;
    }
}

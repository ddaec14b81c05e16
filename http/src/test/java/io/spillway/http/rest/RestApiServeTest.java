package io.spillway.http.rest;

import io.spillway.http.Readiness;
import io.spillway.http.Request;
import io.spillway.http.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RestApi#serve}'s steps without a broker: readiness, authentication, routing and error bodies. */
class RestApiServeTest {
    private final Readiness readiness = new Readiness();
    private boolean authRequired;
    private final RestRoutes routes = new RestRoutes()
            .add("GET", "/api/v1/ok", call -> CompletableFuture.completedFuture(Reply.ok(Map.of("who",
                    call.caller().principal().toString()))))
            .add("GET", "/api/v1/boom", call -> {
                throw new IllegalStateException("secret internals");
            })
            .add("POST", "/api/v1/body", call -> CompletableFuture.completedFuture(Reply.created(call.body())));
    private final RestApi api = new RestApi(routes, readiness, new BasicAuthenticator(null, () -> authRequired),
            Runnable::run);

    private Response serve(String method, String path, String body) {
        return api.serve(new Request(method, path, Map.of(), Map.of(), body.getBytes(StandardCharsets.UTF_8)))
                .join();
    }

    @Test
    void notReadyIs503() {
        Response r = serve("GET", "/api/v1/ok", "");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.bodyText()).contains("\"error\":\"BROKER_NOT_AVAILABLE\"", "starting");
    }

    @Test
    void answersAndErrorsAreJsonWithTheirStatus() {
        readiness.ready();
        Response ok = serve("GET", "/api/v1/ok", "");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.bodyText()).isEqualTo("{\"who\":\"User:ANONYMOUS\"}");
        assertThat(serve("POST", "/api/v1/body", "{\"a\":1}").status()).isEqualTo(201);

        Response badJson = serve("POST", "/api/v1/body", "{");
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.bodyText()).contains("INVALID_REQUEST", "not valid JSON");

        Response wrongMethod = serve("DELETE", "/api/v1/ok", "");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.headers()).containsEntry("Allow", "GET, HEAD");

        assertThat(serve("GET", "/api/v1/nope", "").status()).isEqualTo(404);

        Response boom = serve("GET", "/api/v1/boom", "");
        assertThat(boom.status()).isEqualTo(500);
        assertThat(boom.bodyText()).contains("UNKNOWN_SERVER_ERROR", "broker log").doesNotContain("secret internals",
                "\tat ");

        Response openApi = serve("GET", "/api/v1/openapi.json", "");
        assertThat(openApi.status()).isEqualTo(200);
        assertThat(openApi.bodyText()).contains("\"openapi\": \"3.0.3\"", "/api/v1/groups/{id}/reset-offsets");
    }

    @Test
    void unauthenticatedIs401WithTheChallenge() {
        readiness.ready();
        authRequired = true;
        Response r = serve("GET", "/api/v1/ok", "");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headers().get("WWW-Authenticate")).startsWith("Basic realm=");
        assertThat(r.bodyText()).contains("SASL_AUTHENTICATION_FAILED");
        assertThat(serve("GET", "/api/v1/openapi.json", "").status()).isEqualTo(200); // the document is public
    }

    @Test
    void theEventLoopOnlyHandsTheCallOver() {
        readiness.ready();
        java.util.List<Runnable> queued = new java.util.ArrayList<>();
        RestApi deferred = new RestApi(routes, readiness, new BasicAuthenticator(null, () -> false), queued::add);
        CompletableFuture<Response> answer = deferred.serve(new Request("GET", "/api/v1/ok", Map.of(), Map.of(),
                new byte[0]));
        assertThat(answer).isNotDone(); // authentication and the operation wait for the executor
        assertThat(queued).hasSize(1);
        queued.get(0).run();
        assertThat(answer.join().status()).isEqualTo(200);
    }
}

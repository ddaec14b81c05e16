package io.spillway.http;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class RouterTest {
    private static Request request(String method, String path) {
        return new Request(method, path, Map.of(), Map.of(), new byte[0]);
    }

    private static Response answer(Router router, String method, String path) {
        return router.handle(request(method, path)).join();
    }

    private static Handler text(String body) {
        return request -> CompletableFuture.completedFuture(Response.text(200, body));
    }

    @Test
    void exactPathsAndMethods() {
        Router router = new Router().get("/a", text("a")).route("POST", "/a", text("posted"));
        assertThat(answer(router, "GET", "/a").bodyText()).isEqualTo("a");
        assertThat(answer(router, "POST", "/a").bodyText()).isEqualTo("posted");
        assertThat(answer(router, "HEAD", "/a").status()).isEqualTo(200);
    }

    @Test
    void unknownPathIs404WithAJsonMessage() {
        Router router = new Router().get("/health", text("ok"));
        Response response = answer(router, "GET", "/nope");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).isEqualTo(Response.JSON);
        assertThat(response.bodyText()).contains("\"error\":\"not_found\"").contains("/nope").contains("/health");
    }

    @Test
    void wrongMethodIs405WithAllow() {
        Router router = new Router().get("/metrics", text("m"));
        Response response = answer(router, "DELETE", "/metrics");
        assertThat(response.status()).isEqualTo(405);
        assertThat(response.headers()).containsEntry("Allow", "GET, HEAD");
        assertThat(response.bodyText()).contains("DELETE is not allowed on /metrics");
    }

    @Test
    void longestPrefixWinsAndExactWinsOverPrefix() {
        Router router = new Router().prefix("GET", "/api/", text("api")).prefix("GET", "/api/v1/topics/", text("topic"))
                .get("/api/v1/topics/special", text("exact"));
        assertThat(answer(router, "GET", "/api/v1/groups").bodyText()).isEqualTo("api");
        assertThat(answer(router, "GET", "/api/v1/topics/t").bodyText()).isEqualTo("topic");
        assertThat(answer(router, "GET", "/api/v1/topics/special").bodyText()).isEqualTo("exact");
    }

    @Test
    void aThrowingHandlerFailsTheFutureInsteadOfThrowing() {
        Router router = new Router().get("/boom", request -> {
            throw new IllegalStateException("boom");
        });
        assertThat(router.handle(request("GET", "/boom"))).isCompletedExceptionally();
    }

    @Test
    void queryParameters() {
        Request r = new Request("GET", "/x", Map.of("q", List.of("1", "2")), Map.of(), new byte[0]);
        assertThat(r.queryParam("q")).isEqualTo("1");
        assertThat(r.queryParam("none")).isNull();
    }
}

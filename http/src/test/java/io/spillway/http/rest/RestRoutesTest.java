package io.spillway.http.rest;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RestRoutesTest {
    private static RestRoutes.Operation named(String name) {
        return call -> CompletableFuture.completedFuture(Reply.ok(name));
    }

    private final RestRoutes routes = new RestRoutes()
            .add("GET", "/api/v1/topics", named("list"))
            .add("POST", "/api/v1/topics", named("create"))
            .add("GET", "/api/v1/topics/(.+)/partitions/([^/]+)/records", named("records"))
            .add("GET", "/api/v1/topics/(.+)/configs", named("configs"))
            .add("GET", "/api/v1/topics/(.+)", named("describe"))
            .add("DELETE", "/api/v1/topics/(.+)", named("delete"));

    private Object run(String method, String path) {
        RestRoutes.Match m = routes.match(method, path);
        return m.operation().run(new RestCall(null, null, m.parts())).join().body();
    }

    @Test
    void specificRoutesWinAndCaptureStreamTopicNames() {
        assertThat(run("GET", "/api/v1/topics")).isEqualTo("list");
        assertThat(run("POST", "/api/v1/topics")).isEqualTo("create");
        assertThat(run("HEAD", "/api/v1/topics")).isEqualTo("list");
        RestRoutes.Match records = routes.match("GET", "/api/v1/topics//apps/fraud:cards/partitions/3/records");
        assertThat(records.parts()).containsExactly("/apps/fraud:cards", "3");
        assertThat(routes.match("GET", "/api/v1/topics//apps/fraud:cards/configs").parts())
                .containsExactly("/apps/fraud:cards");
        assertThat(run("GET", "/api/v1/topics//apps/fraud:cards")).isEqualTo("describe");
        assertThat(routes.match("DELETE", "/api/v1/topics/orders").parts()).containsExactly("orders");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() {
        assertThatThrownBy(() -> routes.match("GET", "/api/v1/nothing"))
                .isInstanceOfSatisfying(RestException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("/api/v1/nothing", "openapi.json");
                });
        assertThatThrownBy(() -> routes.match("PUT", "/api/v1/topics"))
                .isInstanceOfSatisfying(RestRoutes.MethodNotAllowed.class, e -> {
                    assertThat(e.status()).isEqualTo(405);
                    assertThat(e.allow()).isEqualTo("GET, HEAD, POST");
                });
        assertThatThrownBy(() -> routes.match("POST", "/api/v1/topics/t/configs"))
                .isInstanceOfSatisfying(RestRoutes.MethodNotAllowed.class,
                        e -> assertThat(e.allow()).isEqualTo("GET, HEAD"));
    }
}

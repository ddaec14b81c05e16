package io.spillway.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The listener over real sockets with the JDK's HTTP client. */
class HttpListenerTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private final ExecutorService slow = Executors.newSingleThreadExecutor();
    private HttpListener listener;

    @AfterEach
    void tearDown() {
        if (listener != null) {
            listener.close();
        }
        slow.shutdownNow();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://" + listener.describe() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Router router(Readiness readiness) {
        Router router = new Router();
        HealthRoutes.register(router, readiness);
        // answers on another thread, after a pause: the event loop is not blocked meanwhile
        router.get("/slow", request -> CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Response.text(200, "slow");
        }, slow));
        router.get("/fail", request -> CompletableFuture.failedFuture(new IllegalStateException("broken on purpose")));
        return router;
    }

    @Test
    void healthReadyAndErrors() throws Exception {
        Readiness readiness = new Readiness();
        listener = HttpListener.start("127.0.0.1", 0, router(readiness));
        assertThat(listener.address().getPort()).isPositive();

        HttpResponse<String> health = send("GET", "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");

        assertThat(send("GET", "/ready").statusCode()).isEqualTo(503);
        readiness.ready();
        assertThat(send("GET", "/ready").statusCode()).isEqualTo(200);
        readiness.stopping();
        HttpResponse<String> stopping = send("GET", "/ready");
        assertThat(stopping.statusCode()).isEqualTo(503);
        assertThat(stopping.body()).isEqualTo("stopping\n");

        HttpResponse<String> missing = send("GET", "/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("content-type")).hasValue(Response.JSON);
        assertThat(missing.body()).contains("No such path: /nope");

        HttpResponse<String> wrongMethod = send("POST", "/health");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("allow")).hasValue("GET, HEAD");

        HttpResponse<String> failed = send("GET", "/fail");
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(failed.body()).contains("broken on purpose");
    }

    @Test
    void aSlowHandlerDoesNotHoldUpOthers() throws Exception {
        listener = HttpListener.start("127.0.0.1", 0, router(new Readiness()));
        CompletableFuture<HttpResponse<String>> slowOne = client.sendAsync(HttpRequest.newBuilder(
                URI.create("http://" + listener.describe() + "/slow")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(send("GET", "/health").statusCode()).isEqualTo(200);
        assertThat(slowOne).isNotDone(); // health was answered while the slow one was still being worked on
        assertThat(slowOne.join().body()).isEqualTo("slow");
    }

    @Test
    void aPortInUseFailsWithOneLineNamingThePortAndTheSetting() throws Exception {
        listener = HttpListener.start("127.0.0.1", 0, new Router());
        int port = listener.address().getPort();
        assertThatThrownBy(() -> HttpListener.start("127.0.0.1", port, new Router()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("port " + port + " is already in use")
                .hasMessageContaining(HttpSettings.LISTENER)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}

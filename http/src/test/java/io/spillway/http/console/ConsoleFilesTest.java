package io.spillway.http.console;

import io.spillway.http.Request;
import io.spillway.http.Response;
import io.spillway.http.Router;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's static files: what is served with which type and cache headers, and what is refused. */
class ConsoleFilesTest {
    private final Router router = new Router();

    ConsoleFilesTest() {
        new ConsoleFiles(getClass().getClassLoader(), Runnable::run).register(router);
    }

    private Response get(String path, Map<String, String> headers) {
        return router.handle(new Request("GET", path, Map.of(), headers, new byte[0])).join();
    }

    private Response get(String path) {
        return get(path, Map.of());
    }

    @Test
    void rootIsTheIndexPage() {
        Response index = get("/");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(index.bodyText()).contains("<title>Spillway").contains("/console/app.js");
        assertThat(get("/console/").bodyText()).isEqualTo(index.bodyText());
        assertThat(get("/console").status()).isEqualTo(301);
        assertThat(get("/console").headers()).containsEntry("Location", "/");
    }

    @Test
    void contentTypesFollowTheExtension() {
        assertThat(get("/console/app.js").contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(get("/console/console.css").contentType()).isEqualTo("text/css; charset=utf-8");
        assertThat(get("/console/favicon.svg").contentType()).isEqualTo("image/svg+xml");
        assertThat(get("/console/index.html").contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(get("/console/app.js").headers()).containsEntry("X-Content-Type-Options", "nosniff");
    }

    @Test
    void unknownFilesAre404() {
        for (String path : List.of("/console/nope.js", "/console/nope", "/console/app.js.bak", "/index.html",
                "/console/app.exe")) {
            Response r = get(path);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.bodyText()).as(path).contains("\"error\":\"not_found\"");
        }
    }

    @Test
    void nothingOutsideTheConsoleFolderIsServed() {
        // The REST API's openapi.json and this package's own class files are on the same classpath.
        for (String path : List.of("/console/../rest/openapi.json", "/console/..%2frest/openapi.json",
                "/console/./app.js", "/console//app.js", "/console/.hidden.js", "/console/..\\rest\\openapi.json",
                "/console/ConsoleFiles.class", "/console/sub/../../rest/openapi.json", "/console/app.js\0.png",
                "/console/../../../../etc/passwd")) {
            assertThat(get(path).status()).as(path).isEqualTo(404);
        }
        assertThat(ConsoleFiles.fileName("/console/../rest/openapi.json")).isNull();
        assertThat(ConsoleFiles.fileName("/console/pages/topics.js")).isEqualTo("pages/topics.js");
    }

    @Test
    void filesAreRevalidatedWithAnEntityTag() {
        Response first = get("/console/app.js");
        assertThat(first.headers()).containsEntry("Cache-Control", "no-cache");
        String etag = first.headers().get("ETag");
        assertThat(etag).startsWith("\"").endsWith("\"");
        Response again = get("/console/app.js", Map.of("if-none-match", etag));
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(get("/console/app.js", Map.of("if-none-match", "\"other\"")).status()).isEqualTo(200);
    }
}

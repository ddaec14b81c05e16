package io.spillway.http.console;

import io.spillway.http.HttpListener;
import io.spillway.http.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's files through the real listener, with request lines written byte for byte (no client normalises
 * "..", and the listener percent-decodes the path before the handler sees it).
 */
class ConsoleFilesOverHttpTest {
    private final ExecutorService reads = Executors.newSingleThreadExecutor();
    private HttpListener listener;

    @BeforeEach
    void start() throws Exception {
        Router router = new Router();
        new ConsoleFiles(getClass().getClassLoader(), reads).register(router);
        listener = HttpListener.start("127.0.0.1", 0, router);
    }

    @AfterEach
    void stop() {
        listener.close();
        reads.shutdownNow();
    }

    /** The response head and body of one request with this exact target. */
    private String get(String target) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", listener.address().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesFilesWithTheirHeaders() throws Exception {
        String index = get("/");
        assertThat(index).startsWith("HTTP/1.1 200").containsIgnoringCase("content-type: text/html; charset=utf-8")
                .containsIgnoringCase("cache-control: no-cache").containsIgnoringCase("etag: \"")
                .contains("<title>Spillway console</title>");
        assertThat(get("/console/pages/topics.js")).startsWith("HTTP/1.1 200")
                .containsIgnoringCase("content-type: text/javascript; charset=utf-8");
    }

    @Test
    void refusesTraversalAsSentOnTheWire() throws Exception {
        for (String target : new String[] {"/console/../rest/openapi.json", "/console/%2e%2e/rest/openapi.json",
                "/console/%2E%2E%2Frest%2Fopenapi.json", "/console/..%5crest%5copenapi.json",
                "/console/pages/../../rest/openapi.json", "/console/ConsoleFiles.class", "/console/%00app.js"}) {
            String answer = get(target);
            assertThat(answer).as(target).startsWith("HTTP/1.1 404").doesNotContain("openapi\":");
        }
    }
}

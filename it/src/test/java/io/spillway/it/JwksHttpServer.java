package io.spillway.it;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static java.nio.charset.StandardCharsets.UTF_8;

/** An identity provider's JWKS endpoint for tests: the JDK's HTTP server on loopback, serving one JWKS document. */
final class JwksHttpServer implements AutoCloseable {
    private final HttpServer server;

    private JwksHttpServer(HttpServer server) {
        this.server = server;
    }

    static JwksHttpServer serve(String jwksJson) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            byte[] body = jwksJson.getBytes(UTF_8);
            server.createContext("/.well-known/jwks.json", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return new JwksHttpServer(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package io.spillway.protocol.security;

import com.sun.net.httpserver.HttpServer;
import io.spillway.common.ManualTime;
import io.spillway.testkit.JwtIssuer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Keys from a JWKS endpoint (a JDK HTTP server on loopback): fetched, re-fetched for a new kid, kept when down. */
class JwksEndpointKeysTest {
    private final JwtIssuer idp = JwtIssuer.create("k1");
    private final AtomicReference<String> served = new AtomicReference<>(JwtIssuer.jwksJson(idp));
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger fetches = new AtomicInteger();
    private final HttpServer http = start();

    private HttpServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/jwks", exchange -> {
                fetches.incrementAndGet();
                byte[] body = served.get().getBytes(UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status.get(), body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    private JwtTokenValidator validator(long refetchUnknownKidMs) {
        URI url = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/jwks");
        OAuthBearerSettings settings = new OAuthBearerSettings(url, 3_600_000, List.of(JwtIssuer.AUDIENCE),
                JwtIssuer.ISSUER, false, false, "sub", "scope", 30);
        return new JwtTokenValidator(settings, JwksEndpointKeys.open(url, settings.jwksRefreshMs(),
                refetchUnknownKidMs), new ManualTime(System.currentTimeMillis()));
    }

    @Test
    void keysAreFetchedOnceAndAgainForAKidTheCacheLacks() throws Exception {
        JwtTokenValidator validator = validator(100);
        assertThat(fetches.get()).as("fetched at startup").isEqualTo(1);
        assertThat(validator.validate(idp.token("alice").sign()).principalName()).isEqualTo("alice");
        assertThat(validator.validate(idp.token("bob").sign()).principalName()).isEqualTo("bob");
        assertThat(fetches.get()).as("served from the cache").isEqualTo(1);

        JwtIssuer rotated = JwtIssuer.create("k2");
        served.set(JwtIssuer.jwksJson(idp, rotated));
        Thread.sleep(200);
        assertThat(validator.validate(rotated.token("carol").sign()).principalName()).isEqualTo("carol");
        assertThat(fetches.get()).isEqualTo(2);
    }

    @Test
    void anEndpointThatIsDownAtStartupIsAskedAgainAtTheNextLogin() throws Exception {
        status.set(503);
        JwtTokenValidator validator = validator(100);
        InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class,
                () -> validator.validate(idp.token("alice").sign()));
        assertThat(e.getMessage()).contains("the JWKS cannot be read");
        status.set(200);
        Thread.sleep(200);
        assertThat(validator.validate(idp.token("alice").sign()).principalName()).isEqualTo("alice");
    }
}

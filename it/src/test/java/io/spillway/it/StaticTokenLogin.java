package io.spillway.it;

import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerToken;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The client side of OAUTHBEARER in tests: hands the Java client the token written in its JAAS options
 * ({@code OAuthBearerLoginModule required token="...";}, set with {@code sasl.login.callback.handler.class}), as it
 * is, so that tests can send expired, forged or malformed tokens too. Kafka's own login handler would need the
 * JVM-wide {@code org.apache.kafka.sasl.oauthbearer.allowed.urls} property and checks tokens before sending them.
 * The client is told the token lasts an hour whatever its exp says: only the broker judges it.
 */
public final class StaticTokenLogin implements AuthenticateCallbackHandler {
    private String token;

    @Override
    public void configure(Map<String, ?> configs, String saslMechanism, List<AppConfigurationEntry> jaasConfigEntries) {
        token = (String) jaasConfigEntries.get(0).getOptions().get("token");
        if (token == null) {
            throw new IllegalArgumentException("StaticTokenLogin needs the JAAS option token=\"...\"");
        }
    }

    @Override
    public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
        for (Callback callback : callbacks) {
            if (callback instanceof OAuthBearerTokenCallback tokenCallback) {
                tokenCallback.token(new Token(token, System.currentTimeMillis()));
            } else {
                throw new UnsupportedCallbackException(callback); // SASL extensions: none
            }
        }
    }

    @Override
    public void close() {
    }

    private record Token(String value, long issuedMs) implements OAuthBearerToken {
        @Override
        public Set<String> scope() {
            return Set.of();
        }

        @Override
        public long lifetimeMs() {
            return issuedMs + 3_600_000;
        }

        @Override
        public String principalName() {
            return "test-client";
        }

        @Override
        public Long startTimeMs() {
            return issuedMs;
        }
    }
}

package io.spillway.protocol.security;

import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerExtensionsValidatorCallback;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallback;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import java.util.List;
import java.util.Map;

/**
 * What kafka-clients' OAUTHBEARER server asks of the broker, answered with the listener's {@link JwtTokenValidator}:
 * a token that validates is handed back (its subject becomes the principal), any other is refused with RFC 7628's
 * {@code invalid_token} status, which the client learns and answers before it is told SASL_AUTHENTICATION_FAILED.
 * Why a token was refused goes only to the broker's log (through the {@link SaslServers.Attempt}). SASL extensions
 * are accepted as Kafka's default validator accepts them; Spillway does not use them.
 *
 * <p>Used instead of Kafka's own validator callback handler, which in Kafka 4 reads JVM-wide system properties
 * for the URLs it may fetch: the settings here belong to one listener and change nothing else in the process.
 * One per SASL server, so per connection.
 */
final class OAuthBearerCallbacks implements AuthenticateCallbackHandler {
    private final JwtTokenValidator validator;
    private final SaslServers.Attempt attempt;

    OAuthBearerCallbacks(JwtTokenValidator validator, SaslServers.Attempt attempt) {
        this.validator = validator;
        this.attempt = attempt;
    }

    @Override
    public void configure(Map<String, ?> configs, String saslMechanism, List<AppConfigurationEntry> jaasConfigEntries) {
        // configured by its constructor
    }

    @Override
    public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
        for (Callback callback : callbacks) {
            if (callback instanceof OAuthBearerValidatorCallback token) {
                validate(token);
            } else if (callback instanceof OAuthBearerExtensionsValidatorCallback extensions) {
                extensions.inputExtensions().map().keySet().forEach(extensions::valid);
            } else {
                throw new UnsupportedCallbackException(callback);
            }
        }
    }

    private void validate(OAuthBearerValidatorCallback callback) {
        try {
            JwtAccessToken token = validator.validate(callback.tokenValue());
            attempt.presented(token.principalName());
            callback.token(token);
        } catch (InvalidTokenException e) {
            attempt.presented(e.claimedSubject());
            attempt.refused(e.getMessage());
            callback.error("invalid_token", null, null);
        }
    }

    @Override
    public void close() {
        // holds nothing
    }
}

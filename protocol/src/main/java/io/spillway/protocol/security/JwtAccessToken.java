package io.spillway.protocol.security;

import org.apache.kafka.common.security.oauthbearer.OAuthBearerToken;

import java.util.Set;

/**
 * A JWT access token that passed validation, as kafka-clients' OAUTHBEARER server wants it. Immutable.
 *
 * @param value the token as the client sent it (a bearer credential: {@link #toString()} leaves it out)
 * @param scope the token's scopes
 * @param lifetimeMs when the token expires (its exp claim), in ms since the epoch
 * @param principalName the principal (the sub claim, or the claim named by sasl.oauthbearer.sub.claim.name)
 * @param startTimeMs when it was issued (iat), in ms since the epoch
 */
public record JwtAccessToken(String value, Set<String> scope, long lifetimeMs, String principalName,
                             Long startTimeMs) implements OAuthBearerToken {
    public JwtAccessToken {
        scope = Set.copyOf(scope);
    }

    @Override
    public String toString() {
        return "JwtAccessToken[principal=" + principalName + ", scope=" + scope + ", lifetimeMs=" + lifetimeMs
                + ", startTimeMs=" + startTimeMs + "]";
    }
}

package io.spillway.protocol.security;

import org.apache.kafka.common.config.SaslConfigs;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a listener checks OAUTHBEARER tokens: Kafka's broker settings of KIP-768, with Kafka's names and defaults
 * (those of the kafka-clients version Spillway is built with). As in that version, the audience and the issuer must
 * be checked unless an operator opts out with {@code sasl.oauthbearer.allow.unverified.audience} / {@code .issuer}:
 * a token minted for another service, or by another issuer whose keys happen to be in the JWKS, must not get in.
 * Immutable.
 *
 * @param jwksUrl where the identity provider's signing keys are: a {@code file:} URL (re-read when the file
 *     changes) or an {@code http:}/{@code https:} URL (fetched, cached, refreshed)
 * @param jwksRefreshMs how long keys fetched over HTTP are kept before they are fetched again
 * @param expectedAudience the token's {@code aud} must contain one of these; empty only with
 *     {@code allowUnverifiedAudience}
 * @param expectedIssuer the token's {@code iss} must be this; null only with {@code allowUnverifiedIssuer}
 * @param subClaimName the claim that names the principal
 * @param scopeClaimName the claim that holds the token's scopes
 * @param clockSkewSeconds how far the identity provider's clock may be from ours when exp, nbf are checked
 */
public record OAuthBearerSettings(URI jwksUrl, long jwksRefreshMs, List<String> expectedAudience,
                                  String expectedIssuer, boolean allowUnverifiedAudience,
                                  boolean allowUnverifiedIssuer, String subClaimName, String scopeClaimName,
                                  int clockSkewSeconds) {
    public static final String JWKS_ENDPOINT_URL = SaslConfigs.SASL_OAUTHBEARER_JWKS_ENDPOINT_URL;
    public static final String JWKS_REFRESH_MS = SaslConfigs.SASL_OAUTHBEARER_JWKS_ENDPOINT_REFRESH_MS;
    public static final String EXPECTED_AUDIENCE = SaslConfigs.SASL_OAUTHBEARER_EXPECTED_AUDIENCE;
    public static final String EXPECTED_ISSUER = SaslConfigs.SASL_OAUTHBEARER_EXPECTED_ISSUER;
    public static final String ALLOW_UNVERIFIED_AUDIENCE = SaslConfigs.SASL_OAUTHBEARER_ALLOW_UNVERIFIED_AUDIENCE;
    public static final String ALLOW_UNVERIFIED_ISSUER = SaslConfigs.SASL_OAUTHBEARER_ALLOW_UNVERIFIED_ISSUER;
    public static final String SUB_CLAIM_NAME = SaslConfigs.SASL_OAUTHBEARER_SUB_CLAIM_NAME;
    public static final String SCOPE_CLAIM_NAME = SaslConfigs.SASL_OAUTHBEARER_SCOPE_CLAIM_NAME;
    public static final String CLOCK_SKEW_SECONDS = SaslConfigs.SASL_OAUTHBEARER_CLOCK_SKEW_SECONDS;
    /** Every setting name starts with this. */
    public static final String PREFIX = "sasl.oauthbearer.";

    public OAuthBearerSettings {
        expectedAudience = List.copyOf(expectedAudience);
    }

    /**
     * The settings from Kafka-named values ({@code sasl.oauthbearer.*}; others are ignored), defaults filled in.
     *
     * @throws IllegalArgumentException naming the setting that is missing or wrong
     */
    public static OAuthBearerSettings parse(Map<String, String> settings) {
        String url = trimmed(settings.get(JWKS_ENDPOINT_URL));
        if (url == null) {
            throw new IllegalArgumentException(JWKS_ENDPOINT_URL + " is not set: tokens are checked against the "
                    + "identity provider's signing keys (a file: or https: URL of its JWKS); unsigned tokens are never "
                    + "accepted");
        }
        List<String> audience = Arrays.stream(settings.getOrDefault(EXPECTED_AUDIENCE, "").split(","))
                .map(String::trim).filter(a -> !a.isEmpty()).toList();
        String issuer = trimmed(settings.get(EXPECTED_ISSUER));
        boolean anyAudience = bool(settings, ALLOW_UNVERIFIED_AUDIENCE);
        boolean anyIssuer = bool(settings, ALLOW_UNVERIFIED_ISSUER);
        if (audience.isEmpty() && !anyAudience) {
            throw new IllegalArgumentException(EXPECTED_AUDIENCE + " is not set: set it to the audience(s) that "
                    + "tokens for this cluster carry in their aud claim, or set " + ALLOW_UNVERIFIED_AUDIENCE
                    + "=true to accept tokens for any audience (as in Kafka)");
        }
        if (issuer == null && !anyIssuer) {
            throw new IllegalArgumentException(EXPECTED_ISSUER + " is not set: set it to the iss claim of the "
                    + "identity provider's tokens, or set " + ALLOW_UNVERIFIED_ISSUER + "=true to accept tokens "
                    + "of any issuer (as in Kafka)");
        }
        long refreshMs = number(settings, JWKS_REFRESH_MS, SaslConfigs.DEFAULT_SASL_OAUTHBEARER_JWKS_ENDPOINT_REFRESH_MS);
        long skew = number(settings, CLOCK_SKEW_SECONDS, SaslConfigs.DEFAULT_SASL_OAUTHBEARER_CLOCK_SKEW_SECONDS);
        if (refreshMs < 1000) {
            throw new IllegalArgumentException(JWKS_REFRESH_MS + " must be at least 1000");
        }
        if (skew < 0 || skew > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(CLOCK_SKEW_SECONDS + " must be 0 or more");
        }
        return new OAuthBearerSettings(jwksUri(url), refreshMs, audience, issuer, anyAudience, anyIssuer,
                claimName(settings, SUB_CLAIM_NAME, SaslConfigs.DEFAULT_SASL_OAUTHBEARER_SUB_CLAIM_NAME),
                claimName(settings, SCOPE_CLAIM_NAME, SaslConfigs.DEFAULT_SASL_OAUTHBEARER_SCOPE_CLAIM_NAME),
                (int) skew);
    }

    /** The JWKS file, or null when the keys come from an HTTP endpoint. */
    public Path jwksFile() {
        return "file".equalsIgnoreCase(jwksUrl.getScheme()) ? Path.of(jwksUrl) : null;
    }

    private static URI jwksUri(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(JWKS_ENDPOINT_URL + " '" + value + "' is not a URL: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean usable = scheme.equals("file") ? isLocalFile(uri)
                : (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        if (!usable) {
            throw new IllegalArgumentException(JWKS_ENDPOINT_URL + " '" + value + "' must be a file: URL with an absolute "
                    + "path (e.g. file:///etc/spillway/jwks.json) or an http(s): URL of the identity provider's JWKS");
        }
        return uri;
    }

    private static boolean isLocalFile(URI uri) {
        try {
            Path.of(uri);
            return true;
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException notAPath) {
            return false;
        }
    }

    private static String claimName(Map<String, String> settings, String key, String defaultName) {
        String name = settings.containsKey(key) ? trimmed(settings.get(key)) : defaultName;
        if (name == null) {
            throw new IllegalArgumentException(key + " is empty: name the claim (default " + defaultName + ")");
        }
        return name;
    }

    private static long number(Map<String, String> settings, String key, long defaultValue) {
        String value = trimmed(settings.get(key));
        try {
            return value == null ? defaultValue : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " '" + value + "' is not a whole number", e);
        }
    }

    private static boolean bool(Map<String, String> settings, String key) {
        String value = trimmed(settings.get(key));
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new IllegalArgumentException(key + " '" + value + "' must be true or false");
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}

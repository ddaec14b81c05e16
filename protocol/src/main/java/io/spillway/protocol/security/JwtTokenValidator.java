package io.spillway.protocol.security;

import io.spillway.common.Time;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodeValidator;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.UnresolvableKeyException;

import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks an OAUTHBEARER access token as Kafka's broker does (KIP-768): a JWS-signed JWT whose signature verifies
 * with a key of the identity provider's JWKS (chosen by the token's kid and alg; unsigned tokens never pass), that
 * has not expired (exp, required, with the configured clock skew), was issued (iat, required), is for this cluster
 * (aud) from the expected issuer (iss), and names its principal in the sub claim (or the one configured). Scopes
 * come from the scope claim, a space-separated string (RFC 8693) or a list.
 *
 * <p>A refusal says why in a message that never holds the token: jose4j's own messages quote it, so they are
 * rewritten here. Thread safe; the clock is injected.
 */
public final class JwtTokenValidator {
    /** The first pass only reads the token (header and claims) so that a refusal can name its subject and kid. */
    private static final JwtConsumer READER = new JwtConsumerBuilder().setSkipAllValidators()
            .setDisableRequireSignature().setSkipSignatureVerification().build();

    private static final int MAX_LOGGED_CLAIM_CHARS = 200;

    private final OAuthBearerSettings settings;
    private final VerificationKeyResolver keys;
    private final Time time;

    JwtTokenValidator(OAuthBearerSettings settings, VerificationKeyResolver keys, Time time) {
        this.settings = settings;
        this.keys = keys;
        this.time = time;
    }

    /**
     * A validator with the keys the settings point at: a JWKS file is read now, an HTTP endpoint fetched now.
     *
     * @throws IllegalArgumentException when a JWKS file cannot be read (an endpoint that is down is only logged)
     */
    public static JwtTokenValidator create(OAuthBearerSettings settings, Time time) {
        VerificationKeyResolver keys = settings.jwksFile() != null ? JwksFileKeys.open(settings.jwksFile())
                : JwksEndpointKeys.open(settings.jwksUrl(), settings.jwksRefreshMs());
        return new JwtTokenValidator(settings, keys, time);
    }

    /** @throws InvalidTokenException saying why the token is refused (safe to log) */
    public JwtAccessToken validate(String token) throws InvalidTokenException {
        JwtContext read;
        try {
            read = READER.process(token);
        } catch (InvalidJwtException e) {
            throw new InvalidTokenException("the token is not a JWT (a JWS compact serialization: three base64url "
                    + "parts separated by dots, with JSON header and claims)", null);
        }
        if (read.getJoseObjects().size() != 1 || !(read.getJoseObjects().get(0) instanceof JsonWebSignature jws)) {
            throw new InvalidTokenException("the token is encrypted or nested; only signed JWTs are accepted", null);
        }
        JwtClaims claims = read.getJwtClaims();
        String subject = stringClaim(claims, settings.subClaimName());
        String claimedSubject = loggable(subject); // not verified yet: for the log of a refusal
        if ("none".equals(jws.getAlgorithmHeaderValue())) {
            throw new InvalidTokenException("the token is unsigned (alg none)", claimedSubject);
        }
        try {
            consumer().processContext(read);
        } catch (InvalidJwtException e) {
            throw new InvalidTokenException(redact(reason(e, jws, claims, token), token), claimedSubject);
        }
        if (subject == null || subject.isBlank()) {
            throw new InvalidTokenException("the token has no " + settings.subClaimName() + " claim naming its "
                    + "principal (" + OAuthBearerSettings.SUB_CLAIM_NAME + ")", null);
        }
        try {
            return new JwtAccessToken(token, scopes(claims.getClaimValue(settings.scopeClaimName())),
                    claims.getExpirationTime().getValueInMillis(), subject,
                    claims.getIssuedAt().getValueInMillis());
        } catch (MalformedClaimException e) {
            throw new InvalidTokenException("the token's exp or iat claim is not a number", claimedSubject);
        }
    }

    /** The checking pass, evaluated at the injected clock's time (cheap to build: a few fields). */
    private JwtConsumer consumer() {
        JwtConsumerBuilder builder = new JwtConsumerBuilder()
                .setVerificationKeyResolver(keys)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.DISALLOW_NONE)
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setAllowedClockSkewInSeconds(settings.clockSkewSeconds())
                .setEvaluationTime(NumericDate.fromMilliseconds(time.nowMs()));
        if (settings.expectedAudience().isEmpty()) {
            builder.setSkipDefaultAudienceValidation();
        } else {
            builder.setExpectedAudience(settings.expectedAudience().toArray(new String[0]));
        }
        if (settings.expectedIssuer() != null) {
            builder.setExpectedIssuer(settings.expectedIssuer());
        }
        return builder.build();
    }

    /** Why jose4j refused the token, in our words: its own messages quote the whole token. */
    private String reason(InvalidJwtException e, JsonWebSignature jws, JwtClaims claims, String token) {
        String kid = loggable(jws.getKeyIdHeaderValue());
        String alg = loggable(jws.getAlgorithmHeaderValue());
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
            return "the signature does not verify with the JWKS key for kid '" + kid + "' and alg '" + alg + "'";
        }
        UnresolvableKeyException noKey = cause(e, UnresolvableKeyException.class);
        if (noKey != null) {
            IOException unreadable = cause(noKey, IOException.class);
            return unreadable != null
                    ? "the JWKS cannot be read (" + unreadable.getMessage() + ") to find the key for kid '" + kid + "'"
                    : "no key in the JWKS matches kid '" + kid + "' and alg '" + alg + "'";
        }
        if (e.hasExpired()) {
            return "the token expired at " + instant(claims, "exp") + " (allowed clock skew "
                    + settings.clockSkewSeconds() + " s)";
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return "the token's audience " + audience(claims) + " is none of the expected "
                    + settings.expectedAudience() + " (" + OAuthBearerSettings.EXPECTED_AUDIENCE + ")";
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return "the token's issuer '" + loggable(stringClaim(claims, "iss")) + "' is not the expected '"
                    + settings.expectedIssuer() + "' (" + OAuthBearerSettings.EXPECTED_ISSUER + ")";
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            return "the token has no exp claim";
        }
        if (e.hasErrorCode(ErrorCodes.ISSUED_AT_MISSING)) {
            return "the token has no iat claim";
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            return "the token is not valid before " + instant(claims, "nbf");
        }
        List<ErrorCodeValidator.Error> details = e.getErrorDetails();
        return "the token is refused: " + (details.isEmpty() ? e.getClass().getSimpleName()
                : loggable(redact(details.get(0).getErrorMessage(), token)));
    }

    /** Belt and braces for messages taken from jose4j: neither the token nor its signature ever reach a log. */
    static String redact(String message, String token) {
        if (token.isEmpty()) {
            return message;
        }
        String out = message.replace(token, "[token]");
        int lastDot = token.lastIndexOf('.');
        String signature = lastDot < 0 ? "" : token.substring(lastDot + 1);
        return signature.length() < 8 ? out : out.replace(signature, "[signature]");
    }

    private static Set<String> scopes(Object claim) {
        Set<String> out = new LinkedHashSet<>();
        if (claim instanceof String s) {
            for (String scope : s.trim().split("\\s+")) {
                if (!scope.isEmpty()) {
                    out.add(scope);
                }
            }
        } else if (claim instanceof Collection<?> list) {
            for (Object scope : list) {
                if (scope instanceof String s && !s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }

    private static String stringClaim(JwtClaims claims, String name) {
        Object value = claims.getClaimValue(name);
        return value instanceof String s ? s : null;
    }

    private static String audience(JwtClaims claims) {
        Object aud = claims.getClaimValue("aud");
        return aud == null ? "(none)" : loggable(aud.toString());
    }

    /**
     * A claim value fit for a log line: claims of a refused token are whatever its sender wrote, so line breaks and
     * other control characters are replaced and the length is bounded.
     */
    static String loggable(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_LOGGED_CLAIM_CHARS));
        for (int i = 0; i < value.length() && out.length() < MAX_LOGGED_CLAIM_CHARS; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return value.length() > MAX_LOGGED_CLAIM_CHARS ? out + "..." : out.toString();
    }

    private static String instant(JwtClaims claims, String name) {
        Object value = claims.getClaimValue(name);
        return value instanceof Number n ? Instant.ofEpochSecond(n.longValue()).toString()
                : loggable(String.valueOf(value));
    }

    private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}

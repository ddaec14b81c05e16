package io.spillway.http.rest;

import io.spillway.broker.ScramCredentials;
import io.spillway.http.Request;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * HTTP Basic authentication against the broker's SCRAM users, so the REST API has the same users as the SASL
 * listeners and keeps no passwords of its own: the password is checked by salting it with the stored salt and
 * iteration count and comparing the derived StoredKey (RFC 5802) with the stored one, as PLAIN does on a SASL listener.
 * When the broker has no security (no SCRAM user, no SASL or TLS listener, no authorizer: the embedded default) every
 * caller is {@code User:ANONYMOUS}, as on the PLAINTEXT listener.
 *
 * <p>Thread safe. {@link #authenticate} derives a key with thousands of HMAC rounds: call it off the event loop.
 */
public final class BasicAuthenticator {
    /** Tried in this order; PLAIN on the SASL listeners prefers SHA-512 too. */
    private static final List<ScramMechanism> MECHANISMS = List.of(ScramMechanism.SCRAM_SHA_512,
            ScramMechanism.SCRAM_SHA_256);

    private final ScramCredentials credentials;
    private final BooleanSupplier required;

    /**
     * @param required whether callers must authenticate now (asked at each call: the first SCRAM user may be
     *     created while the broker runs)
     */
    public BasicAuthenticator(ScramCredentials credentials, BooleanSupplier required) {
        this.credentials = credentials;
        this.required = required;
    }

    /**
     * The caller of {@code request}.
     *
     * @throws RestException 401 when authentication is required and the request has no valid Basic credentials
     */
    public Caller authenticate(Request request) {
        String header = request.headers().get("authorization");
        if (!required.getAsBoolean()) {
            return Caller.anonymous(request.remoteAddress());
        }
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw unauthorized("This broker has users: authenticate with HTTP Basic as a SCRAM user "
                    + "(e.g. curl -u alice:password)");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw unauthorized("The Authorization header's Basic credentials are not valid base64");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw unauthorized("The Basic credentials must be user:password");
        }
        String user = decoded.substring(0, colon);
        if (!passwordMatches(user, decoded.substring(colon + 1))) {
            throw unauthorized("Authentication failed for user '" + user + "': unknown user or wrong password");
        }
        return new Caller(new KafkaPrincipal(KafkaPrincipal.USER_TYPE, user), request.remoteAddress(), true);
    }

    /** Whether {@code password} is the user's, checked against the user's SCRAM credential. */
    boolean passwordMatches(String user, String password) {
        for (ScramMechanism mechanism : MECHANISMS) {
            ScramCredential credential = credentials.lookup(user, mechanism.mechanismName());
            if (credential != null) {
                return matches(mechanism, credential, password);
            }
        }
        return false;
    }

    static boolean matches(ScramMechanism mechanism, ScramCredential credential, String password) {
        try {
            ScramFormatter formatter = new ScramFormatter(mechanism);
            byte[] salted = formatter.saltedPassword(password, credential.salt(), credential.iterations());
            return MessageDigest.isEqual(formatter.storedKey(formatter.clientKey(salted)), credential.storedKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SCRAM " + mechanism.mechanismName() + " is not available in this JVM", e);
        }
    }

    private static RestException unauthorized(String message) {
        return new RestException(401, "SASL_AUTHENTICATION_FAILED", message);
    }
}

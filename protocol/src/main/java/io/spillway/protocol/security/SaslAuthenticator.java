package io.spillway.protocol.security;

import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.authenticator.SaslInternalConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import java.util.ArrayList;
import java.util.List;

/**
 * The SASL exchange of one connection on a SASL listener, as Kafka runs it: SaslHandshake names the mechanism,
 * then SaslAuthenticate requests carry the mechanism's tokens until the server is satisfied; after a SaslHandshake
 * v0 the tokens come as bare size-prefixed frames instead (old clients, and librdkafka's feature check wants v0
 * advertised). Until
 * then the connection may send only ApiVersions besides these two (the caller enforces that). A failure is
 * answered (SASL_AUTHENTICATION_FAILED, UNSUPPORTED_SASL_MECHANISM, ILLEGAL_SASL_STATE) and ends the connection;
 * the log names the user and the address, never a password or token.
 *
 * <p>Not thread safe: called on the connection's serial executor, one request at a time.
 */
public final class SaslAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(SaslAuthenticator.class);

    /**
     * A token valid for centuries still gets a session of at most this, renewed after it: clients turn the
     * lifetime into nanoseconds with overflow checks (Kafka's Java client fails on a huge one).
     */
    private static final long MAX_CREDENTIAL_SESSION_MS = java.time.Duration.ofDays(365).toMillis();

    private enum State { HANDSHAKE, AUTHENTICATE, COMPLETE, FAILED }

    private final List<String> enabledMechanisms;
    private final SaslServers servers;
    private final JwtTokenValidator oauthBearer;
    private final String listenerName;
    private final String clientAddress;
    private final SaslServers.Attempt attempt = new SaslServers.Attempt();
    private State state = State.HANDSHAKE;
    private String mechanism;
    private SaslServer server;
    private KafkaPrincipal principal;
    /** After SaslHandshake v0: tokens arrive as bare frames, not in SaslAuthenticate requests. */
    private boolean rawTokens;
    private final long reauthMs;
    /** The principal of the session being renewed (KIP-368), or null for a first authentication. */
    private final KafkaPrincipal renewing;
    private long sessionLifetimeMs;

    public SaslAuthenticator(List<String> enabledMechanisms, SaslServers servers, String listenerName,
                             String clientAddress) {
        this(enabledMechanisms, servers, null, listenerName, clientAddress, 0, null);
    }

    /**
     * @param oauthBearer the listener's OAUTHBEARER token validator, null when it does not enable OAUTHBEARER
     * @param reauthMs connections.max.reauth.ms: the session lifetime told to clients that can re-authenticate
     * @param renewing the connection's principal when this is a re-authentication, else null
     */
    public SaslAuthenticator(List<String> enabledMechanisms, SaslServers servers, JwtTokenValidator oauthBearer,
                             String listenerName, String clientAddress, long reauthMs, KafkaPrincipal renewing) {
        this.reauthMs = reauthMs;
        this.renewing = renewing;
        this.enabledMechanisms = List.copyOf(enabledMechanisms);
        this.servers = servers;
        this.oauthBearer = oauthBearer;
        this.listenerName = listenerName;
        this.clientAddress = clientAddress;
    }

    public boolean isComplete() {
        return state == State.COMPLETE;
    }

    /** Whether the exchange failed: the connection is to be closed once the answer is written. */
    public boolean failed() {
        return state == State.FAILED;
    }

    /** The authenticated principal ({@code User:name}); null until {@link #isComplete()}. */
    public KafkaPrincipal principal() {
        return principal;
    }

    /** Whether the next frame is a bare token ({@link #evaluateRawToken}), not a Kafka request. */
    public boolean awaitsRawToken() {
        return rawTokens && state == State.AUTHENTICATE;
    }

    /**
     * One bare token after SaslHandshake v0; returns the challenge to send back as a bare frame, or null when
     * authentication failed (the connection is then closed without an answer, as Kafka does).
     */
    public byte[] evaluateRawToken(byte[] token) {
        SaslAuthenticateResponseData response = authenticate(new SaslAuthenticateRequestData().setAuthBytes(token));
        return response.errorCode() == Errors.NONE.code() ? response.authBytes() : null;
    }

    public SaslHandshakeResponseData handshake(SaslHandshakeRequestData request, short version) {
        SaslHandshakeResponseData response = new SaslHandshakeResponseData()
                .setMechanisms(new ArrayList<>(enabledMechanisms));
        if (state != State.HANDSHAKE) {
            fail("a second SaslHandshake");
            return response.setErrorCode(Errors.ILLEGAL_SASL_STATE.code());
        }
        if (!enabledMechanisms.contains(request.mechanism())) {
            state = State.FAILED;
            log.warn("SASL authentication from {} on listener {} refused: mechanism '{}' is not enabled (enabled: {})",
                    clientAddress, listenerName, request.mechanism(), enabledMechanisms);
            return response.setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code());
        }
        mechanism = request.mechanism();
        server = servers.create(mechanism, attempt, oauthBearer);
        state = State.AUTHENTICATE;
        rawTokens = version == 0;
        return response.setErrorCode(Errors.NONE.code());
    }

    /**
     * The session's lifetime in ms, once complete, after which the client must re-authenticate or is disconnected;
     * 0 for a session as long as the connection. It is connections.max.reauth.ms for a client that was told it
     * (SaslAuthenticate v1+), and never beyond the expiry of an expiring credential (an OAUTHBEARER token), for any
     * client, as in Kafka.
     */
    public long sessionLifetimeMs() {
        return sessionLifetimeMs;
    }

    public SaslAuthenticateResponseData authenticate(SaslAuthenticateRequestData request) {
        return authenticate(request, (short) 0);
    }

    /** @param version the SaslAuthenticate version: from v1 on, the session lifetime is sent */
    public SaslAuthenticateResponseData authenticate(SaslAuthenticateRequestData request, short version) {
        SaslAuthenticateResponseData response = new SaslAuthenticateResponseData().setAuthBytes(new byte[0]);
        if (state != State.AUTHENTICATE) {
            fail("SaslAuthenticate " + (state == State.HANDSHAKE ? "before SaslHandshake" : "after authentication"));
            return response.setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
                    .setErrorMessage("Unexpected SaslAuthenticate request: send SaslHandshake first, once");
        }
        try {
            byte[] challenge = server.evaluateResponse(request.authBytes());
            if (server.isComplete()) {
                principal = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, server.getAuthorizationID());
                Long credentialExpiresAtMs = (Long) server.getNegotiatedProperty(
                        SaslInternalConfigs.CREDENTIAL_LIFETIME_MS_SASL_NEGOTIATED_PROPERTY_KEY);
                dispose();
                if (renewing != null && !renewing.equals(principal)) {
                    return failedLogin(response, "Cannot change principals during re-authentication from "
                            + renewing + " to " + principal, null);
                }
                state = State.COMPLETE;
                startSession(response, version, credentialExpiresAtMs);
                log.debug("{} authenticated with {} from {} on listener {}", principal, mechanism, clientAddress,
                        listenerName);
            }
            return response.setErrorCode(Errors.NONE.code()).setAuthBytes(challenge == null ? new byte[0] : challenge);
        } catch (SaslAuthenticationException e) {
            return failedLogin(response, e.getMessage(), null);
        } catch (SaslException | RuntimeException e) {
            // A malformed token or a mechanism error: the client learns only that authentication failed.
            return failedLogin(response, "Authentication failed during authentication due to invalid credentials "
                    + "with SASL mechanism " + mechanism, e);
        }
    }

    /**
     * The session lasts until connections.max.reauth.ms (for clients that can renew it) or the credential's expiry,
     * whichever is first. A credential that expired within the allowed clock skew still authenticates, but its
     * session ends at once: the client is told no lifetime (it cannot renew with that credential) and the
     * connection is closed at its next request, as Kafka does.
     */
    private void startSession(SaslAuthenticateResponseData response, short version, Long credentialExpiresAtMs) {
        long lifetimeMs = reauthMs > 0 && version >= 1 ? reauthMs : Long.MAX_VALUE;
        if (credentialExpiresAtMs != null) {
            lifetimeMs = Math.min(Math.min(lifetimeMs, MAX_CREDENTIAL_SESSION_MS),
                    credentialExpiresAtMs - servers.time().nowMs());
        }
        if (lifetimeMs == Long.MAX_VALUE) {
            return;
        }
        sessionLifetimeMs = Math.max(1, lifetimeMs);
        if (version >= 1) {
            response.setSessionLifetimeMs(Math.max(0, lifetimeMs));
        }
    }

    private SaslAuthenticateResponseData failedLogin(SaslAuthenticateResponseData response, String message,
                                                     Exception cause) {
        state = State.FAILED;
        dispose();
        String user = attempt.user();
        // The cause names what did not match or parse (proof, nonce, message format); mechanisms never put
        // passwords or keys into their exception messages. A refused token's reason is our own words, without it.
        String why = attempt.refusal() != null ? attempt.refusal() : message;
        log.warn("SASL {} authentication of {} from {} on listener {} failed: {}{}", mechanism,
                user == null ? "a client that sent no user name" : "user '" + user + "'", clientAddress, listenerName,
                why, cause == null ? "" : " (" + cause.getMessage() + ")");
        return response.setErrorCode(Errors.SASL_AUTHENTICATION_FAILED.code()).setErrorMessage(message);
    }

    private void fail(String what) {
        state = State.FAILED;
        dispose();
        log.warn("Closing connection from {} on listener {}: {} is out of order in the SASL exchange", clientAddress,
                listenerName, what);
    }

    private void dispose() {
        if (server != null) {
            try {
                server.dispose();
            } catch (SaslException ignored) {
                // nothing held that matters
            }
        }
    }
}

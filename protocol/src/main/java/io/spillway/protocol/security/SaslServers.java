package io.spillway.protocol.security;

import io.spillway.common.Time;
import org.apache.kafka.common.security.oauthbearer.internals.OAuthBearerSaslServer;
import org.apache.kafka.common.security.plain.PlainAuthenticateCallback;
import org.apache.kafka.common.security.plain.internals.PlainSaslServer;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.ScramCredentialCallback;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramSaslServer;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.SaslServer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes the SASL server of one authentication: PLAIN, SCRAM-SHA-256/512 and OAUTHBEARER, the mechanism
 * implementations of kafka-clients (the ones Kafka's broker runs), with credentials from the broker's SCRAM store
 * or, for OAUTHBEARER, the listener's token validator. PLAIN checks the password against the user's SCRAM
 * credential (salted and hashed as SCRAM does), so no password is kept anywhere. Thread safe; each server it makes
 * belongs to one connection.
 */
public final class SaslServers {
    public static final String PLAIN = "PLAIN";
    public static final String OAUTHBEARER = "OAUTHBEARER";
    public static final Set<String> SUPPORTED = Set.of(PLAIN, "SCRAM-SHA-256", "SCRAM-SHA-512", OAUTHBEARER);
    /** PLAIN tries the user's credentials in this order. */
    private static final List<ScramMechanism> PLAIN_CHECKS = List.of(ScramMechanism.SCRAM_SHA_512,
            ScramMechanism.SCRAM_SHA_256);

    private final ScramCredentialLookup credentials;
    private final Time time;

    public SaslServers(ScramCredentialLookup credentials) {
        this(credentials, Time.SYSTEM);
    }

    /** @param time the clock that the expiry of expiring credentials (OAUTHBEARER tokens) is measured against */
    public SaslServers(ScramCredentialLookup credentials, Time time) {
        this.credentials = credentials;
        this.time = time;
    }

    Time time() {
        return time;
    }

    /**
     * The user name a client presented, known once its first message was read, and why it was refused when the
     * mechanism knows more than its error says (for logs of failures).
     */
    public static final class Attempt {
        private volatile String user;
        private volatile String refusal;

        public String user() {
            return user;
        }

        /** Why the credential was refused, in words safe to log; null when the mechanism did not say. */
        public String refusal() {
            return refusal;
        }

        void presented(String name) {
            user = name;
        }

        void refused(String reason) {
            refusal = reason;
        }
    }

    /**
     * @param oauthBearer the listener's token validator; needed only for OAUTHBEARER
     * @throws IllegalArgumentException for a mechanism not in {@link #SUPPORTED}, or OAUTHBEARER without a validator
     */
    public SaslServer create(String mechanism, Attempt attempt, JwtTokenValidator oauthBearer) {
        if (OAUTHBEARER.equals(mechanism)) {
            if (oauthBearer == null) {
                throw new IllegalArgumentException("OAUTHBEARER needs the listener's token validator");
            }
            return new OAuthBearerSaslServer(new OAuthBearerCallbacks(oauthBearer, attempt));
        }
        if (PLAIN.equals(mechanism)) {
            return new PlainSaslServer(callbacks -> handlePlain(callbacks, attempt));
        }
        ScramMechanism scram = ScramMechanism.forMechanismName(mechanism);
        if (scram == null) {
            throw new IllegalArgumentException("unsupported SASL mechanism " + mechanism);
        }
        try {
            return new ScramSaslServer(scram, Map.of(), callbacks -> handleScram(callbacks, mechanism, attempt));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM lacks " + scram.hashAlgorithm() + " for " + mechanism, e);
        }
    }

    private void handleScram(Callback[] callbacks, String mechanism, Attempt attempt)
            throws UnsupportedCallbackException {
        String user = null;
        for (Callback callback : callbacks) {
            if (callback instanceof NameCallback name) {
                user = name.getDefaultName();
                attempt.user = user;
            } else if (callback instanceof ScramCredentialCallback credential) {
                credential.scramCredential(user == null ? null : credentials.lookup(user, mechanism));
            } else {
                throw new UnsupportedCallbackException(callback, "not supported (delegation tokens are not)");
            }
        }
    }

    private void handlePlain(Callback[] callbacks, Attempt attempt) throws UnsupportedCallbackException {
        String user = null;
        for (Callback callback : callbacks) {
            if (callback instanceof NameCallback name) {
                user = name.getDefaultName();
                attempt.user = user;
            } else if (callback instanceof PlainAuthenticateCallback plain) {
                plain.authenticated(user != null && passwordMatches(user, plain.password()));
            } else {
                throw new UnsupportedCallbackException(callback);
            }
        }
    }

    /** Whether the password, salted and hashed as SCRAM does with the user's stored salt, gives the stored key. */
    private boolean passwordMatches(String user, char[] password) {
        for (ScramMechanism mechanism : PLAIN_CHECKS) {
            ScramCredential credential = credentials.lookup(user, mechanism.mechanismName());
            if (credential == null) {
                continue;
            }
            try {
                ScramFormatter formatter = new ScramFormatter(mechanism);
                byte[] salted = formatter.saltedPassword(new String(password), credential.salt(),
                        credential.iterations());
                byte[] storedKey = formatter.storedKey(formatter.clientKey(salted));
                return MessageDigest.isEqual(storedKey, credential.storedKey());
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException("this JVM cannot compute " + mechanism.mechanismName(), e);
            }
        }
        return false;
    }
}

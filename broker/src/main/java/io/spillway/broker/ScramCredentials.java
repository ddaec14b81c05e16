package io.spillway.broker;

import io.spillway.meta.MetadataStore;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * Users' SCRAM credentials (SCRAM-SHA-256 and SCRAM-SHA-512), kept durably in the {@link MetadataStore}: what SASL
 * authentication looks up, and how startup bootstrap users get theirs. Only the salt, stored key, server key and
 * iteration count are kept (RFC 5802), never a password or salted password.
 *
 * <p>Thread safe.
 */
public final class ScramCredentials {
    private static final Logger log = LoggerFactory.getLogger(ScramCredentials.class);
    /** Bytes of random salt for credentials made from a password here. */
    private static final int SALT_BYTES = 32;

    private final MetadataStore meta;
    private final SecureRandom random = new SecureRandom();

    public ScramCredentials(MetadataStore meta) {
        this.meta = meta;
    }

    /**
     * @param mechanism "SCRAM-SHA-256" or "SCRAM-SHA-512"
     * @return the user's credential for the mechanism (a copy), or null when there is none
     */
    public ScramCredential lookup(String user, String mechanism) {
        return meta.scramCredential(user, mechanism);
    }

    /** Whether any user has a SCRAM credential (then the HTTP API asks for a password too). */
    public boolean hasUsers() {
        return !meta.scramUsers().isEmpty();
    }

    /**
     * Gives a user a credential for a mechanism made from a plaintext password (with a random salt), unless the user
     * already has one for that mechanism: a bootstrap user's password changed later through the admin API stays
     * changed. The password is neither stored nor logged.
     *
     * @throws IllegalArgumentException for an empty user name or password, an unknown mechanism, or iterations
     *     outside the mechanism's range
     */
    public void bootstrap(String user, String mechanism, String password, int iterations) {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("A SCRAM bootstrap user needs a name");
        }
        ScramMechanism scram = mechanism(mechanism);
        if (scram == null) {
            throw new IllegalArgumentException("Unknown SCRAM mechanism '" + mechanism + "' for bootstrap user '" + user
                    + "'; use SCRAM-SHA-256 or SCRAM-SHA-512");
        }
        String problem = iterationsProblem(scram, iterations);
        if (problem != null) {
            throw new IllegalArgumentException(problem + " (bootstrap user '" + user + "')");
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("Bootstrap user '" + user + "' needs a non-empty password");
        }
        if (meta.scramCredential(user, mechanism) != null) {
            log.info("Bootstrap user '{}' already has a {} credential; keeping it", user, mechanism);
            return;
        }
        byte[] salt = new byte[SALT_BYTES];
        synchronized (random) {
            random.nextBytes(salt);
        }
        ScramCredential credential;
        try {
            ScramFormatter formatter = new ScramFormatter(scram);
            credential = fromSaltedPassword(scram, salt, formatter.saltedPassword(password, salt, iterations), iterations);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot compute a " + mechanism + " credential in this JVM: " + e, e);
        }
        if (meta.setScramCredentialIfAbsent(user, mechanism, credential.salt(), credential.storedKey(),
                credential.serverKey(), iterations)) {
            log.info("Created the {} credential of bootstrap user '{}' ({} iterations)", mechanism, user, iterations);
        } else {
            log.info("Bootstrap user '{}' already has a {} credential; keeping it", user, mechanism);
        }
    }

    /** The SCRAM mechanism of a SASL mechanism name, or null when it is none. */
    public static ScramMechanism mechanism(String name) {
        return name == null ? null : ScramMechanism.forMechanismName(name);
    }

    /** The SCRAM mechanism with this type id (as in AlterUserScramCredentials), or null when it is none. */
    public static ScramMechanism mechanism(byte type) {
        for (ScramMechanism mechanism : ScramMechanism.values()) {
            if (mechanism.type() == type) {
                return mechanism;
            }
        }
        return null;
    }

    /** Why an iteration count is not acceptable for the mechanism, or null when it is. */
    public static String iterationsProblem(ScramMechanism mechanism, int iterations) {
        if (iterations < mechanism.minIterations()) {
            return "Too few iterations for " + mechanism.mechanismName() + ": " + iterations + "; the minimum is "
                    + mechanism.minIterations();
        }
        if (iterations > mechanism.maxIterations()) {
            return "Too many iterations for " + mechanism.mechanismName() + ": " + iterations + "; the maximum is "
                    + mechanism.maxIterations();
        }
        return null;
    }

    /**
     * The credential a SCRAM server keeps for a salted password (RFC 5802): StoredKey = H(HMAC(SaltedPassword,
     * "Client Key")), ServerKey = HMAC(SaltedPassword, "Server Key").
     *
     * @param saltedPassword not empty
     */
    public static ScramCredential fromSaltedPassword(ScramMechanism mechanism, byte[] salt, byte[] saltedPassword,
                                                     int iterations) throws GeneralSecurityException {
        ScramFormatter formatter = new ScramFormatter(mechanism);
        return new ScramCredential(salt, formatter.storedKey(formatter.clientKey(saltedPassword)),
                formatter.serverKey(saltedPassword), iterations);
    }
}

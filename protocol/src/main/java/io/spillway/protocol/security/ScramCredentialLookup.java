package io.spillway.protocol.security;

import org.apache.kafka.common.security.scram.ScramCredential;

/** Where SASL finds a user's SCRAM credential (salt, stored and server key, iterations). Thread safe. */
@FunctionalInterface
public interface ScramCredentialLookup {
    /**
     * @param mechanism "SCRAM-SHA-256" or "SCRAM-SHA-512"
     * @return the credential, or null when the user has none for that mechanism
     */
    ScramCredential lookup(String user, String mechanism);
}

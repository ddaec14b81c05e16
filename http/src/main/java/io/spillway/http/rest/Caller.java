package io.spillway.http.rest;

import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * Who makes a REST call: the principal its Kafka requests run as (what ACLs check) and the client's IP address (what
 * host-based ACLs match). Immutable.
 *
 * @param authenticated whether the principal proved itself (HTTP Basic against the SCRAM users)
 */
public record Caller(KafkaPrincipal principal, String address, boolean authenticated) {
    /** An anonymous caller, as a client of a PLAINTEXT listener without authentication is. */
    public static Caller anonymous(String address) {
        return new Caller(KafkaPrincipal.ANONYMOUS, address, false);
    }
}

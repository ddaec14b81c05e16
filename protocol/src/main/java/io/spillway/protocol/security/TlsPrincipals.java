package io.spillway.protocol.security;

import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.ssl.SslPrincipalMapper;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.security.Principal;

/**
 * The principal of a TLS connection, as Kafka's default principal builder makes it: {@code User:} and the client
 * certificate's subject (RFC 2253) passed through {@code ssl.principal.mapping.rules}; {@code User:ANONYMOUS} when
 * the client presented no certificate. Stateless.
 */
public final class TlsPrincipals {
    private TlsPrincipals() {
    }

    public static KafkaPrincipal of(SSLSession session, SslPrincipalMapper mapper) {
        Principal peer;
        try {
            peer = session.getPeerPrincipal();
        } catch (SSLPeerUnverifiedException noCertificate) {
            return KafkaPrincipal.ANONYMOUS;
        }
        String subject = peer.getName();
        try {
            return new KafkaPrincipal(KafkaPrincipal.USER_TYPE, mapper == null ? subject : mapper.getName(subject));
        } catch (IOException e) {
            throw new IllegalStateException("ssl.principal.mapping.rules cannot map '" + subject + "': " + e.getMessage(),
                    e);
        }
    }

    /** A TLS failure in words for the log (the innermost cause says what was wrong: untrusted, expired, ...). */
    public static String describe(Throwable cause) {
        Throwable t = cause;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == cause ? String.valueOf(cause) : cause.getMessage() + " (" + t + ")";
    }
}

package io.spillway.server;

import io.spillway.broker.ScramCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first users of a SASL broker: {@value #USERS} ({@code name:password,...}) creates each user's SCRAM-SHA-256
 * and SCRAM-SHA-512 credentials at startup unless the user has them already (so a later password change through
 * AlterUserScramCredentials is not undone). Only salted keys are stored; remove the setting once the users exist,
 * as with Kafka's {@code kafka-storage format --add-scram}.
 */
final class SaslBootstrapUsers {
    private static final Logger log = LoggerFactory.getLogger(SaslBootstrapUsers.class);
    static final String USERS = "spillway.sasl.bootstrap.users";
    private static final int ITERATIONS = 8192;

    private SaslBootstrapUsers() {
    }

    static void apply(ServerConfig config, ScramCredentials credentials) {
        String value = config.get(USERS, "");
        for (String entry : value.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.indexOf(':');
            if (colon <= 0 || colon == e.length() - 1) {
                throw new IllegalArgumentException("Invalid entry in " + USERS + " (name:password expected; the entry "
                        + "is not repeated here because it may hold a password)");
            }
            String user = e.substring(0, colon);
            String password = e.substring(colon + 1);
            for (String mechanism : new String[] {"SCRAM-SHA-256", "SCRAM-SHA-512"}) {
                credentials.bootstrap(user, mechanism, password, ITERATIONS);
            }
            log.info("SASL user '{}' is ready (created from {} unless it existed)", user, USERS);
        }
    }
}

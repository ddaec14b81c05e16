package io.spillway.it;

import io.spillway.testkit.Ports;
import io.spillway.testkit.SpillwayProcess;
import io.spillway.testkit.TempDirs;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * kill -9 of the broker (a child process with a PLAINTEXT and a SASL_PLAINTEXT listener) right after SCRAM users
 * were created, changed and deleted through the admin API: after the restart exactly the acknowledged credentials
 * log in.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecurityCrashTest {
    private final Path dataDir = TempDirs.create("spillway-security-crash");
    private SpillwayProcess broker;

    @AfterEach
    void tearDown() {
        if (broker != null) {
            broker.close();
        }
        TempDirs.deleteQuietly(dataDir);
    }

    private SpillwayProcess start(int plainPort, int saslPort) {
        return SpillwayProcess.builder().name("security-crash").dataDir(dataDir).port(plainPort)
                .set("listeners", "PLAINTEXT://127.0.0.1:" + plainPort + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort)
                .start();
    }

    private static Admin admin(String bootstrap, String user, String password) {
        Map<String, Object> c = new HashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        if (user != null) {
            c.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
            c.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
            c.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                    + "username=\"" + user + "\" password=\"" + password + "\";");
        }
        return Admin.create(c);
    }

    private static void logsIn(String bootstrap, String user, String password) throws Exception {
        try (Admin admin = admin(bootstrap, user, password)) {
            assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isNotEmpty();
        }
    }

    private static void isRefused(String bootstrap, String user, String password) {
        try (Admin admin = admin(bootstrap, user, password)) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void scramUsersSurviveKillMinus9AsTheyWereAcknowledged() throws Exception {
        int plainPort = Ports.freePort();
        int saslPort = Ports.freePort();
        broker = start(plainPort, saslPort);
        String plain = "127.0.0.1:" + plainPort;
        String sasl = "127.0.0.1:" + saslPort;
        ScramCredentialInfo sha512 = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096);
        try (Admin admin = admin(plain, null, null)) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("kept", sha512, "kept-pw"),
                    new UserScramCredentialUpsertion("changed", sha512, "old-pw"),
                    new UserScramCredentialUpsertion("deleted", sha512, "deleted-pw"))).all().get(30, TimeUnit.SECONDS);
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("changed", sha512, "new-pw"),
                    new UserScramCredentialDeletion("deleted", ScramMechanism.SCRAM_SHA_512)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        logsIn(sasl, "kept", "kept-pw");
        broker.kill9();
        broker = start(plainPort, saslPort);

        logsIn(sasl, "kept", "kept-pw");
        logsIn(sasl, "changed", "new-pw");
        isRefused(sasl, "changed", "old-pw");
        isRefused(sasl, "deleted", "deleted-pw");
        try (Admin admin = admin(plain, null, null)) {
            assertThat(admin.describeUserScramCredentials().all().get(30, TimeUnit.SECONDS))
                    .containsOnlyKeys("kept", "changed");
        }
    }
}

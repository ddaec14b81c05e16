package io.spillway.it;

import io.spillway.testkit.Ports;
import io.spillway.testkit.SpillwayProcess;
import io.spillway.testkit.TempDirs;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
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
 * kill -9 of the broker (a child process with a PLAINTEXT and a SASL_PLAINTEXT listener, ACLs on) right after SCRAM
 * users and ACLs were created, changed and deleted through the admin API: after the restart exactly the acknowledged
 * credentials log in and exactly the acknowledged ACLs hold.
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

    private static final ClientQuotaEntity QUOTA_USER = new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, "kept"));
    private static final AclBinding KEPT_ACL = new AclBinding(
            new ResourcePattern(ResourceType.TOPIC, "crash-", PatternType.PREFIXED),
            new AccessControlEntry("User:kept", "*", AclOperation.DESCRIBE, AclPermissionType.ALLOW));
    private static final AclBinding DELETED_ACL = new AclBinding(
            new ResourcePattern(ResourceType.GROUP, "g", PatternType.LITERAL),
            new AccessControlEntry("User:kept", "*", AclOperation.READ, AclPermissionType.ALLOW));

    private SpillwayProcess start(int plainPort, int saslPort) {
        return SpillwayProcess.builder().name("security-crash").dataDir(dataDir).port(plainPort)
                .set("listeners", "PLAINTEXT://127.0.0.1:" + plainPort + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort)
                .set("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                // the loopback PLAINTEXT listener is the operators' way in
                .set("super.users", "User:ANONYMOUS")
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
    void scramUsersAclsAndQuotasSurviveKillMinus9AsTheyWereAcknowledged() throws Exception {
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
            admin.createAcls(List.of(KEPT_ACL, DELETED_ACL)).all().get(30, TimeUnit.SECONDS);
            admin.deleteAcls(List.of(DELETED_ACL.toFilter())).all().get(30, TimeUnit.SECONDS);
            admin.alterClientQuotas(List.of(new ClientQuotaAlteration(QUOTA_USER, List.of(
                    new ClientQuotaAlteration.Op("producer_byte_rate", 1048576.0),
                    new ClientQuotaAlteration.Op("consumer_byte_rate", 2097152.0))))).all().get(30, TimeUnit.SECONDS);
            admin.alterClientQuotas(List.of(new ClientQuotaAlteration(QUOTA_USER, List.of(
                    new ClientQuotaAlteration.Op("consumer_byte_rate", null))))).all().get(30, TimeUnit.SECONDS);
        }
        logsIn(sasl, "kept", "kept-pw");
        try (Admin admin = admin(plain, null, null)) {
            admin.createTopics(List.of(new NewTopic("crash-visible", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        broker.kill9();
        broker = start(plainPort, saslPort);

        logsIn(sasl, "kept", "kept-pw");
        logsIn(sasl, "changed", "new-pw");
        isRefused(sasl, "changed", "old-pw");
        isRefused(sasl, "deleted", "deleted-pw");
        try (Admin admin = admin(plain, null, null)) {
            assertThat(admin.describeUserScramCredentials().all().get(30, TimeUnit.SECONDS))
                    .containsOnlyKeys("kept", "changed");
            assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS))
                    .containsExactly(KEPT_ACL);
            assertThat(admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get(30, TimeUnit.SECONDS))
                    .isEqualTo(Map.of(QUOTA_USER, Map.of("producer_byte_rate", 1048576.0)));
        }
        try (Admin kept = admin(sasl, "kept", "kept-pw")) {
            assertThat(kept.listTopics().names().get(30, TimeUnit.SECONDS)).as("DESCRIBE granted by the kept ACL")
                    .contains("crash-visible");
        }
    }
}

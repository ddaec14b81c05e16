package io.spillway.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.DuplicateResourceException;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.UnacceptableCredentialException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Users' SCRAM credentials through the Kafka admin API (AlterUserScramCredentials and DescribeUserScramCredentials)
 * with the real Java admin client: created, listed with their mechanisms and iterations, replaced, deleted, and the
 * errors Kafka gives for what cannot be done, as the exception classes Kafka's client raises.
 */
class ScramCredentialsAdminTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create();

    private static Admin admin() {
        return BROKER.admin();
    }

    private static void alter(UserScramCredentialAlteration... alterations) throws Exception {
        admin().alterUserScramCredentials(List.of(alterations)).all().get(30, TimeUnit.SECONDS);
    }

    private static UserScramCredentialUpsertion upsertion(String user, ScramMechanism mechanism, int iterations,
                                                          String password) {
        return new UserScramCredentialUpsertion(user, new ScramCredentialInfo(mechanism, iterations), password);
    }

    private static Map<String, UserScramCredentialsDescription> describeAll() throws Exception {
        return admin().describeUserScramCredentials().all().get(30, TimeUnit.SECONDS);
    }

    /** A user's mechanisms and iterations, as "MECHANISM:iterations". */
    private static List<String> credentials(UserScramCredentialsDescription description) {
        return description.credentialInfos().stream().map(info -> info.mechanism() + ":" + info.iterations()).sorted()
                .toList();
    }

    @Test
    void credentialsAreCreatedDescribedReplacedAndDeleted() throws Exception {
        String alice = EmbeddedBroker.uniqueName("alice");
        String bob = EmbeddedBroker.uniqueName("bob");
        alter(upsertion(alice, ScramMechanism.SCRAM_SHA_256, 8192, "secret"));

        Map<String, UserScramCredentialsDescription> all = describeAll();
        assertThat(all).containsKey(alice);
        assertThat(credentials(all.get(alice))).containsExactly("SCRAM_SHA_256:8192");
        assertThat(credentials(admin().describeUserScramCredentials(List.of(alice)).description(alice)
                .get(30, TimeUnit.SECONDS))).containsExactly("SCRAM_SHA_256:8192");

        alter(upsertion(alice, ScramMechanism.SCRAM_SHA_512, 4096, "secret"),
                upsertion(bob, ScramMechanism.SCRAM_SHA_512, 16384, "other"));
        alter(upsertion(alice, ScramMechanism.SCRAM_SHA_256, 10000, "changed"));
        all = admin().describeUserScramCredentials(List.of(alice, bob)).all().get(30, TimeUnit.SECONDS);
        assertThat(credentials(all.get(alice))).containsExactly("SCRAM_SHA_256:10000", "SCRAM_SHA_512:4096");
        assertThat(credentials(all.get(bob))).containsExactly("SCRAM_SHA_512:16384");

        alter(new UserScramCredentialDeletion(alice, ScramMechanism.SCRAM_SHA_256),
                new UserScramCredentialDeletion(bob, ScramMechanism.SCRAM_SHA_512));
        all = describeAll();
        assertThat(credentials(all.get(alice))).containsExactly("SCRAM_SHA_512:4096");
        assertThat(all).doesNotContainKey(bob);
        assertThatThrownBy(() -> admin().describeUserScramCredentials(List.of(bob)).description(bob)
                .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void whatCannotBeDoneFailsPerUserWithKafkasExceptions() throws Exception {
        String few = EmbeddedBroker.uniqueName("few");
        String many = EmbeddedBroker.uniqueName("many");
        String ok = EmbeddedBroker.uniqueName("ok");
        String twice = EmbeddedBroker.uniqueName("twice");
        String nobody = EmbeddedBroker.uniqueName("nobody");

        var result = admin().alterUserScramCredentials(List.of(
                upsertion(few, ScramMechanism.SCRAM_SHA_256, 4095, "p"),
                upsertion(many, ScramMechanism.SCRAM_SHA_512, 16385, "p"),
                upsertion(ok, ScramMechanism.SCRAM_SHA_256, 4096, "p"),
                upsertion(twice, ScramMechanism.SCRAM_SHA_256, 4096, "p"),
                upsertion(twice, ScramMechanism.SCRAM_SHA_512, 4096, "p"),
                new UserScramCredentialDeletion(nobody, ScramMechanism.SCRAM_SHA_256)));
        Map<String, KafkaFuture<Void>> byUser = result.values();
        assertThatThrownBy(() -> byUser.get(few).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(UnacceptableCredentialException.class).hasMessageContaining("Too few iterations");
        assertThatThrownBy(() -> byUser.get(many).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(UnacceptableCredentialException.class).hasMessageContaining("Too many iterations");
        assertThatThrownBy(() -> byUser.get(twice).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(DuplicateResourceException.class);
        assertThatThrownBy(() -> byUser.get(nobody).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ResourceNotFoundException.class);
        byUser.get(ok).get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> result.all().get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);

        Map<String, UserScramCredentialsDescription> all = describeAll();
        assertThat(credentials(all.get(ok))).containsExactly("SCRAM_SHA_256:4096");
        assertThat(all).doesNotContainKeys(few, many, twice, nobody);

        assertThatThrownBy(() -> admin().describeUserScramCredentials(List.of(nobody)).description(nobody)
                .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining(nobody);
        assertThatThrownBy(() -> admin().describeUserScramCredentials(List.of(ok, ok)).all().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(DuplicateResourceException.class);
    }
}

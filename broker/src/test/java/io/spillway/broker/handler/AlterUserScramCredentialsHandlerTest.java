package io.spillway.broker.handler;

import io.spillway.meta.MetadataStore;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialDeletion;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialUpsertion;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AlterUserScramCredentialsHandlerTest {
    private static final byte SHA_256 = 1;
    private static final byte SHA_512 = 2;
    private static final byte[] SALT = "a-salt-of-some-bytes".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private MetadataStore meta;
    private AlterUserScramCredentialsHandler handler;

    @BeforeEach
    void open() {
        meta = MetadataStore.open(dir);
        handler = new AlterUserScramCredentialsHandler(meta);
    }

    @AfterEach
    void close() throws Exception {
        meta.close();
    }

    /** An upsertion as the Java admin client makes it: the password salted and hashed with the salt. */
    private static ScramCredentialUpsertion upsertion(String user, byte mechanism, String password, int iterations)
            throws Exception {
        ScramMechanism scram = mechanism == SHA_512 ? ScramMechanism.SCRAM_SHA_512 : ScramMechanism.SCRAM_SHA_256;
        return new ScramCredentialUpsertion().setName(user).setMechanism(mechanism).setIterations(iterations)
                .setSalt(SALT).setSaltedPassword(new ScramFormatter(scram).saltedPassword(password, SALT, iterations));
    }

    private static ScramCredentialDeletion deletion(String user, byte mechanism) {
        return new ScramCredentialDeletion().setName(user).setMechanism(mechanism);
    }

    private Map<String, AlterUserScramCredentialsResult> alter(List<ScramCredentialDeletion> deletions,
                                                               List<ScramCredentialUpsertion> upsertions) {
        AlterUserScramCredentialsResponseData response = handler.handle(
                ConfigsFixture.context(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, 0),
                new AlterUserScramCredentialsRequestData().setDeletions(deletions).setUpsertions(upsertions)).join();
        Map<String, AlterUserScramCredentialsResult> byUser = new LinkedHashMap<>();
        for (AlterUserScramCredentialsResult result : response.results()) {
            assertThat(byUser.put(result.user(), result)).as("one result per user").isNull();
        }
        return byUser;
    }

    private static void assertError(AlterUserScramCredentialsResult result, Errors error, String messagePart) {
        assertThat(Errors.forCode(result.errorCode())).isEqualTo(error);
        assertThat(result.errorMessage()).contains(messagePart);
    }

    @Test
    void anUpsertionKeepsOnlyTheStoredAndServerKeysDerivedFromTheSaltedPassword() throws Exception {
        ScramCredentialUpsertion alice = upsertion("alice", SHA_256, "secret", 8192);
        Map<String, AlterUserScramCredentialsResult> results = alter(List.of(), List.of(alice,
                upsertion("bob", SHA_512, "other", 4096)));

        assertThat(results.keySet()).containsExactly("alice", "bob");
        assertThat(results.values()).allSatisfy(r -> {
            assertThat(r.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(r.errorMessage()).isNull();
        });
        ScramCredential stored = meta.scramCredential("alice", "SCRAM-SHA-256");
        ScramCredential expected = new ScramFormatter(ScramMechanism.SCRAM_SHA_256)
                .generateCredential(SALT, alice.saltedPassword(), 8192);
        assertThat(stored.salt()).isEqualTo(SALT);
        assertThat(stored.storedKey()).isEqualTo(expected.storedKey()).isNotEqualTo(alice.saltedPassword());
        assertThat(stored.serverKey()).isEqualTo(expected.serverKey()).isNotEqualTo(alice.saltedPassword());
        assertThat(stored.iterations()).isEqualTo(8192);
        assertThat(meta.scramUsers()).isEqualTo(Map.of("alice", Map.of("SCRAM-SHA-256", 8192),
                "bob", Map.of("SCRAM-SHA-512", 4096)));

        // replaced by a later request, deleted by another
        alter(List.of(), List.of(upsertion("alice", SHA_256, "changed", 16384)));
        assertThat(meta.scramCredential("alice", "SCRAM-SHA-256").iterations()).isEqualTo(16384);
        assertThat(alter(List.of(deletion("alice", SHA_256)), List.of()).get("alice").errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(meta.scramCredential("alice", "SCRAM-SHA-256")).isNull();
        assertThat(meta.scramUsers()).containsOnlyKeys("bob");
    }

    @Test
    void invalidAlterationsGetTheirErrorPerUserWhileValidOnesInTheSameRequestAreApplied() throws Exception {
        Map<String, AlterUserScramCredentialsResult> results = alter(
                List.of(deletion("nobody", SHA_256), deletion("", SHA_256), deletion("dora", (byte) 3)),
                List.of(upsertion("few", SHA_256, "p", 4095),
                        upsertion("many", SHA_512, "p", 16385),
                        upsertion("min", SHA_256, "p", 4096),
                        upsertion("max", SHA_512, "p", 16384),
                        upsertion("md5", SHA_256, "p", 4096).setMechanism((byte) 0),
                        upsertion("nosalt", SHA_256, "p", 4096).setSalt(new byte[0]),
                        upsertion("nopassword", SHA_256, "p", 4096).setSaltedPassword(new byte[0])));

        assertError(results.get("nobody"), Errors.RESOURCE_NOT_FOUND, "User 'nobody' has no SCRAM-SHA-256 credential");
        assertError(results.get(""), Errors.UNACCEPTABLE_CREDENTIAL, "must not be empty");
        assertError(results.get("dora"), Errors.UNSUPPORTED_SASL_MECHANISM, "type 3");
        assertError(results.get("few"), Errors.UNACCEPTABLE_CREDENTIAL, "Too few iterations for SCRAM-SHA-256: 4095");
        assertError(results.get("many"), Errors.UNACCEPTABLE_CREDENTIAL, "Too many iterations for SCRAM-SHA-512: 16385");
        assertError(results.get("md5"), Errors.UNSUPPORTED_SASL_MECHANISM, "SCRAM-SHA-256 (type 1)");
        assertError(results.get("nosalt"), Errors.UNACCEPTABLE_CREDENTIAL, "empty salt");
        assertError(results.get("nopassword"), Errors.UNACCEPTABLE_CREDENTIAL, "empty salted password");
        assertThat(results.get("min").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(results.get("max").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(results).hasSize(10);
        assertThat(meta.scramUsers()).isEqualTo(Map.of("min", Map.of("SCRAM-SHA-256", 4096),
                "max", Map.of("SCRAM-SHA-512", 16384)));
    }

    @Test
    void aUserAlteredTwiceInOneRequestIsADuplicateAndNeitherAlterationIsMade() throws Exception {
        alter(List.of(), List.of(upsertion("alice", SHA_256, "secret", 4096)));
        ScramCredential before = meta.scramCredential("alice", "SCRAM-SHA-256");

        Map<String, AlterUserScramCredentialsResult> results = alter(
                List.of(deletion("alice", SHA_256), deletion("carol", SHA_256), deletion("carol", SHA_512)),
                List.of(upsertion("alice", SHA_512, "new", 4096),
                        upsertion("bob", SHA_256, "a", 4096), upsertion("bob", SHA_512, "b", 4096),
                        upsertion("erin", SHA_256, "a", 4096)));

        assertError(results.get("alice"), Errors.DUPLICATE_RESOURCE, "more than once");
        assertError(results.get("bob"), Errors.DUPLICATE_RESOURCE, "more than once");
        // carol's first deletion already failed (she has no credential): that error is her result, as in Kafka
        assertError(results.get("carol"), Errors.RESOURCE_NOT_FOUND, "SCRAM-SHA-256");
        assertThat(results.get("erin").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(results.keySet()).containsExactly("alice", "carol", "bob", "erin");
        assertThat(meta.scramCredential("alice", "SCRAM-SHA-256").storedKey()).isEqualTo(before.storedKey());
        assertThat(meta.scramUsers()).isEqualTo(Map.of("alice", Map.of("SCRAM-SHA-256", 4096),
                "erin", Map.of("SCRAM-SHA-256", 4096)));
    }

    @Test
    void anEmptyRequestGetsNoResults() {
        assertThat(alter(List.of(), List.of())).isEmpty();
    }
}

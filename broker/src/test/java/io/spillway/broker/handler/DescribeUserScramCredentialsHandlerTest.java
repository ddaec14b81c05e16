package io.spillway.broker.handler;

import io.spillway.meta.MetadataStore;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData.UserName;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.CredentialInfo;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.DescribeUserScramCredentialsResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DescribeUserScramCredentialsHandlerTest {
    @TempDir
    Path dir;

    private MetadataStore meta;

    @BeforeEach
    void open() {
        meta = MetadataStore.open(dir);
        byte[] key = new byte[32];
        meta.setScramCredential("alice", "SCRAM-SHA-512", key, key, key, 8192);
        meta.setScramCredential("alice", "SCRAM-SHA-256", key, key, key, 4096);
        meta.setScramCredential("bob", "SCRAM-SHA-256", key, key, key, 16384);
    }

    @AfterEach
    void close() throws Exception {
        meta.close();
    }

    private List<DescribeUserScramCredentialsResult> describe(List<UserName> users) {
        DescribeUserScramCredentialsResponseData response = new DescribeUserScramCredentialsHandler(meta)
                .handle(ConfigsFixture.context(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, 0),
                        new DescribeUserScramCredentialsRequestData().setUsers(users)).join();
        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        return response.results();
    }

    private static List<UserName> users(String... names) {
        return Arrays.stream(names).map(name -> new UserName().setName(name)).toList();
    }

    private static CredentialInfo info(int mechanism, int iterations) {
        return new CredentialInfo().setMechanism((byte) mechanism).setIterations(iterations);
    }

    @Test
    void noUserListDescribesEveryUserWithACredential() {
        for (List<UserName> all : Arrays.asList(null, List.<UserName>of())) {
            List<DescribeUserScramCredentialsResult> results = describe(all);
            assertThat(results).extracting(DescribeUserScramCredentialsResult::user).containsExactly("alice", "bob");
            assertThat(results.get(0).errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(results.get(0).credentialInfos()).containsExactly(info(1, 4096), info(2, 8192));
            assertThat(results.get(1).credentialInfos()).containsExactly(info(1, 16384));
        }
    }

    @Test
    void namedUsersAreDescribedOrGetNotFoundOrDuplicateOncePerUser() {
        meta.deleteScramCredential("bob", "SCRAM-SHA-256");

        List<DescribeUserScramCredentialsResult> results = describe(users("carol", "alice", "bob", "carol"));

        assertThat(results).extracting(DescribeUserScramCredentialsResult::user).containsExactly("carol", "alice", "bob");
        assertThat(Errors.forCode(results.get(0).errorCode())).isEqualTo(Errors.DUPLICATE_RESOURCE);
        assertThat(results.get(0).errorMessage()).contains("'carol'").contains("more than once");
        assertThat(results.get(1).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(results.get(1).credentialInfos()).containsExactly(info(1, 4096), info(2, 8192));
        assertThat(Errors.forCode(results.get(2).errorCode())).isEqualTo(Errors.RESOURCE_NOT_FOUND);
        assertThat(results.get(2).errorMessage()).isEqualTo("User 'bob' has no SCRAM credential");
        assertThat(results.get(2).credentialInfos()).isEmpty();
    }
}

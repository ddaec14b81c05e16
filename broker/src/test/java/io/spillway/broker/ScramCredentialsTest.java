package io.spillway.broker;

import io.spillway.meta.MetadataStore;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScramCredentialsTest {
    @TempDir
    Path dir;

    /** Whether the password, salted with the credential's salt and iterations, gives its stored and server key. */
    private static boolean matches(ScramMechanism mechanism, ScramCredential credential, String password)
            throws Exception {
        ScramFormatter formatter = new ScramFormatter(mechanism);
        byte[] salted = formatter.saltedPassword(password, credential.salt(), credential.iterations());
        return Arrays.equals(formatter.storedKey(formatter.clientKey(salted)), credential.storedKey())
                && Arrays.equals(formatter.serverKey(salted), credential.serverKey());
    }

    @Test
    void bootstrapCreatesACredentialFromThePasswordOnlyWhenTheUserHasNone() throws Exception {
        try (MetadataStore meta = MetadataStore.open(dir)) {
            ScramCredentials credentials = new ScramCredentials(meta);
            assertThat(credentials.lookup("admin", "SCRAM-SHA-512")).isNull();

            credentials.bootstrap("admin", "SCRAM-SHA-512", "first", 4096);
            credentials.bootstrap("admin", "SCRAM-SHA-256", "first", 8192);
            credentials.bootstrap("admin", "SCRAM-SHA-512", "second", 4096); // kept: the user has one

            ScramCredential sha512 = credentials.lookup("admin", "SCRAM-SHA-512");
            assertThat(sha512.iterations()).isEqualTo(4096);
            assertThat(sha512.salt()).hasSize(32);
            assertThat(matches(ScramMechanism.SCRAM_SHA_512, sha512, "first")).isTrue();
            assertThat(matches(ScramMechanism.SCRAM_SHA_512, sha512, "second")).isFalse();
            ScramCredential sha256 = credentials.lookup("admin", "SCRAM-SHA-256");
            assertThat(matches(ScramMechanism.SCRAM_SHA_256, sha256, "first")).isTrue();
            assertThat(sha256.salt()).isNotEqualTo(sha512.salt());
            assertThat(credentials.lookup("admin", "PLAIN")).isNull();
            assertThat(credentials.lookup("nobody", "SCRAM-SHA-256")).isNull();
        }
        try (MetadataStore meta = MetadataStore.open(dir)) {
            ScramCredential kept = new ScramCredentials(meta).lookup("admin", "SCRAM-SHA-512");
            assertThat(matches(ScramMechanism.SCRAM_SHA_512, kept, "first")).isTrue();
        }
    }

    @Test
    void bootstrapRefusesWhatCouldNeverAuthenticate() throws Exception {
        try (MetadataStore meta = MetadataStore.open(dir)) {
            ScramCredentials credentials = new ScramCredentials(meta);
            assertThatThrownBy(() -> credentials.bootstrap("admin", "SCRAM-SHA-1", "p", 4096))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SCRAM-SHA-1");
            assertThatThrownBy(() -> credentials.bootstrap("admin", "SCRAM-SHA-256", "p", 4095))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minimum is 4096");
            assertThatThrownBy(() -> credentials.bootstrap("admin", "SCRAM-SHA-256", "p", 16385))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximum is 16384");
            assertThatThrownBy(() -> credentials.bootstrap("admin", "SCRAM-SHA-256", "", 4096))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password");
            assertThatThrownBy(() -> credentials.bootstrap("", "SCRAM-SHA-256", "p", 4096))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(meta.scramUsers()).isEmpty();
        }
    }
}

package io.spillway.broker.quota;

import io.spillway.meta.MetadataStore;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Kafka's order of precedence among user / client-id / default quotas, and who shares each. */
class ClientQuotaResolverTest {
    @TempDir
    Path dir;
    private MetadataStore meta;
    private ClientQuotaResolver resolver;

    @BeforeEach
    void open() throws IOException {
        meta = MetadataStore.open(dir);
        resolver = new ClientQuotaResolver(meta);
    }

    @AfterEach
    void close() throws IOException {
        meta.close();
    }

    private void set(String user, String clientId, boolean hasUser, boolean hasClient, double rate) {
        Map<String, String> parts = new HashMap<>();
        if (hasUser) {
            parts.put(ClientQuotaEntity.USER, user);
        }
        if (hasClient) {
            parts.put(ClientQuotaEntity.CLIENT_ID, clientId);
        }
        meta.setClientQuotas(Map.of(new ClientQuotaEntity(parts), Map.of("producer_byte_rate", rate)));
    }

    private ClientQuotaResolver.Applied resolve(String user, String clientId) {
        return resolver.resolve(QuotaKey.PRODUCER_BYTE_RATE, user, clientId);
    }

    @Test
    void noQuotaMeansNone() {
        assertThat(resolve("alice", "app")).isNull();
    }

    @Test
    void theMostSpecificEntityWinsInKafkasOrder() {
        set(null, null, false, true, 8);          // default client-id
        assertThat(resolve("alice", "app")).isEqualTo(new ClientQuotaResolver.Applied(8, "", "app"));
        set(null, "app", false, true, 7);         // client-id
        assertThat(resolve("alice", "app").bound()).isEqualTo(7);
        set(null, null, true, false, 6);          // default user
        assertThat(resolve("alice", "app")).isEqualTo(new ClientQuotaResolver.Applied(6, "alice", ""));
        set(null, null, true, true, 5);           // default user, default client-id
        assertThat(resolve("alice", "app")).isEqualTo(new ClientQuotaResolver.Applied(5, "alice", "app"));
        set(null, "app", true, true, 4);          // default user, client-id
        assertThat(resolve("alice", "app").bound()).isEqualTo(4);
        set("alice", null, true, false, 3);       // user
        assertThat(resolve("alice", "app")).isEqualTo(new ClientQuotaResolver.Applied(3, "alice", ""));
        set("alice", null, true, true, 2);        // user, default client-id
        assertThat(resolve("alice", "app").bound()).isEqualTo(2);
        set("alice", "app", true, true, 1);       // user and client-id
        assertThat(resolve("alice", "app")).isEqualTo(new ClientQuotaResolver.Applied(1, "alice", "app"));
        // another user falls back to the defaults, another client of alice to her user-level quotas
        assertThat(resolve("bob", "app").bound()).isEqualTo(4);
        assertThat(resolve("alice", "other").bound()).isEqualTo(2);
        assertThat(resolve("bob", "other")).isEqualTo(new ClientQuotaResolver.Applied(5, "bob", "other"));
    }

    @Test
    void aChangedQuotaIsSeenAtOnce() {
        set(null, "app", false, true, 7);
        assertThat(resolve("alice", "app").bound()).isEqualTo(7);
        set(null, "app", false, true, 9);
        assertThat(resolve("alice", "app").bound()).isEqualTo(9);
        meta.setClientQuotas(Map.of(new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, "app")), Map.of()));
        assertThat(resolve("alice", "app")).isNull();
    }
}

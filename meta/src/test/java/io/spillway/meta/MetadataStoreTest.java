package io.spillway.meta;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetadataStoreTest {
    @TempDir
    Path dir;

    @Test
    void everyChangeSurvivesReopening() throws Exception {
        String clusterId;
        TopicMetadata orders;
        long producerId;
        try (MetadataStore store = MetadataStore.open(dir)) {
            clusterId = store.clusterId();
            List<TopicMetadata> created = store.createTopics(List.of(
                    new MetadataStore.NewTopic("orders", 3, Map.of("retention.ms", "1000")),
                    new MetadataStore.NewTopic("/apps/s:events", 1, Map.of())));
            orders = created.get(0);
            assertThat(created.get(1).name().stream()).isEqualTo("/apps/s");
            store.addPartitions(orders.id(), 5);
            store.setTopicConfigs(orders.id(), Map.of("cleanup.policy", "compact"));
            store.deleteTopic(created.get(1).id());
            store.persistLogStarts(Map.of(orders.partitionKey(2), 17L));
            store.setBrokerConfigs("", Map.of("log.retention.ms", "5000"));
            producerId = store.allocateProducerId();
            assertThatThrownBy(() -> store.createTopics(List.of(new MetadataStore.NewTopic("orders", 1, Map.of()))))
                    .isInstanceOf(TopicExistsException.class);
        }
        try (MetadataStore store = MetadataStore.open(dir)) {
            assertThat(store.clusterId()).isEqualTo(clusterId);
            TopicMetadata reopened = store.topic("orders");
            assertThat(reopened.id()).isEqualTo(orders.id());
            assertThat(reopened.partitionCount()).isEqualTo(5);
            assertThat(reopened.configs()).isEqualTo(Map.of("cleanup.policy", "compact"));
            assertThat(store.topic("/apps/s:events")).isNull();
            assertThat(store.logStartOffset(orders.partitionKey(2))).isEqualTo(17L);
            assertThat(store.brokerConfigs("")).containsEntry("log.retention.ms", "5000");
            assertThat(store.allocateProducerId()).isGreaterThan(producerId);
            TopicMetadata next = store.createTopics(List.of(new MetadataStore.NewTopic("next", 1, Map.of()))).get(0);
            assertThat(next.sequence()).isGreaterThan(orders.sequence() + 1);
        }
    }

    @Test
    void scramCredentialsAreSetReplacedAndDeletedDurably() throws Exception {
        try (MetadataStore store = MetadataStore.open(dir)) {
            assertThat(store.scramCredential("alice", "SCRAM-SHA-256")).isNull();
            assertThat(store.scramUsers()).isEmpty();
            store.setScramCredential("alice", "SCRAM-SHA-256", bytes(1), bytes(2), bytes(3), 4096);
            store.setScramCredential("alice", "SCRAM-SHA-512", bytes(4), bytes(5), bytes(6), 4096);
            store.setScramCredential("bob", "SCRAM-SHA-256", bytes(7), bytes(8), bytes(9), 4096);
            store.setScramCredential("alice", "SCRAM-SHA-256", bytes(10), bytes(11), bytes(12), 8192); // replaced
            assertThat(store.deleteScramCredential("bob", "SCRAM-SHA-256")).isTrue();
            assertThat(store.deleteScramCredential("bob", "SCRAM-SHA-256")).isFalse();
            assertThat(store.deleteScramCredential("carol", "SCRAM-SHA-512")).isFalse();
            assertThat(store.setScramCredentialIfAbsent("alice", "SCRAM-SHA-512", bytes(13), bytes(14), bytes(15), 4096))
                    .isFalse();
            assertThat(store.setScramCredentialIfAbsent("dave", "SCRAM-SHA-512", bytes(16), bytes(17), bytes(18), 5000))
                    .isTrue();

            ScramCredential alice = store.scramCredential("alice", "SCRAM-SHA-256");
            alice.salt()[0] = 99; // a copy: the store's credential stays as it was
            assertThat(store.scramCredential("alice", "SCRAM-SHA-256").salt()).isEqualTo(bytes(10));
            assertThat(store.scramCredential("alice", null)).isNull();

            assertThatThrownBy(() -> store.setScramCredential("alice", "SCRAM-SHA-1", bytes(1), bytes(2), bytes(3), 4096))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SCRAM-SHA-1");
            assertThatThrownBy(() -> store.setScramCredential("", "SCRAM-SHA-256", bytes(1), bytes(2), bytes(3), 4096))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.setScramCredential("alice", "SCRAM-SHA-256", new byte[0], bytes(2), bytes(3),
                    4096)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.setScramCredential("alice", "SCRAM-SHA-256", bytes(1), bytes(2), bytes(3), 0))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        for (int open = 0; open < 2; open++) {
            try (MetadataStore store = MetadataStore.open(dir)) {
                assertThat(store.scramUsers()).isEqualTo(Map.of(
                        "alice", Map.of("SCRAM-SHA-256", 8192, "SCRAM-SHA-512", 4096),
                        "dave", Map.of("SCRAM-SHA-512", 5000)));
                assertThat(store.scramUsers().keySet()).containsExactly("alice", "dave");
                ScramCredential alice = store.scramCredential("alice", "SCRAM-SHA-256");
                assertThat(alice.salt()).isEqualTo(bytes(10));
                assertThat(alice.storedKey()).isEqualTo(bytes(11));
                assertThat(alice.serverKey()).isEqualTo(bytes(12));
                assertThat(alice.iterations()).isEqualTo(8192);
                assertThat(store.scramCredential("alice", "SCRAM-SHA-512").salt()).isEqualTo(bytes(4));
                assertThat(store.scramCredential("bob", "SCRAM-SHA-256")).isNull();
            }
        }
    }

    @Test
    void aclsAreCreatedAndDeletedDurablyOnceEach() throws Exception {
        AclBinding readOrders = acl(ResourceType.TOPIC, "orders", PatternType.LITERAL, "User:alice", AclOperation.READ,
                AclPermissionType.ALLOW);
        AclBinding writeFraud = acl(ResourceType.TOPIC, "/apps/fraud:", PatternType.PREFIXED, "User:*",
                AclOperation.WRITE, AclPermissionType.DENY);
        AclBinding group = acl(ResourceType.GROUP, "*", PatternType.LITERAL, "User:bob", AclOperation.ALL,
                AclPermissionType.ALLOW);
        AclBinding cluster = acl(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, "User:admin",
                AclOperation.ALTER, AclPermissionType.ALLOW);
        try (MetadataStore store = MetadataStore.open(dir)) {
            assertThat(store.acls()).isEmpty();
            assertThat(store.createAcls(List.of(readOrders, writeFraud, readOrders))).containsExactly(readOrders, writeFraud);
            assertThat(store.createAcls(List.of(writeFraud, group, cluster))).containsExactly(group, cluster);
            assertThat(store.deleteAcls(List.of(writeFraud, acl(ResourceType.TOPIC, "orders", PatternType.PREFIXED,
                    "User:alice", AclOperation.READ, AclPermissionType.ALLOW)))).containsExactly(writeFraud);
            assertThat(store.deleteAcls(List.of(writeFraud))).isEmpty();
            assertThat(store.createAcls(List.of())).isEmpty();
            assertThat(store.acls()).containsExactly(readOrders, group, cluster);

            AclBinding unknownOperation = acl(ResourceType.TOPIC, "t", PatternType.LITERAL, "User:a",
                    AclOperation.UNKNOWN, AclPermissionType.ALLOW);
            AclBinding emptyName = acl(ResourceType.TOPIC, "", PatternType.LITERAL, "User:a", AclOperation.READ,
                    AclPermissionType.ALLOW);
            AclBinding unknownType = acl(ResourceType.UNKNOWN, "t", PatternType.LITERAL, "User:a", AclOperation.READ,
                    AclPermissionType.ALLOW);
            AclBinding unknownPattern = acl(ResourceType.TOPIC, "t", PatternType.UNKNOWN, "User:a", AclOperation.READ,
                    AclPermissionType.ALLOW);
            AclBinding unknownPermission = acl(ResourceType.TOPIC, "t", PatternType.LITERAL, "User:a",
                    AclOperation.READ, AclPermissionType.UNKNOWN);
            for (AclBinding invalid : List.of(unknownOperation, emptyName, unknownType, unknownPattern, unknownPermission)) {
                AclBinding valid = acl(ResourceType.TOPIC, "new", PatternType.LITERAL, "User:a", AclOperation.READ,
                        AclPermissionType.ALLOW);
                assertThatThrownBy(() -> store.createAcls(List.of(valid, invalid)))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(store.acls()).doesNotContain(valid); // none of the list is added
            }
        }
        for (int open = 0; open < 2; open++) {
            try (MetadataStore store = MetadataStore.open(dir)) {
                assertThat(store.acls()).containsExactly(readOrders, group, cluster);
            }
        }
    }

    static AclBinding acl(ResourceType type, String name, PatternType patternType, String principal,
                          AclOperation operation, AclPermissionType permission) {
        return new AclBinding(new ResourcePattern(type, name, patternType),
                new AccessControlEntry(principal, "*", operation, permission));
    }

    /** 32 bytes of {@code value}. */
    private static byte[] bytes(int value) {
        byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    @Test
    void tornTailIsCutOff() throws Exception {
        try (MetadataStore store = MetadataStore.open(dir)) {
            store.createTopics(List.of(new MetadataStore.NewTopic("kept", 1, Map.of())));
        }
        Path file = dir.resolve("metadata.log");
        long size = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 50, 1, 2, 3}));
        }
        try (MetadataStore store = MetadataStore.open(dir)) {
            assertThat(store.topic("kept")).isNotNull();
        }
        assertThat(Files.size(file)).isEqualTo(size);
    }

    @Test
    void aLongHistoryIsCompactedAtOpenWithoutLosingStateOrReusingSequences() throws Exception {
        TopicMetadata wide;
        long deletedSequence;
        int partitions = 200_000;
        try (MetadataStore store = MetadataStore.open(dir)) {
            wide = store.createTopics(List.of(new MetadataStore.NewTopic("wide", partitions, Map.of()))).get(0);
            for (int round = 1; round <= 3; round++) {
                Map<Long, Long> starts = new java.util.HashMap<>();
                for (int p = 0; p < partitions; p++) {
                    starts.put(wide.partitionKey(p), (long) round * p);
                }
                store.persistLogStarts(starts);
            }
            TopicMetadata doomed = store.createTopics(List.of(new MetadataStore.NewTopic("doomed", 1, Map.of()))).get(0);
            deletedSequence = doomed.sequence();
            store.deleteTopic(doomed.id());
        }
        Path file = dir.resolve("metadata.log");
        long before = Files.size(file);
        try (MetadataStore store = MetadataStore.open(dir)) {
            assertThat(Files.size(file)).isLessThan(before / 2);
            assertThat(store.logStartOffset(wide.partitionKey(partitions - 1))).isEqualTo(3L * (partitions - 1));
            assertThat(store.topic("doomed")).isNull();
            assertThat(store.topics()).extracting(TopicMetadata::kafkaName).containsExactly("wide");
        }
        try (MetadataStore store = MetadataStore.open(dir)) {
            TopicMetadata next = store.createTopics(List.of(new MetadataStore.NewTopic("next", 1, Map.of()))).get(0);
            assertThat(next.sequence()).isGreaterThan(deletedSequence);
            assertThat(store.logStartOffset(wide.partitionKey(7))).isEqualTo(21L);
        }
    }
}

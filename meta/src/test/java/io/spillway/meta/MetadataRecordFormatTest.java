package io.spillway.meta;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Golden bytes of metadata records: what is written now (version 2, Spillway's record encoding) and what
 * earlier brokers wrote (version 1, Java's modified UTF-8 strings), which must stay readable.
 */
class MetadataRecordFormatTest {
    private static final HexFormat HEX = HexFormat.of();
    /** TOPIC_CREATED: sequence 1, id (1, 2), "orders", 3 partitions, {retention.ms=1000}; after the type and version. */
    private static final String TOPIC_CREATED_FIELDS = "0000000000000001" + "0000000000000001" + "0000000000000002"
            + "00066f7264657273" + "00000003" + "00000001" + "000c726574656e74696f6e2e6d73" + "000431303030";

    /** The strings "alice", "bob", "SCRAM-SHA-256" and "SCRAM-SHA-512" as record fields. */
    private static final String ALICE = "0005616c696365";
    private static final String BOB = "0003626f62";
    private static final String SCRAM_SHA_256 = "000d534352414d2d5348412d323536";
    private static final String SCRAM_SHA_512 = "000d534352414d2d5348412d353132";

    @TempDir
    Path dir;

    @Test
    void recordsAreWrittenAsVersionTwoGoldenBytes() {
        byte[] topic = new RecordWriter(MetadataRecordType.TOPIC_CREATED).writeLong(1).writeLong(1).writeLong(2)
                .writeString("orders").writeInt(3).writeMap(Map.of("retention.ms", "1000")).toBytes();
        assertThat(HEX.formatHex(topic)).isEqualTo("0202" + TOPIC_CREATED_FIELDS);
        byte[] starts = new RecordWriter(MetadataRecordType.LOG_STARTS).writeInt(1).writeLong((1L << 24) | 2)
                .writeLong(17).toBytes();
        assertThat(HEX.formatHex(starts)).isEqualTo("0602" + "00000001" + "0000000001000002" + "0000000000000011");
    }

    @Test
    void streamRecordsAreWrittenAsGoldenBytesAndSurviveReopeningAndCompaction() throws IOException {
        byte[] stream = new RecordWriter(MetadataRecordType.STREAM_CREATED).writeString("/a")
                .writeMap(Map.of("retention.ms", "1000")).toBytes();
        assertThat(HEX.formatHex(stream)).isEqualTo("0902" + "00022f61" + "00000001" + "000c726574656e74696f6e2e6d73"
                + "000431303030");
        try (MetadataStore store = MetadataStore.open(dir)) {
            store.createStream("/apps/fraud", Map.of("retention.ms", "1000"));
            store.createStream("/apps/gone", Map.of());
            store.setStreamConfigs("/apps/fraud", Map.of("retention.ms", "2000", "num.partitions", "3"));
            store.deleteStream("/apps/gone");
            store.createTopics(List.of(new MetadataStore.NewTopic("/apps/fraud:t1", 1, Map.of()),
                    new MetadataStore.NewTopic("/apps/fraud:t2", 1, Map.of()), new MetadataStore.NewTopic("t3", 1, Map.of())));
            store.deleteTopic(store.topic("/apps/fraud:t2").id());
        }
        try (MetadataStore store = MetadataStore.open(dir)) {
            assertThat(store.stream("/apps/fraud").configs()).isEqualTo(Map.of("retention.ms", "2000", "num.partitions", "3"));
            assertThat(store.stream("/apps/gone")).isNull();
            assertThat(store.topicCount("/apps/fraud")).isEqualTo(1);
            assertThat(store.topicCount(io.spillway.common.StreamTopicName.DEFAULT_STREAM)).isEqualTo(1);
        }
    }

    @Test
    void scramCredentialRecordsAreWrittenAsGoldenBytes() {
        byte[] set = new RecordWriter(MetadataRecordType.SCRAM_CREDENTIAL_SET).writeString("alice")
                .writeString("SCRAM-SHA-256").writeBytes(new byte[] {1, 2}).writeBytes(new byte[] {3})
                .writeBytes(new byte[] {4, 5, 6}).writeInt(4096).toBytes();
        assertThat(HEX.formatHex(set)).isEqualTo("0d02" + ALICE + SCRAM_SHA_256 + "00000002" + "0102" + "00000001" + "03"
                + "00000003" + "040506" + "00001000");
        byte[] deleted = new RecordWriter(MetadataRecordType.SCRAM_CREDENTIAL_DELETED).writeString("alice")
                .writeString("SCRAM-SHA-256").toBytes();
        assertThat(HEX.formatHex(deleted)).isEqualTo("0e02" + ALICE + SCRAM_SHA_256);
    }

    @Test
    void scramCredentialsAreReplayedFromGoldenBytesAndALongHistoryIsCompactedToTheCurrentOnes() throws IOException {
        List<String> bodies = new java.util.ArrayList<>();
        bodies.add("0102" + "00026331"); // CLUSTER "c1"
        // alice's SCRAM-SHA-256 credential set 40,000 times (a long history: more than 4 MiB), the last with 8192
        // iterations
        String salt = "00000020" + "11".repeat(32);
        String storedKey = "00000020" + "22".repeat(32);
        String serverKey = "00000020" + "33".repeat(32);
        for (int i = 0; i < 40_000; i++) {
            bodies.add("0d02" + ALICE + SCRAM_SHA_256 + salt + storedKey + serverKey + String.format("%08x", 4096 + i % 4096));
        }
        bodies.add("0d02" + ALICE + SCRAM_SHA_256 + salt + storedKey + serverKey + "00002000");
        bodies.add("0d02" + ALICE + SCRAM_SHA_512 + "00000001" + "aa" + "00000001" + "bb" + "00000001" + "cc" + "00001000");
        bodies.add("0d02" + BOB + SCRAM_SHA_512 + "00000001" + "aa" + "00000001" + "bb" + "00000001" + "cc" + "00001000");
        bodies.add("0e02" + BOB + SCRAM_SHA_512); // bob has none left
        bodies.add("0e02" + ALICE + "000d" + HEX.formatHex("SCRAM-SHA-384".getBytes())); // never existed: ignored
        Path file = dir.resolve("metadata.log");
        Files.write(file, frames(bodies.toArray(String[]::new)));
        long before = Files.size(file);
        assertThat(before).isGreaterThan(4L * 1024 * 1024);
        for (int open = 0; open < 2; open++) { // replayed, compacted, then replayed from the snapshot
            try (MetadataStore store = MetadataStore.open(dir)) {
                assertThat(Files.size(file)).isLessThan(1024);
                assertThat(store.clusterId()).isEqualTo("c1");
                ScramCredential sha256 = store.scramCredential("alice", "SCRAM-SHA-256");
                assertThat(sha256.salt()).isEqualTo(HEX.parseHex("11".repeat(32)));
                assertThat(sha256.storedKey()).isEqualTo(HEX.parseHex("22".repeat(32)));
                assertThat(sha256.serverKey()).isEqualTo(HEX.parseHex("33".repeat(32)));
                assertThat(sha256.iterations()).isEqualTo(8192);
                assertThat(store.scramCredential("alice", "SCRAM-SHA-512").storedKey()).isEqualTo(new byte[] {(byte) 0xbb});
                assertThat(store.scramCredential("bob", "SCRAM-SHA-512")).isNull();
                assertThat(store.scramUsers()).isEqualTo(Map.of("alice", Map.of("SCRAM-SHA-256", 8192, "SCRAM-SHA-512", 4096)));
            }
        }
    }

    /**
     * ACL fields after the type and version: TOPIC (2), "/a:", PREFIXED (4), "User:alice", "*", READ (3), ALLOW (3).
     */
    private static final String ACL_FIELDS = "02" + "00032f613a" + "04" + "000a" + HEX.formatHex("User:alice".getBytes())
            + "00012a" + "03" + "03";

    @Test
    void aclRecordsAreWrittenAsGoldenBytes() throws IOException {
        AclBinding binding = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "/a:", PatternType.PREFIXED),
                new AccessControlEntry("User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW));
        try (MetadataStore store = MetadataStore.open(dir)) {
            store.createAcls(List.of(binding));
            store.deleteAcls(List.of(binding));
        }
        List<String> bodies = bodies(Files.readAllBytes(dir.resolve("metadata.log")));
        assertThat(bodies.subList(bodies.size() - 2, bodies.size()))
                .containsExactly("0f02" + ACL_FIELDS, "1002" + ACL_FIELDS);
    }

    @Test
    void aclsAreReplayedFromGoldenBytesAndALongHistoryIsCompactedToTheCurrentOnes() throws IOException {
        List<String> bodies = new java.util.ArrayList<>();
        bodies.add("0102" + "00026331"); // CLUSTER "c1"
        // 100,000 times created and deleted: more than 4 MiB of history, none of it left
        for (int i = 0; i < 100_000; i++) {
            bodies.add("0f02" + ACL_FIELDS);
            bodies.add("1002" + ACL_FIELDS);
        }
        bodies.add("0f02" + ACL_FIELDS);
        // GROUP (3) "*" LITERAL (3) "User:*" "10.0.0.1" ALL (2) DENY (2)
        String groupFields = "03" + "00012a" + "03" + "0006" + HEX.formatHex("User:*".getBytes()) + "0008"
                + HEX.formatHex("10.0.0.1".getBytes()) + "02" + "02";
        bodies.add("0f02" + groupFields);
        bodies.add("0f02" + groupFields); // created twice: kept once
        Path file = dir.resolve("metadata.log");
        Files.write(file, frames(bodies.toArray(String[]::new)));
        assertThat(Files.size(file)).isGreaterThan(4L * 1024 * 1024);
        AclBinding topic = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "/a:", PatternType.PREFIXED),
                new AccessControlEntry("User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW));
        AclBinding group = new AclBinding(new ResourcePattern(ResourceType.GROUP, "*", PatternType.LITERAL),
                new AccessControlEntry("User:*", "10.0.0.1", AclOperation.ALL, AclPermissionType.DENY));
        for (int open = 0; open < 2; open++) { // replayed, compacted, then replayed from the snapshot
            try (MetadataStore store = MetadataStore.open(dir)) {
                assertThat(Files.size(file)).isLessThan(1024);
                assertThat(store.acls()).containsExactlyInAnyOrder(topic, group);
            }
        }
    }

    @Test
    void clientQuotaRecordsAreWrittenAsGoldenBytesAndReplayed() throws IOException {
        Map<String, String> parts = new java.util.HashMap<>();
        parts.put("user", "alice");
        parts.put("client-id", null); // the default client-id
        org.apache.kafka.common.quota.ClientQuotaEntity entity = new org.apache.kafka.common.quota.ClientQuotaEntity(parts);
        try (MetadataStore store = MetadataStore.open(dir)) {
            store.setClientQuotas(Map.of(entity, Map.of("producer_byte_rate", 1024.0)));
        }
        // CLIENT_QUOTAS_SET (17) v2: 2 parts in type order, each type, default flag, name; then the quotas as text
        String fields = "00000002" + "0009" + HEX.formatHex("client-id".getBytes()) + "01" + "0000"
                + "0004" + HEX.formatHex("user".getBytes()) + "00" + ALICE
                + "00000001" + "0012" + HEX.formatHex("producer_byte_rate".getBytes()) + "0006"
                + HEX.formatHex("1024.0".getBytes());
        List<String> bodies = bodies(Files.readAllBytes(dir.resolve("metadata.log")));
        assertThat(bodies.get(bodies.size() - 1)).isEqualTo("1102" + fields);
        try (MetadataStore store = MetadataStore.open(dir)) {
            assertThat(store.clientQuotas()).isEqualTo(Map.of(entity, Map.of("producer_byte_rate", 1024.0)));
            store.setClientQuotas(Map.of(entity, Map.of()));
        }
        try (MetadataStore store = MetadataStore.open(dir)) {
            assertThat(store.clientQuotas()).isEmpty();
        }
    }

    @Test
    void groupConfigRecordsAreWrittenAsGoldenBytesReplayedAndSurviveCompaction() throws IOException {
        try (MetadataStore store = MetadataStore.open(dir)) {
            store.setGroupConfigs("g1", Map.of("consumer.session.timeout.ms", "50000"));
        }
        // GROUP_CONFIGS_SET (18) v2: the group id, then its overrides as a map
        String g1 = "0002" + HEX.formatHex("g1".getBytes());
        String fields = g1 + "00000001" + "001b" + HEX.formatHex("consumer.session.timeout.ms".getBytes())
                + "0005" + HEX.formatHex("50000".getBytes());
        List<String> bodies = bodies(Files.readAllBytes(dir.resolve("metadata.log")));
        assertThat(bodies.get(bodies.size() - 1)).isEqualTo("1202" + fields);

        // a long history (more than 4 MiB) of g1 and g2 changes, g2's overrides removed in the end
        List<String> history = new java.util.ArrayList<>(bodies);
        String g2 = "0002" + HEX.formatHex("g2".getBytes());
        String lock = "001d" + HEX.formatHex("share.record.lock.duration.ms".getBytes());
        for (int i = 0; i < 80_000; i++) {
            history.add("1202" + g2 + "00000001" + lock + "0005" + HEX.formatHex(String.valueOf(20_000 + i % 9).getBytes()));
        }
        history.add("1202" + g2 + "00000000");
        history.add("1202" + fields);
        Path file = dir.resolve("metadata.log");
        Files.write(file, frames(history.toArray(String[]::new)));
        assertThat(Files.size(file)).isGreaterThan(4L * 1024 * 1024);
        for (int open = 0; open < 2; open++) { // replayed, compacted, then replayed from the snapshot
            try (MetadataStore store = MetadataStore.open(dir)) {
                assertThat(Files.size(file)).isLessThan(1024);
                assertThat(store.groupConfigs("g1")).isEqualTo(Map.of("consumer.session.timeout.ms", "50000"));
                assertThat(store.groupConfigs("g2")).isEmpty();
            }
        }
        try (MetadataStore store = MetadataStore.open(dir)) {
            store.setGroupConfigs("g1", Map.of());
        }
        try (MetadataStore store = MetadataStore.open(dir)) {
            assertThat(store.groupConfigs("g1")).isEmpty();
        }
    }

    /** The record bodies of a metadata log file (see {@link #frames}). */
    private static List<String> bodies(byte[] log) {
        ByteBuffer in = ByteBuffer.wrap(log);
        List<String> bodies = new java.util.ArrayList<>();
        while (in.remaining() >= 8) {
            int length = in.getInt();
            in.getInt();
            byte[] body = new byte[length];
            in.get(body);
            bodies.add(HEX.formatHex(body));
        }
        return bodies;
    }

    @Test
    void aMetadataLogWrittenByAnEarlierBrokerStillOpens() throws IOException {
        Files.write(dir.resolve("metadata.log"), frames(
                "0101" + "00026331", // CLUSTER "c1"
                "0201" + TOPIC_CREATED_FIELDS,
                "0601" + "00000001" + "0000000001000002" + "0000000000000011", // LOG_STARTS orders-2 at 17
                "0701" + "00000000000003e8")); // PRODUCER_IDS_RESERVED up to 1000
        try (MetadataStore store = MetadataStore.open(dir)) {
            assertThat(store.clusterId()).isEqualTo("c1");
            TopicMetadata orders = store.topic("orders");
            assertThat(orders.id()).isEqualTo(new Uuid(1, 2));
            assertThat(orders.partitionCount()).isEqualTo(3);
            assertThat(orders.configs()).isEqualTo(Map.of("retention.ms", "1000"));
            assertThat(store.logStartOffset(orders.partitionKey(2))).isEqualTo(17);
            assertThat(store.allocateProducerId()).isEqualTo(1000);
        }
    }

    @Test
    void aRecordOfANewerVersionIsRefusedWithAMessageThatSaysSo() throws IOException {
        Files.write(dir.resolve("metadata.log"), frames("0109" + "00026331"));
        assertThatThrownBy(() -> MetadataStore.open(dir)).hasMessageContaining("version 9")
                .hasMessageContaining("newer Spillway");
    }

    /** Frames record bodies as the metadata log does: int length, int CRC32C of the body, the body. */
    private static byte[] frames(String... bodies) {
        List<byte[]> parsed = java.util.Arrays.stream(bodies).map(HEX::parseHex).toList();
        ByteBuffer out = ByteBuffer.allocate(parsed.stream().mapToInt(b -> 8 + b.length).sum());
        for (byte[] body : parsed) {
            CRC32C crc = new CRC32C();
            crc.update(body);
            out.putInt(body.length).putInt((int) crc.getValue()).put(body);
        }
        return out.array();
    }
}

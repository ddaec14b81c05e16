package io.spillway.it;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ACLs enforced with Kafka's semantics and Spillway's stream permissions, with real clients over SASL: a
 * principal allowed on one stream (a prefixed ACL {@code /apps/fraud:}) produces, consumes and commits there and is
 * refused on another stream with TOPIC_AUTHORIZATION_FAILED; a principal without ACLs sees none of those topics;
 * deny beats allow; groups need READ; super users may do everything.
 */
class AclEnforcementTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create()
            .set("listeners", "SASL_PLAINTEXT://127.0.0.1:0")
            .set("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
            .set("super.users", "User:admin")
            .set("spillway.sasl.bootstrap.users", "admin:admin-pw,alice:alice-pw,bob:bob-pw,carol:carol-pw");

    private static Map<String, Object> as(String user) {
        Map<String, Object> c = new HashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrap());
        c.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        c.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256");
        c.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"" + user + "\" password=\"" + user + "-pw\";");
        return c;
    }

    private static Admin admin(String user) {
        Map<String, Object> c = as(user);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        return Admin.create(c);
    }

    private static AclBinding allow(String user, ResourceType type, String name, PatternType pattern,
                                    AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    @BeforeAll
    static void aclsAndTopics() throws Exception {
        try (Admin admin = admin("admin")) {
            admin.createTopics(List.of(new NewTopic("/apps/fraud:cards", 1, (short) 1),
                    new NewTopic("/apps/fraud:locked", 1, (short) 1), new NewTopic("/apps/risk:scores", 1, (short) 1),
                    new NewTopic("/apps/iot:sensors", 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            admin.createAcls(List.of(
                    allow("alice", ResourceType.TOPIC, "/apps/fraud:", PatternType.PREFIXED, AclOperation.ALL),
                    allow("alice", ResourceType.GROUP, "fraud-", PatternType.PREFIXED, AclOperation.READ),
                    allow("carol", ResourceType.TOPIC, "/apps/iot", PatternType.LITERAL, AclOperation.ALTER_CONFIGS),
                    allow("carol", ResourceType.TOPIC, "/apps/iot", PatternType.LITERAL, AclOperation.CREATE),
                    new AclBinding(new ResourcePattern(ResourceType.TOPIC, "/apps/fraud:locked", PatternType.LITERAL),
                            new AccessControlEntry("User:alice", "*", AclOperation.WRITE, AclPermissionType.DENY))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String user) {
        Map<String, Object> c = as(user);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String user, String group) {
        Map<String, Object> c = as(user);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (group != null) {
            c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Test
    void aPrincipalAllowedOnOneStreamWorksThereAndIsRefusedOnAnother() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer("alice")) {
            producer.send(new ProducerRecord<>("/apps/fraud:cards", "mine".getBytes(UTF_8))).get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("/apps/risk:scores", "x".getBytes(UTF_8)))
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("alice", "fraud-app")) {
            consumer.subscribe(List.of("/apps/fraud:cards"));
            assertThat(EmbeddedBroker.pollUntil(consumer, 1, Duration.ofSeconds(30))).isNotEmpty();
            consumer.commitSync();
        }
        try (Admin admin = admin("alice")) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .contains("/apps/fraud:cards").doesNotContain("/apps/risk:scores");
        }
    }

    @Test
    void clusterDescribingApisAndClientQuotasNeedTheirClusterOperations() throws Exception {
        try (Admin alice = admin("alice"); Admin admin = admin("admin")) {
            assertThatThrownBy(() -> alice.describeLogDirs(List.of(0)).allDescriptions().get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ClusterAuthorizationException.class);
            assertThatThrownBy(() -> alice.describeUserScramCredentials().all().get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ClusterAuthorizationException.class);
            assertThatThrownBy(() -> alice.describeClientQuotas(ClientQuotaFilter.all()).entities()
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(ClusterAuthorizationException.class);
            assertThatThrownBy(() -> alice.alterClientQuotas(List.of(new ClientQuotaAlteration(
                    new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, "alice")),
                    List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 1e9))))).all().get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ClusterAuthorizationException.class);
            // DescribeProducers needs READ on the topic: alice has it in her stream only.
            assertThat(alice.describeProducers(List.of(new TopicPartition("/apps/fraud:cards", 0))).all()
                    .get(30, TimeUnit.SECONDS)).hasSize(1);
            assertThatThrownBy(() -> alice.describeProducers(List.of(new TopicPartition("/apps/risk:scores", 0)))
                    .all().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TopicAuthorizationException.class);
            assertThat(admin.describeLogDirs(List.of(0)).allDescriptions().get(30, TimeUnit.SECONDS)).isNotEmpty();
            assertThat(admin.describeUserScramCredentials().all().get(30, TimeUnit.SECONDS)).containsKey("alice");
        }
    }

    @Test
    void renamingATopicNeedsDeleteOnItAndCreateOnTheNewName() throws Exception {
        try (Admin admin = admin("admin"); Admin alice = admin("alice")) {
            admin.createTopics(List.of(new NewTopic("/apps/fraud:to-rename", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            // alice may ALTER_CONFIGS and DELETE in her stream, but CREATE nothing in /apps/risk
            assertThatThrownBy(() -> rename(alice, "/apps/fraud:to-rename", "/apps/risk:taken"))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
            rename(alice, "/apps/fraud:to-rename", "/apps/fraud:renamed");
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .contains("/apps/fraud:renamed").doesNotContain("/apps/fraud:to-rename", "/apps/risk:taken");
        }
    }

    private static void rename(Admin admin, String from, String to) throws Exception {
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, from), List.of(
                new AlterConfigOp(new ConfigEntry("spillway.topic.rename.to", to), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS);
    }

    @Test
    void denyBeatsAllow() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer("alice")) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("/apps/fraud:locked", "x".getBytes(UTF_8)))
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaConsumer<byte[], byte[]> reader = consumer("alice", null)) {
            TopicPartition tp = new TopicPartition("/apps/fraud:locked", 0);
            reader.assign(List.of(tp));
            reader.seekToBeginning(List.of(tp));
            reader.poll(Duration.ofMillis(500)); // READ is still allowed: only WRITE is denied
        }
    }

    @Test
    void aPrincipalWithoutAclsSeesAndReadsNothingOfTheStream() throws Exception {
        try (Admin admin = admin("bob")) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("/apps/fraud:cards");
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("bob", null)) {
            TopicPartition tp = new TopicPartition("/apps/fraud:cards", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            assertThatThrownBy(() -> {
                for (int i = 0; i < 20; i++) {
                    consumer.poll(Duration.ofMillis(500));
                }
            }).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void groupsNeedRead() {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("alice", "not-fraud")) {
            assertThatThrownBy(() -> consumer.commitSync(Map.of(new TopicPartition("/apps/fraud:cards", 0),
                    new OffsetAndMetadata(0)))).isInstanceOf(GroupAuthorizationException.class);
        }
    }

    @Test
    void anAclOnAStreamPathAdministersTheStreamAndItsTopicsAndNothingElse() throws Exception {
        try (Admin admin = admin("carol")) {
            ConfigResource stream = new ConfigResource(ConfigResource.Type.TOPIC, "/apps/iot");
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "/apps/iot:sensors");
            AlterConfigOp retention = new AlterConfigOp(new ConfigEntry("retention.ms", "3600000"),
                    AlterConfigOp.OpType.SET);
            admin.incrementalAlterConfigs(Map.of(stream, List.of(retention), topic, List.of(retention)))
                    .all().get(30, TimeUnit.SECONDS);
            assertThat(admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic)
                    .get("retention.ms").value()).as("ALTER_CONFIGS implies DESCRIBE_CONFIGS").isEqualTo("3600000");
            admin.createTopics(List.of(new NewTopic("/apps/iot:more", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            ConfigResource other = new ConfigResource(ConfigResource.Type.TOPIC, "/apps/fraud:cards");
            assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(other, List.of(retention)))
                    .all().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TopicAuthorizationException.class);
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("/apps/iotx:t", 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void deletingAGroupsOffsetsNeedsDeleteOnTheGroup() throws Exception {
        TopicPartition tp = new TopicPartition("/apps/fraud:cards", 0);
        try (KafkaConsumer<byte[], byte[]> committer = consumer("alice", "fraud-offsets")) {
            committer.commitSync(Map.of(tp, new OffsetAndMetadata(0)));
        }
        try (Admin alice = admin("alice")) {
            assertThatThrownBy(() -> alice.deleteConsumerGroupOffsets("fraud-offsets", java.util.Set.of(tp)).all()
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(GroupAuthorizationException.class);
            assertThat(alice.listTransactions().all().get(30, TimeUnit.SECONDS))
                    .as("no transactional id she may describe").isEmpty();
        }
        try (Admin admin = admin("admin")) {
            admin.deleteConsumerGroupOffsets("fraud-offsets", java.util.Set.of(tp)).all().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void superUsersMayDoEverything() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer("admin")) {
            producer.send(new ProducerRecord<>("/apps/risk:scores", "ok".getBytes(UTF_8))).get(30, TimeUnit.SECONDS);
        }
    }
}

package io.spillway.it;

import org.apache.kafka.clients.admin.Admin;
import io.spillway.broker.Streams;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.ListConfigResourcesOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Streams as objects through the Kafka admin API (docs/streams.md): a TOPIC resource named by a stream path is the
 * stream. Created with defaults, its topics inherit them (and DescribeConfigs says so), altered defaults reach
 * existing topics, a topic's own override wins, the topic limit and the auto-create switch hold, and deleting the
 * stream deletes its topics.
 */
class StreamsAdminTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create().set("num.partitions", "1");

    private static Admin admin() {
        return BROKER.admin();
    }

    private static Config describe(String name) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        return admin().describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
                .all().get(30, TimeUnit.SECONDS).get(resource);
    }

    private static void set(String name, String key, String value) throws Exception {
        admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, name), List.of(
                new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
    }

    @Test
    void topicsInheritTheDefaultsOfTheirStream() throws Exception {
        String stream = "/apps/" + EmbeddedBroker.uniqueName("fraud");
        admin().createTopics(List.of(new NewTopic(stream, Optional.of(3), Optional.empty())
                .configs(Map.of("retention.ms", "3600000", "compression.type", "lz4")))).all().get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> admin().createTopics(List.of(new NewTopic(stream, Optional.empty(), Optional.empty())))
                .all().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TopicExistsException.class);

        Config streamConfig = describe(stream);
        assertThat(streamConfig.get("retention.ms").value()).isEqualTo("3600000");
        assertThat(streamConfig.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(streamConfig.get("num.partitions").value()).isEqualTo("3");
        assertThat(streamConfig.get("retention.bytes").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

        String topic = stream + ":card-activity";
        admin().createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())
                .configs(Map.of("compression.type", "zstd")))).all().get(30, TimeUnit.SECONDS);
        assertThat(admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                .partitions()).as("the stream's num.partitions").hasSize(3);
        Config topicConfig = describe(topic);
        ConfigEntry retention = topicConfig.get("retention.ms");
        assertThat(retention.value()).isEqualTo("3600000");
        assertThat(retention.source()).as("inherited from the stream")
                .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        assertThat(retention.synonyms().get(0).source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        assertThat(topicConfig.get("compression.type").value()).as("the topic's own override wins").isEqualTo("zstd");
        assertThat(topicConfig.get("compression.type").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

        set(stream, "retention.ms", "7200000");
        assertThat(describe(topic).get("retention.ms").value()).as("an altered default reaches the topic")
                .isEqualTo("7200000");
        String plain = EmbeddedBroker.uniqueName("plain");
        admin().createTopics(List.of(new NewTopic(plain, Optional.empty(), Optional.empty()))).all().get(30, TimeUnit.SECONDS);
        assertThat(describe(plain).get("retention.ms").value()).as("other streams are untouched").isEqualTo("604800000");

        assertThatThrownBy(() -> set(stream, "no.such.setting", "1")).hasCauseInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> set(stream, "retention.ms", "soon")).hasCauseInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void theTopicLimitAndTheAutoCreateSwitchOfAStreamHold() throws Exception {
        String stream = "/limits/" + EmbeddedBroker.uniqueName("s");
        admin().createTopics(List.of(new NewTopic(stream, Optional.empty(), Optional.empty())
                .configs(Map.of("spillway.stream.max.topics", "2", "auto.create.topics.enable", "false"))))
                .all().get(30, TimeUnit.SECONDS);
        admin().createTopics(List.of(new NewTopic(stream + ":a", 1, (short) 1), new NewTopic(stream + ":b", 1, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> admin().createTopics(List.of(new NewTopic(stream + ":c", 1, (short) 1)))
                .all().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(PolicyViolationException.class)
                .cause().hasMessageContaining("at most 2");

        var producer = BROKER.producer(Map.of("max.block.ms", "2000"));
        assertThatThrownBy(() -> producer.send(new ProducerRecord<>(stream + ":unknown", "v".getBytes(UTF_8)))
                .get(30, TimeUnit.SECONDS)).as("auto-create is off in this stream")
                .hasStackTraceContaining("not present in metadata");
        assertThat(admin().listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(stream + ":unknown");

        producer.close(); // it would go on asking for the unknown topic, and create it once that is allowed
        set(stream, "auto.create.topics.enable", "true");
        set(stream, "spillway.stream.max.topics", "3");
        BROKER.producer().send(new ProducerRecord<>(stream + ":auto", "v".getBytes(UTF_8))).get(30, TimeUnit.SECONDS);
        assertThat(admin().listTopics().names().get(30, TimeUnit.SECONDS)).contains(stream + ":auto");
    }

    @Test
    void aTopicRenamedIntoAnotherStreamKeepsItsRecordsConfigsAndCommittedOffsets() throws Exception {
        String from = "/rename/" + EmbeddedBroker.uniqueName("a") + ":events";
        String to = "/rename/" + EmbeddedBroker.uniqueName("b") + ":events-moved";
        admin().createTopics(List.of(new NewTopic(from, 1, (short) 1).configs(Map.of("retention.ms", "86400000"))))
                .all().get(30, TimeUnit.SECONDS);
        Uuid oldId = admin().describeTopics(List.of(from)).allTopicNames().get(30, TimeUnit.SECONDS).get(from).topicId();
        var producer = BROKER.producer();
        for (int i = 0; i < 3; i++) {
            producer.send(new ProducerRecord<>(from, ("r" + i).getBytes(UTF_8))).get(30, TimeUnit.SECONDS);
        }
        String group = EmbeddedBroker.uniqueName("rename-group");
        var committer = BROKER.consumer(Map.of("group.id", group));
        committer.commitSync(Map.of(new TopicPartition(from, 0), new OffsetAndMetadata(2)));
        committer.close();

        set(from, "spillway.topic.rename.to", to);

        assertThat(admin().listTopics().names().get(30, TimeUnit.SECONDS)).contains(to).doesNotContain(from);
        assertThat(admin().describeTopics(List.of(to)).allTopicNames().get(30, TimeUnit.SECONDS).get(to).topicId())
                .as("a new id, so clients holding the old one are told it is gone").isNotEqualTo(oldId);
        assertThat(describe(to).get("retention.ms").value()).as("configs follow").isEqualTo("86400000");
        assertThat(describe(to).get("spillway.topic.rename.to")).as("not kept as a config").isNull();
        assertThat(admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS))
                .as("committed offsets follow").containsOnlyKeys(new TopicPartition(to, 0))
                .extractingByKey(new TopicPartition(to, 0)).extracting(OffsetAndMetadata::offset).isEqualTo(2L);
        var consumer = BROKER.consumer(Map.of("group.id", group));
        consumer.subscribe(List.of(to));
        List<String> rest = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (rest.isEmpty() && System.nanoTime() < deadline) {
            consumer.poll(java.time.Duration.ofMillis(200)).forEach(r -> rest.add(new String(r.value(), UTF_8)));
        }
        assertThat(rest).as("the group goes on where it was, under the new name").containsExactly("r2");
        consumer.close();
        producer.send(new ProducerRecord<>(to, "after".getBytes(UTF_8))).get(30, TimeUnit.SECONDS);

        assertThatThrownBy(() -> admin().describeTopics(List.of(from)).allTopicNames().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        assertThatThrownBy(() -> set(to, "spillway.topic.rename.to", "/rename/x:bad name"))
                .hasCauseInstanceOf(InvalidTopicException.class);
        String other = "/rename/" + EmbeddedBroker.uniqueName("c") + ":taken";
        admin().createTopics(List.of(new NewTopic(other, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> set(to, "spillway.topic.rename.to", other)).hasCauseInstanceOf(TopicExistsException.class);
    }

    @Test
    void deletingAStreamDeletesItsTopicsAndNothingElse() throws Exception {
        String stream = "/gone/" + EmbeddedBroker.uniqueName("s");
        String keep = "/kept/" + EmbeddedBroker.uniqueName("s") + ":t";
        admin().createTopics(List.of(new NewTopic(stream + ":t1", 1, (short) 1), new NewTopic(stream + ":t2", 1, (short) 1),
                new NewTopic(keep, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        assertThat(describe(stream).get("retention.ms").source()).as("created with its first topic, without settings")
                .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        BROKER.producer().send(new ProducerRecord<>(stream + ":t1", "v".getBytes(UTF_8))).get(30, TimeUnit.SECONDS);
        String group = EmbeddedBroker.uniqueName("stream-group");
        var consumer = BROKER.consumer(Map.of("group.id", group));
        consumer.commitSync(Map.of(new TopicPartition(stream + ":t1", 0), new OffsetAndMetadata(1),
                new TopicPartition(keep, 0), new OffsetAndMetadata(0)));
        consumer.close();
        assertThat(admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS))
                .containsKeys(new TopicPartition(stream + ":t1", 0), new TopicPartition(keep, 0));

        admin().deleteTopics(List.of(stream)).all().get(30, TimeUnit.SECONDS);
        assertThat(admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS))
                .as("the committed offsets of the stream's topics went with them").containsOnlyKeys(new TopicPartition(keep, 0));
        assertThat(admin().listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(stream + ":t1", stream + ":t2")
                .contains(keep);
        assertThatThrownBy(() -> describe(stream)).hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        assertThatThrownBy(() -> BROKER.producer(Map.of("max.block.ms", "3000"))
                .send(new ProducerRecord<>(keep.substring(0, keep.indexOf(':')), "v".getBytes(UTF_8))).get(30, TimeUnit.SECONDS))
                .as("a stream is no topic to produce to").hasCauseInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> admin().deleteTopics(List.of(stream)).all().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void streamsAreListedAmongTheTopicConfigResources() throws Exception {
        String stream = "/list/" + EmbeddedBroker.uniqueName("s");
        String other = "/list/" + EmbeddedBroker.uniqueName("t") + "/deeper";
        admin().createTopics(List.of(new NewTopic(stream, Optional.of(1), Optional.empty()))).all().get(30, TimeUnit.SECONDS);
        admin().createTopics(List.of(new NewTopic(other + ":events", Optional.of(1), Optional.empty())))
                .all().get(30, TimeUnit.SECONDS); // creates the stream without settings

        Collection<ConfigResource> topicResources = admin().listConfigResources(Set.of(ConfigResource.Type.TOPIC),
                new ListConfigResourcesOptions()).all().get(30, TimeUnit.SECONDS);
        assertThat(topicResources).contains(new ConfigResource(ConfigResource.Type.TOPIC, stream),
                new ConfigResource(ConfigResource.Type.TOPIC, other),
                new ConfigResource(ConfigResource.Type.TOPIC, other + ":events"),
                new ConfigResource(ConfigResource.Type.TOPIC, "__consumer_offsets"));
        assertThat(topicResources).extracting(ConfigResource::type).containsOnly(ConfigResource.Type.TOPIC);

        Collection<ConfigResource> all = admin().listConfigResources().all().get(30, TimeUnit.SECONDS);
        assertThat(all).contains(new ConfigResource(ConfigResource.Type.BROKER, "0"),
                new ConfigResource(ConfigResource.Type.BROKER_LOGGER, "0"),
                new ConfigResource(ConfigResource.Type.TOPIC, stream));

        admin().deleteTopics(List.of(stream)).all().get(30, TimeUnit.SECONDS);
        assertThat(admin().listConfigResources(Set.of(ConfigResource.Type.TOPIC), new ListConfigResourcesOptions())
                .all().get(30, TimeUnit.SECONDS)).doesNotContain(new ConfigResource(ConfigResource.Type.TOPIC, stream));

        assertThatThrownBy(() -> admin().listConfigResources(Set.of(ConfigResource.Type.UNKNOWN),
                new ListConfigResourcesOptions()).all().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(UnsupportedVersionException.class);
    }

    @Test
    void creatingChangingAndDeletingAStreamIsLoggedNamingTheClient() throws Exception {
        String stream = "/logged/" + EmbeddedBroker.uniqueName("s");
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, stream);
        try (CapturedLog log = CapturedLog.of(Streams.class, io.spillway.broker.Topics.class,
                Class.forName("io.spillway.broker.handler.ConfigOverrides"))) {
            admin().createTopics(List.of(new NewTopic(stream, Optional.of(2), Optional.empty())
                    .configs(Map.of("retention.ms", "3600000")))).all().get(30, TimeUnit.SECONDS);
            admin().incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("compression.type", "lz4"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE))),
                    new AlterConfigsOptions().validateOnly(true)).all().get(30, TimeUnit.SECONDS);
            assertThat(log.info()).as("validate_only changes nothing, so it logs no change").noneMatch(
                    m -> m.startsWith("Changed configs"));
            admin().incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("compression.type", "lz4"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE))))
                    .all().get(30, TimeUnit.SECONDS);
            admin().createTopics(List.of(new NewTopic(stream + ":events", Optional.empty(), Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);
            admin().deleteTopics(List.of(stream)).all().get(30, TimeUnit.SECONDS);
            String implicit = "/logged/" + EmbeddedBroker.uniqueName("implicit");
            admin().createTopics(List.of(new NewTopic(implicit + ":first", Optional.empty(), Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);

            String client = " for client 'spillway-it-admin' at ";
            assertThat(log.info()).contains("Created stream " + implicit + " without settings of its own, for a topic "
                    + "named in it");
            assertThat(log.info()).anyMatch(m -> m.startsWith("Created stream " + stream + " with settings "
                    + "num.partitions=2, retention.ms=3600000" + client));
            assertThat(log.info()).anyMatch(m -> m.startsWith("Changed configs of stream " + stream + client)
                    && m.endsWith(": set compression.type=lz4; deleted retention.ms"));
            assertThat(log.info()).anyMatch(m -> m.startsWith("Deleted stream " + stream + " and its ")
                    && m.contains(" topic") && m.contains(client));
        }
    }
}

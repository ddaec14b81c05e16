package io.spillway.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The committed offsets of a stream's topics live in the stream's own internal topic
 * {@code /path/stream:__consumer_offsets} (docs/streams.md), not in the broker-wide {@code __consumer_offsets}:
 * a group committing to topics of two streams and of the default stream sees one set of offsets, each kept with
 * its stream; transactional offsets commit and abort there; the internal topic is marked internal, skipped by
 * regular-expression subscriptions of both group protocols, refused to producers and to CreateTopics/DeleteTopics,
 * not counted against the stream's topic limit, and goes when its stream is deleted.
 */
class StreamOffsetsTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create().set("num.partitions", "1");

    private static Admin admin() {
        return BROKER.admin();
    }

    private static String stream(String prefix) {
        return "/offsets/" + EmbeddedBroker.uniqueName(prefix);
    }

    private static void create(String... topics) throws Exception {
        List<NewTopic> newTopics = new ArrayList<>();
        for (String t : topics) {
            newTopics.add(new NewTopic(t, 1, (short) 1));
        }
        admin().createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
        return admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    }

    /** The keys of every record in partition 0 of an internal topic, as text (they hold group and topic names). */
    private static List<String> keysIn(String topic) {
        KafkaConsumer<byte[], byte[]> reader = BROKER.consumer();
        TopicPartition tp = new TopicPartition(topic, 0);
        reader.assign(List.of(tp));
        reader.seekToBeginning(List.of(tp));
        long end = reader.endOffsets(List.of(tp)).get(tp);
        List<String> keys = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (reader.position(tp) < end && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
                if (r.key() != null) {
                    keys.add(new String(r.key(), StandardCharsets.ISO_8859_1));
                }
            }
        }
        reader.close();
        return keys;
    }

    @Test
    void eachStreamKeepsTheCommittedOffsetsOfItsTopics() throws Exception {
        String a = stream("a");
        String b = stream("b");
        String plain = EmbeddedBroker.uniqueName("offsets-plain");
        create(a + ":t", b + ":t", plain);
        String group = EmbeddedBroker.uniqueName("offsets-group");
        KafkaConsumer<byte[], byte[]> committer = BROKER.consumer(Map.of("group.id", group));
        committer.commitSync(Map.of(new TopicPartition(a + ":t", 0), new OffsetAndMetadata(1, "in a"),
                new TopicPartition(b + ":t", 0), new OffsetAndMetadata(2),
                new TopicPartition(plain, 0), new OffsetAndMetadata(3)));
        committer.close();

        assertThat(committed(group)).as("one group, one set of offsets, wherever they are kept")
                .containsOnlyKeys(new TopicPartition(a + ":t", 0), new TopicPartition(b + ":t", 0),
                        new TopicPartition(plain, 0))
                .extractingByKey(new TopicPartition(a + ":t", 0)).extracting(OffsetAndMetadata::metadata)
                .isEqualTo("in a");
        assertThat(keysIn(a + ":__consumer_offsets")).anyMatch(k -> k.contains(a + ":t"))
                .noneMatch(k -> k.contains(b + ":t") || k.contains(plain));
        assertThat(keysIn(b + ":__consumer_offsets")).anyMatch(k -> k.contains(b + ":t"))
                .noneMatch(k -> k.contains(a + ":t"));
        assertThat(keysIn("__consumer_offsets")).as("the default stream keeps its own and the groups")
                .anyMatch(k -> k.contains(plain)).noneMatch(k -> k.contains(a + ":t") || k.contains(b + ":t"));

        assertThat(admin().listTopics().names().get(30, TimeUnit.SECONDS)).as("internal, so not listed by default")
                .contains(a + ":t").doesNotContain(a + ":__consumer_offsets");
        assertThat(admin().listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS))
                .contains(a + ":__consumer_offsets", b + ":__consumer_offsets");
        assertThat(admin().describeTopics(List.of(a + ":__consumer_offsets")).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(a + ":__consumer_offsets").isInternal()).isTrue();

        // A later commit overwrites in place, and a group deleted takes its offsets out of every stream.
        KafkaConsumer<byte[], byte[]> again = BROKER.consumer(Map.of("group.id", group));
        again.commitSync(Map.of(new TopicPartition(a + ":t", 0), new OffsetAndMetadata(5)));
        again.close();
        assertThat(committed(group).get(new TopicPartition(a + ":t", 0)).offset()).isEqualTo(5);
        admin().deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
        assertThat(committed(group)).isEmpty();
        assertThat(admin().listGroups().all().get(30, TimeUnit.SECONDS))
                .noneMatch(listing -> listing.groupId().equals(group));
    }

    @Test
    void transactionalOffsetsOfAStreamsTopicTakeEffectOnlyWhenTheTransactionCommits() throws Exception {
        String s = stream("txn");
        String in = s + ":in";
        String out = s + ":out";
        String plainIn = EmbeddedBroker.uniqueName("offsets-txn-plain");
        create(in, out, plainIn);
        String group = EmbeddedBroker.uniqueName("offsets-txn-group");
        KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer(Map.of("group.id", group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"));
        consumer.subscribe(List.of(in));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100));
        }
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, EmbeddedBroker.uniqueName("offsets-txn")));
        producer.initTransactions();
        TopicPartition tp = new TopicPartition(in, 0);
        TopicPartition plainTp = new TopicPartition(plainIn, 0);
        // The consumer fetched its committed offsets when it got its assignment; if that answer arrived after the
        // poll returned, the client keeps it and would hand it to the next committed() call for the same
        // partitions. Take it now, so the committed() call below asks the broker.
        assertThat(consumer.committed(Set.of(tp)).get(tp)).isNull();

        producer.beginTransaction();
        producer.send(new ProducerRecord<>(out, "one".getBytes(UTF_8)));
        producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(5), plainTp, new OffsetAndMetadata(6)),
                consumer.groupMetadata());
        assertThat(committed(group)).as("pending until the commit").isEmpty();
        producer.commitTransaction();
        assertThat(committed(group)).containsOnlyKeys(tp, plainTp);
        assertThat(committed(group).get(tp).offset()).isEqualTo(5);

        producer.beginTransaction();
        producer.send(new ProducerRecord<>(out, "two".getBytes(UTF_8)));
        producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(7)), consumer.groupMetadata());
        producer.abortTransaction();
        assertThat(committed(group).get(tp).offset()).as("the abort dropped it").isEqualTo(5);

        producer.beginTransaction();
        producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(9)), consumer.groupMetadata());
        producer.commitTransaction();
        assertThat(committed(group).get(tp).offset()).isEqualTo(9);
        assertThat(committed(group).get(plainTp).offset()).isEqualTo(6);
        assertThat(consumer.committed(Set.of(tp)).get(tp).offset()).isEqualTo(9);
        consumer.close();
    }

    @Test
    void clientsCannotWriteCreateOrDeleteAStreamsOffsetsTopic() throws Exception {
        String s = stream("guarded");
        create(s + ":t");
        KafkaConsumer<byte[], byte[]> committer = BROKER.consumer(Map.of("group.id", EmbeddedBroker.uniqueName("g")));
        committer.commitSync(Map.of(new TopicPartition(s + ":t", 0), new OffsetAndMetadata(0)));
        committer.close();
        String internal = s + ":__consumer_offsets";
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(ProducerConfig.RETRIES_CONFIG, "0"));
        for (String topic : List.of(internal, "__consumer_offsets")) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, 0, null, "x".getBytes(UTF_8)))
                    .get(30, TimeUnit.SECONDS)).as(topic).hasCauseInstanceOf(InvalidTopicException.class);
        }
        assertThatThrownBy(() -> admin().deleteTopics(List.of(internal)).all().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(InvalidRequestException.class);
        String other = stream("never");
        assertThatThrownBy(() -> create(other + ":__consumer_offsets"))
                .hasCauseInstanceOf(InvalidRequestException.class);
        assertThat(admin().listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS))
                .contains(internal).doesNotContain(other + ":__consumer_offsets");
        assertThatThrownBy(() -> admin().incrementalAlterConfigs(Map.of(
                new ConfigResource(ConfigResource.Type.TOPIC, internal), List.of(new AlterConfigOp(
                        new ConfigEntry("spillway.topic.rename.to", s + ":mine"), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(InvalidRequestException.class);
    }

    @Test
    void theOffsetsTopicDoesNotCountAgainstTheStreamsTopicLimit() throws Exception {
        String s = stream("limited");
        admin().createTopics(List.of(new NewTopic(s, 1, (short) 1).configs(Map.of("spillway.stream.max.topics", "2"))))
                .all().get(30, TimeUnit.SECONDS);
        create(s + ":one");
        KafkaConsumer<byte[], byte[]> committer = BROKER.consumer(Map.of("group.id", EmbeddedBroker.uniqueName("g")));
        committer.commitSync(Map.of(new TopicPartition(s + ":one", 0), new OffsetAndMetadata(0)));
        committer.close();
        create(s + ":two");
        assertThatThrownBy(() -> create(s + ":three")).hasCauseInstanceOf(PolicyViolationException.class)
                .hasMessageContaining("holds 2 topics");
    }

    @Test
    void subscriptionsByRegularExpressionSkipTheOffsetsTopicWithBothProtocols() throws Exception {
        String s = stream("regex");
        create(s + ":a", s + ":b");
        BROKER.producer().send(new ProducerRecord<>(s + ":a", "v".getBytes(UTF_8))).get(30, TimeUnit.SECONDS);
        KafkaConsumer<byte[], byte[]> committer = BROKER.consumer(Map.of("group.id", EmbeddedBroker.uniqueName("g")));
        committer.commitSync(Map.of(new TopicPartition(s + ":a", 0), new OffsetAndMetadata(0)));
        committer.close();
        for (String protocol : List.of("classic", "consumer")) {
            KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer(Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG, EmbeddedBroker.uniqueName("regex-" + protocol),
                    ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol));
            consumer.subscribe(Pattern.compile(Pattern.quote(s + ":") + ".*"));
            assertThat(EmbeddedBroker.pollUntil(consumer, 1, Duration.ofSeconds(30))).as(protocol).hasSize(1);
            Set<String> assigned = new HashSet<>();
            consumer.assignment().forEach(tp -> assigned.add(tp.topic()));
            assertThat(assigned).as(protocol).containsExactlyInAnyOrder(s + ":a", s + ":b");
            consumer.close();
        }
    }

    @Test
    void deletingAStreamTakesItsOffsetsTopicAndLeavesTheGroupsOtherOffsets() throws Exception {
        String s = stream("deleted");
        String plain = EmbeddedBroker.uniqueName("offsets-kept");
        create(s + ":t", plain);
        String group = EmbeddedBroker.uniqueName("offsets-deleted-group");
        KafkaConsumer<byte[], byte[]> committer = BROKER.consumer(Map.of("group.id", group));
        committer.commitSync(Map.of(new TopicPartition(s + ":t", 0), new OffsetAndMetadata(1),
                new TopicPartition(plain, 0), new OffsetAndMetadata(2)));
        committer.close();

        admin().deleteTopics(List.of(s)).all().get(30, TimeUnit.SECONDS);
        assertThat(admin().listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS))
                .doesNotContain(s + ":t", s + ":__consumer_offsets");
        assertThat(committed(group)).containsOnlyKeys(new TopicPartition(plain, 0));

        // The same stream made again starts without offsets, and keeps new ones in an offsets topic of its own.
        create(s + ":t");
        assertThat(committed(group)).containsOnlyKeys(new TopicPartition(plain, 0));
        KafkaConsumer<byte[], byte[]> again = BROKER.consumer(Map.of("group.id", group));
        again.commitSync(Map.of(new TopicPartition(s + ":t", 0), new OffsetAndMetadata(4)));
        again.close();
        assertThat(committed(group).get(new TopicPartition(s + ":t", 0)).offset()).isEqualTo(4);
        assertThat(keysIn(s + ":__consumer_offsets")).hasSize(1);
    }
}

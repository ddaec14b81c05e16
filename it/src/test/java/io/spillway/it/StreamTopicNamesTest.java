package io.spillway.it;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Stream topics ({@code /path/to/stream:topic}) with the real Java clients: created, listed, described, produced to,
 * consumed (assigned, and by a group subscribed by regex with both group protocols) and deleted like any topic; the
 * same topic name in two streams names two topics; invalid names are refused with INVALID_TOPIC_EXCEPTION and a
 * message that says what is wrong.
 */
class StreamTopicNamesTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create().set("auto.create.topics.enable", "false");

    private static void create(String... names) throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, 2, (short) 1));
        }
        BROKER.admin().createTopics(topics).all().get(60, TimeUnit.SECONDS);
    }

    private static void produce(String topic, String... values) throws Exception {
        var producer = BROKER.producer();
        for (String v : values) {
            producer.send(new ProducerRecord<>(topic, 0, null, v.getBytes(UTF_8))).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> readAll(String topic, int expected) {
        KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer();
        List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        List<String> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : EmbeddedBroker.pollUntil(consumer, expected, Duration.ofSeconds(30))) {
            values.add(r.topic() + "=" + new String(r.value(), UTF_8));
        }
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        return values;
    }

    @Test
    void theSameTopicNameInTwoStreamsAndThePlainNameAreThreeTopics() throws Exception {
        String topic = EmbeddedBroker.uniqueName("card-activity");
        String fraud = "/apps/fraud:" + topic;
        String iot = "/apps/iot/pumps:" + topic;
        create(fraud, iot, topic);

        Set<String> listed = BROKER.admin().listTopics().names().get(30, TimeUnit.SECONDS);
        assertThat(listed).contains(fraud, iot, topic);
        Map<String, TopicDescription> described = BROKER.admin().describeTopics(List.of(fraud, iot, topic))
                .allTopicNames().get(30, TimeUnit.SECONDS);
        assertThat(described.get(fraud).partitions()).hasSize(2);
        assertThat(described.get(fraud).topicId()).isNotEqualTo(described.get(iot).topicId())
                .isNotEqualTo(described.get(topic).topicId());

        produce(fraud, "f1", "f2");
        produce(iot, "i1");
        produce(topic, "p1");
        assertThat(readAll(fraud, 2)).containsExactly(fraud + "=f1", fraud + "=f2");
        assertThat(readAll(iot, 1)).containsExactly(iot + "=i1");
        assertThat(readAll(topic, 1)).containsExactly(topic + "=p1");

        BROKER.admin().deleteTopics(List.of(iot)).all().get(30, TimeUnit.SECONDS);
        assertThat(BROKER.admin().listTopics().names().get(30, TimeUnit.SECONDS)).contains(fraud, topic).doesNotContain(iot);
        assertThat(readAll(fraud, 2)).as("the other stream's topic of the same name is untouched").hasSize(2);
        assertThatThrownBy(() -> BROKER.admin().describeTopics(List.of(iot)).allTopicNames().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void aGroupSubscribedByRegexGetsTheTopicsOfOneStream(String protocol) throws Exception {
        String stream = "/regex/" + EmbeddedBroker.uniqueName(protocol);
        String a = stream + ":orders";
        String b = stream + ":payments";
        String elsewhere = stream + "-other:orders";
        create(a, b, elsewhere);
        produce(a, "a1");
        produce(b, "b1");
        produce(elsewhere, "x1");

        KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, EmbeddedBroker.uniqueName("regex-group"),
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol));
        consumer.subscribe(Pattern.compile(Pattern.quote(stream + ":") + ".*"));
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (got.size() < 2 && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.topic() + "=" + new String(r.value(), UTF_8)));
        }
        consumer.commitSync();
        assertThat(got).containsExactlyInAnyOrder(a + "=a1", b + "=b1");
        assertThat(consumer.assignment()).extracting(TopicPartition::topic).containsOnly(a, b);
        assertThat(consumer.committed(Set.of(new TopicPartition(a, 0))).get(new TopicPartition(a, 0)).offset())
                .isEqualTo(1);
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../..", "/a//b:t", "/a:b:c", "/a:", "/a/./b:t", "/a/../b:t", "/a b:t", "/:t",
        "/a/:t", "a:b", "a/b", "/a:t t", "/a:..", "/a\u00e9:t"})
    void invalidNamesAreRefusedWithAReason(String name) {
        assertThatThrownBy(() -> create(name))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(InvalidTopicException.class)
                .cause().message().contains(name.length() > 3 ? name.substring(0, 3) : name);
        assertThatThrownBy(() -> BROKER.producer(Map.of("max.block.ms", "3000"))
                .send(new ProducerRecord<>(name, "v".getBytes(UTF_8))).get(30, TimeUnit.SECONDS))
                .as("produce to %s", name).hasCauseInstanceOf(InvalidTopicException.class);
    }

    @Test
    void namesThatDifferOnlyInDotAndUnderscoreCollideWithinAStreamOnly() throws Exception {
        String stream = "/collide/" + EmbeddedBroker.uniqueName("s");
        create(stream + ":sensor.readings");
        assertThatThrownBy(() -> create(stream + ":sensor_readings"))
                .hasCauseInstanceOf(InvalidTopicException.class)
                .cause().hasMessageContaining("collides with existing topic: " + stream + ":sensor.readings");
        create(stream + "-2:sensor_readings");
        String plain = EmbeddedBroker.uniqueName("metrics") + "_raw";
        create(plain);
        assertThatThrownBy(() -> create(plain.replace('_', '.'))).hasCauseInstanceOf(InvalidTopicException.class);

        BROKER.admin().deleteTopics(List.of(stream + ":sensor.readings")).all().get(30, TimeUnit.SECONDS);
        create(stream + ":sensor_readings");
    }

    @Test
    void aLongStreamPathIsFineAndTooLongIsRefused() throws Exception {
        String deep = "/" + "segment/".repeat(40) + "leaf";
        create(deep + ":t");
        produce(deep + ":t", "deep");
        assertThat(readAll(deep + ":t", 1)).hasSize(1);
        assertThatThrownBy(() -> create("/" + "x".repeat(600) + ":t")).hasCauseInstanceOf(InvalidTopicException.class)
                .cause().hasMessageContaining("longer than 512");
    }
}

package io.spillway.it;

import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DescribeTopicPartitions (KIP-966), which the Java admin client's describeTopics uses when the broker offers it:
 * pages of at most the asked number of partitions in topic-name order, a cursor to the first partition left out,
 * unknown and invalid names answered per topic.
 */
class DescribeTopicPartitionsTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create();

    @Test
    void theAdminClientPagesThroughTopicsWithManyPartitions() throws Exception {
        String prefix = EmbeddedBroker.uniqueName("paged");
        List<String> names = List.of(prefix + "-a", prefix + "-b", "/paged/stream:" + prefix);
        BROKER.admin().createTopics(List.of(new NewTopic(names.get(0), 7, (short) 1), new NewTopic(names.get(1), 1, (short) 1),
                new NewTopic(names.get(2), 5, (short) 1))).all().get(30, TimeUnit.SECONDS);
        Map<String, TopicDescription> described = BROKER.admin().describeTopics(names,
                new DescribeTopicsOptions().partitionSizeLimitPerResponse(3)).allTopicNames().get(30, TimeUnit.SECONDS);
        assertThat(described.get(names.get(0)).partitions()).extracting(TopicPartitionInfo::partition)
                .containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(described.get(names.get(1)).partitions()).hasSize(1);
        assertThat(described.get(names.get(2)).partitions()).hasSize(5);
        assertThat(described.get(names.get(2)).partitions().get(0).leader().id()).isEqualTo(0);

        assertThat(BROKER.admin().describeTopics(List.of(prefix + "-missing")).allTopicNames())
                .failsWithin(30, TimeUnit.SECONDS).withThrowableThat().withCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void theCursorPointsToTheFirstPartitionLeftOut() throws Exception {
        String prefix = EmbeddedBroker.uniqueName("cursor");
        BROKER.admin().createTopics(List.of(new NewTopic(prefix + "-a", 3, (short) 1), new NewTopic(prefix + "-b", 4, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);
        try (WireClient wire = new WireClient(BROKER.host(), BROKER.port(), 30_000)) {
            DescribeTopicPartitionsResponseData first = describe(wire, 5, null, prefix + "-b", prefix + "-a", "bad name",
                    prefix + "-c");
            assertThat(first.topics()).extracting(DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic::name)
                    .containsExactly("bad name", prefix + "-a", prefix + "-b");
            assertThat(first.topics().find(prefix + "-a").partitions()).hasSize(3);
            assertThat(first.topics().find(prefix + "-b").partitions()).extracting(p -> p.partitionIndex()).containsExactly(0, 1);
            assertThat(first.topics().find("bad name").errorCode()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code());
            assertThat(first.nextCursor().topicName()).isEqualTo(prefix + "-b");
            assertThat(first.nextCursor().partitionIndex()).isEqualTo(2);

            DescribeTopicPartitionsResponseData second = describe(wire, 5, first.nextCursor(), prefix + "-a", prefix + "-b",
                    prefix + "-c");
            assertThat(second.topics().find(prefix + "-b").partitions()).extracting(p -> p.partitionIndex())
                    .containsExactly(2, 3);
            assertThat(second.topics().find(prefix + "-c").errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            assertThat(second.topics().find(prefix + "-a")).as("before the cursor").isNull();
            assertThat(second.nextCursor()).isNull();

            DescribeTopicPartitionsResponseData exact = describe(wire, 3, null, prefix + "-a", prefix + "-b");
            assertThat(exact.topics()).hasSize(1);
            assertThat(exact.nextCursor().topicName()).as("a full page ends at a topic's end").isEqualTo(prefix + "-b");
            assertThat(exact.nextCursor().partitionIndex()).isZero();
        }
    }

    private static DescribeTopicPartitionsResponseData describe(WireClient wire, int limit,
                                                               DescribeTopicPartitionsResponseData.Cursor cursor,
                                                               String... topics) throws Exception {
        DescribeTopicPartitionsRequestData request = new DescribeTopicPartitionsRequestData().setResponsePartitionLimit(limit);
        for (String t : topics) {
            request.topics().add(new DescribeTopicPartitionsRequestData.TopicRequest().setName(t));
        }
        if (cursor != null) {
            request.setCursor(new DescribeTopicPartitionsRequestData.Cursor().setTopicName(cursor.topicName())
                    .setPartitionIndex(cursor.partitionIndex()));
        }
        return (DescribeTopicPartitionsResponseData) wire.send(WireClient.request(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, request,
                (short) 0)).data();
    }
}

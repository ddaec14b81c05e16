package io.spillway.http.rest;

import io.spillway.broker.ApiDispatcher;
import io.spillway.broker.ApiHandler;
import io.spillway.broker.auth.Authorizer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TopicPager} against a DescribeTopicPartitions handler that pages every {@value #PAGE} partitions with a
 * cursor, as the broker's does every 2,000: topics whose partitions span pages are counted whole, {@code after} and
 * {@code search} page through all names exactly once, and a page reads only the pages it needs.
 */
class TopicPagerTest {
    private static final int PAGE = 3;
    private final TreeMap<String, Integer> topics = new TreeMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final TopicPager pager;

    TopicPagerTest() {
        topics.put("a", 1);
        topics.put("b", 5); // spans two pages
        topics.put("c", 2);
        topics.put("d-x", 1);
        topics.put("e", 7); // spans three pages
        topics.put("f-x", 1);
        ApiDispatcher dispatcher = new ApiDispatcher().register(ApiKeys.DESCRIBE_TOPIC_PARTITIONS,
                (ApiHandler<DescribeTopicPartitionsRequestData, DescribeTopicPartitionsResponseData>)
                        (context, request) -> CompletableFuture.completedFuture(page(request)));
        pager = new TopicPager(new KafkaGateway(dispatcher, Authorizer.ALLOW_ALL, "PLAINTEXT", Runnable::run));
    }

    private DescribeTopicPartitionsResponseData page(DescribeTopicPartitionsRequestData request) {
        requests.incrementAndGet();
        String from = request.cursor() == null ? "" : request.cursor().topicName();
        int first = request.cursor() == null ? 0 : request.cursor().partitionIndex();
        int remaining = PAGE;
        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData();
        for (Map.Entry<String, Integer> t : topics.tailMap(from, true).entrySet()) {
            if (remaining == 0) {
                response.setNextCursor(new DescribeTopicPartitionsResponseData.Cursor().setTopicName(t.getKey())
                        .setPartitionIndex(0));
                break;
            }
            int start = t.getKey().equals(from) ? first : 0;
            int end = Math.min(t.getValue(), start + remaining);
            List<DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition> ps = new ArrayList<>();
            for (int p = start; p < end; p++) {
                ps.add(new DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition()
                        .setPartitionIndex(p));
            }
            response.topics().add(new DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic()
                    .setName(t.getKey()).setTopicId(Uuid.randomUuid()).setPartitions(ps));
            remaining -= end - start;
            if (end < t.getValue()) {
                response.setNextCursor(new DescribeTopicPartitionsResponseData.Cursor().setTopicName(t.getKey())
                        .setPartitionIndex(end));
                break;
            }
        }
        return response;
    }

    private List<String> all(String search, int limit) {
        List<String> names = new ArrayList<>();
        String after = null;
        for (int i = 0; i < 20; i++) {
            TopicPager.Page page = pager.page(Caller.anonymous("test"), search, after, limit).join();
            assertThat(page.topics().size()).isLessThanOrEqualTo(limit);
            page.topics().forEach(t -> {
                names.add(t.name());
                assertThat(t.partitions()).as(t.name()).isEqualTo(topics.get(t.name()));
            });
            if (page.next() == null) {
                return names;
            }
            after = page.next();
        }
        throw new AssertionError("no last page");
    }

    @Test
    void everyTopicOnceWithAllItsPartitions() {
        assertThat(all(null, 2)).containsExactly("a", "b", "c", "d-x", "e", "f-x");
        assertThat(all(null, 100)).containsExactly("a", "b", "c", "d-x", "e", "f-x");
        assertThat(all("-X", 1)).containsExactly("d-x", "f-x");
    }

    @Test
    void aPageReadsOnlyWhatItNeeds() {
        TopicPager.Page first = pager.page(Caller.anonymous("test"), null, null, 1).join();
        assertThat(first.topics()).extracting(TopicPager.TopicSummary::name).containsExactly("a");
        assertThat(first.next()).isEqualTo("a");
        assertThat(requests.get()).isEqualTo(1);
        TopicPager.Page afterC = pager.page(Caller.anonymous("test"), null, "c", 10).join();
        assertThat(afterC.topics()).extracting(TopicPager.TopicSummary::name).containsExactly("d-x", "e", "f-x");
        assertThat(afterC.next()).isNull();
    }
}

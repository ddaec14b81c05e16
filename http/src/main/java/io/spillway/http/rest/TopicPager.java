package io.spillway.http.rest;

import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /api/v1/topics}: one page of topics in name order, after a given name, optionally only names containing
 * a search string, read with DescribeTopicPartitions' cursor (KIP-966) so a page costs its own topics and never all
 * of them: a broker with a million topics answers a page as fast as one with ten. A search that matches rarely stops
 * after {@value #MAX_SCANNED_PARTITIONS} partitions scanned and answers what it found with a {@code next} cursor to go
 * on from. Only topics the caller may DESCRIBE are listed (the handler filters, as for Kafka clients). Stateless.
 */
final class TopicPager {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final int MAX_SCANNED_PARTITIONS = 50 * TopicDescriptions.PAGE_PARTITIONS;

    private final KafkaGateway kafka;

    TopicPager(KafkaGateway kafka) {
        this.kafka = kafka;
    }

    /** One listed topic. */
    record TopicSummary(String name, String topicId, boolean internal, int partitions) {
    }

    /** A page; {@code next} is the {@code after} of the next page, null on the last one. */
    record Page(List<TopicSummary> topics, String next) {
    }

    CompletableFuture<Page> page(Caller caller, String search, String after, int limit) {
        String needle = search == null ? null : search.toLowerCase(Locale.ROOT);
        return scan(caller, new Scan(needle, after, limit), after == null ? "" : after, 0);
    }

    /** What one listing collected so far. Confined to one call chain. */
    private static final class Scan {
        final String needle;
        final String after;
        final int limit;
        final List<TopicSummary> found = new ArrayList<>();
        /** The topic the last page ended in, not yet complete (its partitions go on in the next page). */
        TopicSummary open;
        String lastComplete;
        int scannedPartitions;

        Scan(String needle, String after, int limit) {
            this.needle = needle;
            this.after = after;
            this.limit = limit;
        }

        void complete(TopicSummary topic) {
            lastComplete = topic.name();
            if (needle == null || topic.name().toLowerCase(Locale.ROOT).contains(needle)) {
                found.add(topic);
            }
        }
    }

    private CompletableFuture<Page> scan(Caller caller, Scan scan, String fromTopic, int fromPartition) {
        DescribeTopicPartitionsRequestData request = new DescribeTopicPartitionsRequestData()
                .setResponsePartitionLimit(TopicDescriptions.PAGE_PARTITIONS)
                .setCursor(new DescribeTopicPartitionsRequestData.Cursor().setTopicName(fromTopic)
                        .setPartitionIndex(fromPartition));
        return kafka.<DescribeTopicPartitionsResponseData>call(caller, request).thenCompose(response -> {
            var next = response.nextCursor();
            for (var t : response.topics()) {
                if (t.errorCode() != 0 || t.name().equals(scan.after)) {
                    continue;
                }
                scan.scannedPartitions += t.partitions().size();
                TopicSummary topic = scan.open != null && scan.open.name().equals(t.name())
                        ? new TopicSummary(t.name(), scan.open.topicId(), t.isInternal(),
                        scan.open.partitions() + t.partitions().size())
                        : new TopicSummary(t.name(), t.topicId().toString(), t.isInternal(), t.partitions().size());
                scan.open = null;
                if (next != null && next.topicName().equals(t.name()) && next.partitionIndex() > 0) {
                    scan.open = topic;
                } else {
                    scan.complete(topic);
                }
            }
            if (scan.found.size() > scan.limit) {
                List<TopicSummary> page = List.copyOf(scan.found.subList(0, scan.limit));
                return CompletableFuture.completedFuture(new Page(page, page.get(page.size() - 1).name()));
            }
            if (next == null) {
                return CompletableFuture.completedFuture(new Page(List.copyOf(scan.found), null));
            }
            if (scan.found.size() == scan.limit || scan.scannedPartitions >= MAX_SCANNED_PARTITIONS) {
                String resume = scan.lastComplete != null ? scan.lastComplete : scan.after;
                return CompletableFuture.completedFuture(new Page(List.copyOf(scan.found), resume));
            }
            return scan(caller, scan, next.topicName(), next.partitionIndex());
        });
    }
}

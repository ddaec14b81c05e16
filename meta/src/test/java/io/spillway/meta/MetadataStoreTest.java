package io.spillway.meta;

import org.apache.kafka.common.errors.TopicExistsException;
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

package io.spillway.meta;

import org.apache.kafka.common.Uuid;
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

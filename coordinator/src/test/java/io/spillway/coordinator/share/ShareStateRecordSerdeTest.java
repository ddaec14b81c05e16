package io.spillway.coordinator.share;

import io.spillway.common.codec.RecordReader.RecordFormatException;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stored form of share state: golden bytes both ways, tombstones, unknown types and newer versions. */
class ShareStateRecordSerdeTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final SharePartitionKey KEY = new SharePartitionKey("g", new Uuid(1, 2), 3);
    /** type 1, "g", topic id 1/2, partition 3 */
    private static final String KEY_HEX = "0001" + "000167" + "0000000000000001" + "0000000000000002" + "00000003";
    private final ShareStateRecordSerde serde = new ShareStateRecordSerde();

    private record Golden(ShareStateRecord record, String value) {
    }

    private static final List<Golden> GOLDEN = List.of(
            // in stream /s: epoch 5, start 100, 100..104 ACKNOWLEDGED ×1, 110 AVAILABLE ×3
            new Golden(new ShareStateRecord(KEY, "/s", new SharePartitionState(5, 100, List.of(
                    new SharePartitionState.StateBatch(100, 104, DeliveryState.ACKNOWLEDGED, (short) 1),
                    new SharePartitionState.StateBatch(110, 110, DeliveryState.AVAILABLE, (short) 3)))),
                    "0000" + "00022f73" + "00000005" + "0000000000000064" + "00000002"
                            + "0000000000000064" + "0000000000000068" + "02" + "0001"
                            + "000000000000006e" + "000000000000006e" + "00" + "0003"),
            // at home, not read yet
            new Golden(new ShareStateRecord(KEY, null, new SharePartitionState(0, -1, List.of())),
                    "0000" + "ffff" + "00000000" + "ffffffffffffffff" + "00000000"),
            new Golden(ShareStateRecord.tombstone(KEY, null), null));

    @Test
    void recordsAreWrittenAsTheirGoldenBytesAndReadBack() {
        for (Golden g : GOLDEN) {
            assertThat(HEX.formatHex(serde.key(g.record()))).isEqualTo(KEY_HEX);
            byte[] value = serde.value(g.record());
            assertThat(value == null ? null : HEX.formatHex(value)).as("value of %s", g.record()).isEqualTo(g.value());
            assertThat(decode(KEY_HEX, g.value())).isEqualTo(g.record());
            assertThat(serde.place(g.record())).isEqualTo(g.record().place());
        }
    }

    @Test
    void unknownRecordTypesAreSkipped() {
        assertThat(decode("0063000167", "0000")).isNull(); // type 99: a newer broker's optional record
    }

    @Test
    void aValueFromANewerBrokerOrBadBytesFailWithAMessageThatSaysSo() {
        assertThatThrownBy(() -> decode(KEY_HEX, "0001ffff00000000ffffffffffffffff00000000"))
                .isInstanceOf(RecordFormatException.class).hasMessageContaining("version 1")
                .hasMessageContaining("newer Spillway");
        assertThatThrownBy(() -> decode(KEY_HEX, "0000ffff0000"))
                .isInstanceOf(RecordFormatException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> decode(KEY_HEX, "0000ffff" + "00000000" + "0000000000000000" + "7fffffff"))
                .as("a count the bytes cannot hold").isInstanceOf(RecordFormatException.class);
        assertThatThrownBy(() -> decode(KEY_HEX, "0000ffff" + "00000000" + "0000000000000000" + "00000001"
                + "0000000000000001" + "0000000000000001" + "07" + "0000"))
                .as("an unknown delivery state").isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("delivery state id 7");
        assertThatThrownBy(() -> decode("0001" + "ffff" + "0000000000000001" + "0000000000000002" + "00000003", null))
                .as("a key without a group").isInstanceOf(RecordFormatException.class);
    }

    private ShareStateRecord decode(String key, String value) {
        return serde.decode(ByteBuffer.wrap(HEX.parseHex(key)), value == null ? null : ByteBuffer.wrap(HEX.parseHex(value)));
    }
}

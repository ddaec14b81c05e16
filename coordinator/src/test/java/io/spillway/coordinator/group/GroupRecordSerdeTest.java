package io.spillway.coordinator.group;

import io.spillway.common.codec.RecordReader.RecordFormatException;
import io.spillway.coordinator.group.classic.ClassicGroupSnapshot;
import io.spillway.coordinator.group.consumer.ConsumerGroupRecord;
import io.spillway.coordinator.group.consumer.CurrentAssignment;
import io.spillway.coordinator.group.consumer.MemberState;
import io.spillway.coordinator.group.consumer.MemberSubscription;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Golden bytes of every record the group coordinator keeps in {@code __consumer_offsets}: what this
 * broker writes must stay readable by every later one, so a change to these bytes is a format change
 * that needs a new version (and must keep reading the old one).
 */
class GroupRecordSerdeTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Uuid TOPIC = new Uuid(0x0102030405060708L, 0x1112131415161718L);
    private final GroupRecordSerde serde = new GroupRecordSerde();

    private record Golden(GroupRecord record, String key, String value) {
    }

    private static final List<Golden> GOLDEN = List.of(
            new Golden(new OffsetCommitRecord("g", "t", 1, new CommittedOffset(42, 3, "meta", 1000, 5000)),
                    "000100016700017400000001",
                    "0001000000000000002a0000000300046d65746100000000000003e80000000000001388"),
            new Golden(new OffsetCommitRecord("g", "t", 1, null), "000100016700017400000001", null),
            new Golden(new ClassicGroupRecord("g", new ClassicGroupSnapshot("consumer", 5, "range", "m1", 77,
                    List.of(new ClassicGroupSnapshot.Member("m1", null, "c", "/h", 300000, 10000, new byte[] {1, 2},
                            new byte[] {3})))),
                    "0002000167",
                    "00000008636f6e73756d657200000005000572616e676500026d31000000000000004d0000000100026d31ffff0001"
                            + "6300022f68000493e0000027100000000201020000000103"),
            new Golden(new ClassicGroupRecord("g", null), "0002000167", null),
            new Golden(new ConsumerGroupChange("g", new ConsumerGroupRecord.GroupEpoch(5, 0x0A0B0C0DL)),
                    "0003000167", "000000000005000000000a0b0c0d"),
            new Golden(new ConsumerGroupChange("g", new ConsumerGroupRecord.GroupDeleted()), "0003000167", null),
            new Golden(new ConsumerGroupChange("g", new ConsumerGroupRecord.Subscription("m",
                    new MemberSubscription("i", null, "c", "/h", 30000, Set.of("a"), "x.*", "range"))),
                    "000400016700016d",
                    "0000000169ffff00016300022f6800007530000000010001610003782e2a000572616e6765"),
            new Golden(new ConsumerGroupChange("g", new ConsumerGroupRecord.TargetMember("m", Map.of(TOPIC, Set.of(2)))),
                    "000500016700016d", "000000000001010203040506070811121314151617180000000100000002"),
            new Golden(new ConsumerGroupChange("g", new ConsumerGroupRecord.TargetEpoch(5, 99)),
                    "0006000167", "0000000000050000000000000063"),
            new Golden(new ConsumerGroupChange("g", new ConsumerGroupRecord.Current("m", new CurrentAssignment(5, 4,
                    MemberState.UNREVOKED_PARTITIONS, Map.of(TOPIC, Map.of(0, 4)), Map.of(TOPIC, Map.of(3, 2))))),
                    "000700016700016d",
                    "0000000000050000000401000000010102030405060708111213141516171800000001000000000000000400000001"
                            + "01020304050607081112131415161718000000010000000300000002"));

    @Test
    void everyRecordTypeIsWrittenAsItsGoldenBytes() {
        for (Golden g : GOLDEN) {
            assertThat(HEX.formatHex(serde.key(g.record()))).as("key of %s", g.record()).isEqualTo(g.key());
            byte[] value = serde.value(g.record());
            assertThat(value == null ? null : HEX.formatHex(value)).as("value of %s", g.record()).isEqualTo(g.value());
        }
    }

    @Test
    void goldenBytesReadBackAsTheSameRecords() {
        for (Golden g : GOLDEN) {
            GroupRecord decoded = decode(g.key(), g.value());
            // compared through their bytes: some records hold byte arrays, which records compare by identity
            assertThat(HEX.formatHex(serde.key(decoded))).isEqualTo(g.key());
            byte[] value = serde.value(decoded);
            assertThat(value == null ? null : HEX.formatHex(value)).as("%s", g.record()).isEqualTo(g.value());
            if (!(g.record() instanceof ClassicGroupRecord r) || r.snapshot() == null) {
                assertThat(decoded).isEqualTo(g.record());
            }
        }
    }

    @Test
    void offsetsWrittenBeforeExpireTimesExistedAreStillRead() {
        // version 0 of the offset value had no expire time
        GroupRecord v0 = decode("000100016700017400000001", "0000000000000000002a0000000300046d65746100000000000003e8");
        assertThat(v0).isEqualTo(new OffsetCommitRecord("g", "t", 1, new CommittedOffset(42, 3, "meta", 1000, -1)));
    }

    @Test
    void theTargetEpochTombstoneCarriesNothingByItselfAndUnknownTypesAreSkipped() {
        assertThat(decode("0006000167", null)).isNull();
        assertThat(decode("0063000167", "0000")).isNull(); // type 99: a newer broker's optional record
    }

    @Test
    void aValueFromANewerBrokerOrTruncatedBytesFailWithAMessageThatSaysSo() {
        assertThatThrownBy(() -> decode("000100016700017400000001", "0009000000000000002a"))
                .isInstanceOf(RecordFormatException.class).hasMessageContaining("version 9")
                .hasMessageContaining("newer Spillway");
        assertThatThrownBy(() -> decode("000100016700017400000001", "00010000"))
                .isInstanceOf(RecordFormatException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> decode("0002000167", "0000" + "7fff"))
                .isInstanceOf(RecordFormatException.class).hasMessageContaining("classic group value");
    }

    private GroupRecord decode(String key, String value) {
        return serde.decode(ByteBuffer.wrap(HEX.parseHex(key)), value == null ? null : ByteBuffer.wrap(HEX.parseHex(value)));
    }
}

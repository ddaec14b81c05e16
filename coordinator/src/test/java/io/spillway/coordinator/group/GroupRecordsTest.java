package io.spillway.coordinator.group;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class GroupRecordsTest {

    /** Collects what a replay hands over. */
    private static final class Collected implements GroupRecords.Visitor {
        final List<Object> seen = new ArrayList<>();

        @Override
        public void offset(String group, String topic, int partition, CommittedOffset offset) {
            seen.add(offset);
        }

        @Override
        public void group(String group, ClassicGroup restored) {
            seen.add(restored);
        }

        @Override
        public void consumerGroup(String group, ConsumerGroupRecord record) {
            seen.add(record);
        }
    }

    private static List<Object> replay(CoordinatorLog.Entry entry) {
        Collected c = new Collected();
        GroupRecords.replay(ByteBuffer.wrap(entry.key()), entry.value() == null ? null : ByteBuffer.wrap(entry.value()), 0, c);
        return c.seen;
    }

    @Test
    void offsetsWrittenBeforeExpireTimesExistedAreStillRead() {
        byte[] v0 = new RecordCodec.Writer().int16(0).int64(42).int32(3).string("meta").int64(1000).toBytes();
        assertThat(replay(new CoordinatorLog.Entry(GroupRecords.offsetKey("g", "t", 1), v0)))
                .containsExactly(new CommittedOffset(42, 3, "meta", 1000, -1));
        CommittedOffset withExpiry = new CommittedOffset(7, -1, "", 2000, 5000);
        assertThat(replay(new CoordinatorLog.Entry(GroupRecords.offsetKey("g", "t", 1), GroupRecords.offsetValue(withExpiry))))
                .containsExactly(withExpiry);
    }

    @Test
    void consumerGroupRecordsRoundTrip() {
        Uuid topic = Uuid.randomUuid();
        List<ConsumerGroupRecord> records = List.of(
                new ConsumerGroupRecord.GroupEpoch(5, 123456789L),
                new ConsumerGroupRecord.Subscription("m1", new MemberSubscription("i-1", "rack", "client", "/1.2.3.4",
                        30_000, Set.of("a", "b"), "x.*", "range")),
                new ConsumerGroupRecord.Subscription("m1", null),
                new ConsumerGroupRecord.TargetMember("m1", Assignments.freeze(Map.of(topic, Set.of(0, 3)))),
                new ConsumerGroupRecord.TargetMember("m1", null),
                new ConsumerGroupRecord.TargetEpoch(5, 99L),
                new ConsumerGroupRecord.Current("m1", new CurrentAssignment(5, 4, MemberState.UNREVOKED_PARTITIONS,
                        Map.of(topic, Map.of(0, 4)), Map.of(topic, Map.of(3, 2)))),
                new ConsumerGroupRecord.Current("m1", null),
                new ConsumerGroupRecord.GroupDeleted());
        for (ConsumerGroupRecord record : records) {
            assertThat(replay(ConsumerGroupRecords.entry("g", record))).as("%s", record).containsExactly(record);
        }
        // the target-epoch tombstone carries nothing by itself
        assertThat(replay(ConsumerGroupRecords.entry("g", ConsumerGroupRecord.TargetEpoch.TOMBSTONE))).isEmpty();
    }
}

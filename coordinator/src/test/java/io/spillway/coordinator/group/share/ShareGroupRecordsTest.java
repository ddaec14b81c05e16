package io.spillway.coordinator.group.share;

import io.spillway.coordinator.group.GroupRecord;
import io.spillway.coordinator.group.GroupRecordSerde;
import io.spillway.coordinator.group.ShareGroupChange;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every share group record survives its encoding, tombstones included. */
class ShareGroupRecordsTest {
    private final GroupRecordSerde serde = new GroupRecordSerde();

    private GroupRecord roundTrip(GroupRecord record) {
        byte[] value = serde.value(record);
        return serde.decode(ByteBuffer.wrap(serde.key(record)), value == null ? null : ByteBuffer.wrap(value));
    }

    @Test
    void recordsRoundTrip() {
        Uuid topic = Uuid.randomUuid();
        List<ShareGroupRecord> records = List.of(
                new ShareGroupRecord.GroupEpoch(7, 42L),
                new ShareGroupRecord.GroupDeleted(),
                new ShareGroupRecord.Subscription("m", new ShareMemberSubscription("rack", "client", "/1.2.3.4",
                        Set.of("b", "a"))),
                new ShareGroupRecord.Subscription("m", null),
                new ShareGroupRecord.TargetMember("m", Map.of(topic, Set.of(0, 3))),
                new ShareGroupRecord.TargetMember("m", null),
                new ShareGroupRecord.TargetEpoch(7),
                new ShareGroupRecord.Current("m", new ShareMemberAssignment(7, 6, Map.of(topic, Set.of(1)))),
                new ShareGroupRecord.Current("m", null));
        for (ShareGroupRecord r : records) {
            GroupRecord record = new ShareGroupChange("group", r);
            assertThat(roundTrip(record)).as(r.toString()).isEqualTo(record);
        }
        assertThat(roundTrip(new ShareGroupChange("group", ShareGroupRecord.TargetEpoch.TOMBSTONE))).isNull();
    }

    @Test
    void keysOfOneMemberDifferByTypeAndFromOtherMembers() {
        byte[] a = serde.key(new ShareGroupChange("g", new ShareGroupRecord.Subscription("m1", null)));
        byte[] b = serde.key(new ShareGroupChange("g", new ShareGroupRecord.Current("m1", null)));
        byte[] c = serde.key(new ShareGroupChange("g", new ShareGroupRecord.Subscription("m2", null)));
        assertThat(a).isNotEqualTo(b).isNotEqualTo(c);
    }
}

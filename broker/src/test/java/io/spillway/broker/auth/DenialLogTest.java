package io.spillway.broker.auth;

import io.spillway.common.ManualTime;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DenialLogTest {
    private final ManualTime time = new ManualTime(0);
    private final DenialLog log = new DenialLog(time);

    private static DenialLog.Key key(String principal, String topic) {
        return new DenialLog.Key(principal, AclOperation.READ, ResourceType.TOPIC, topic);
    }

    @Test
    void oneLinePerPrincipalOperationAndResourceAMinuteCountingTheOthers() {
        assertThat(log.admit(key("User:alice", "orders"))).isZero();
        assertThat(log.admit(key("User:alice", "orders"))).isEqualTo(-1);
        assertThat(log.admit(key("User:alice", "orders"))).isEqualTo(-1);
        assertThat(log.admit(key("User:bob", "orders"))).isZero();
        assertThat(log.admit(key("User:alice", "payments"))).isZero();
        assertThat(log.admit(new DenialLog.Key("User:alice", AclOperation.WRITE, ResourceType.TOPIC, "orders"))).isZero();
        time.advanceMs(DenialLog.INTERVAL_MS - 1);
        assertThat(log.admit(key("User:alice", "orders"))).isEqualTo(-1);
        time.advanceMs(1);
        assertThat(log.admit(key("User:alice", "orders"))).isEqualTo(3); // the three not logged since
        assertThat(log.admit(key("User:alice", "orders"))).isEqualTo(-1);
    }

    @Test
    void atMostMaxTrackedKeysAreKeptAndDenialsBeyondAreCountedUntilKeysExpire() {
        for (int i = 0; i < DenialLog.MAX_TRACKED; i++) {
            assertThat(log.admit(key("User:u", "t" + i))).isZero();
        }
        assertThat(log.admit(key("User:u", "one-more"))).isEqualTo(-1);
        assertThat(log.admit(key("User:u", "and-another"))).isEqualTo(-1);
        assertThat(log.admit(key("User:u", "t0"))).isEqualTo(-1); // tracked: within its minute
        time.advanceMs(DenialLog.INTERVAL_MS);
        // the two untracked ones and the one of t0, whose expired window was dropped to make room
        assertThat(log.admit(key("User:u", "one-more"))).isEqualTo(3);
        assertThat(log.admit(key("User:u", "t0"))).isZero();
    }
}

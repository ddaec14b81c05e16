package io.spillway.broker.share;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

class ShareSessionsTest {
    private static final ShareSessions.Partition P0 = new ShareSessions.Partition(Uuid.randomUuid(), 0);
    private static final ShareSessions.Partition P1 = new ShareSessions.Partition(Uuid.randomUuid(), 1);

    @Test
    void openingReplacesAMembersSessionAndStartsAtEpochOne() {
        ShareSessions sessions = new ShareSessions(10);
        ShareSessions.Key key = new ShareSessions.Key("g", "m");
        ShareSessions.Session first = sessions.open(key, List.of(P0), 0);
        assertEquals(1, first.epoch);
        first.epoch = 5;
        ShareSessions.Session second = sessions.open(key, List.of(P0, P1), 0);
        assertNotSame(first, second);
        assertEquals(1, second.epoch);
        assertEquals(1, sessions.size());
        sessions.removeMember("g", "m");
        assertNull(sessions.get(key));
    }

    @Test
    void aFullCacheEvictsOnlySessionsIdleLongEnough() {
        ShareSessions sessions = new ShareSessions(2);
        sessions.open(new ShareSessions.Key("g", "a"), List.of(P0), 0);
        sessions.open(new ShareSessions.Key("g", "b"), List.of(P0), 1_000);
        assertNull(sessions.open(new ShareSessions.Key("g", "c"), List.of(P0), 2_000), "nobody idle long enough");
        assertNotNull(sessions.open(new ShareSessions.Key("g", "c"), List.of(P0),
                ShareSessions.EVICTABLE_AFTER_MS + 1), "the oldest is evicted");
        assertNull(sessions.get(new ShareSessions.Key("g", "a")));
        assertNotNull(sessions.get(new ShareSessions.Key("g", "b")));
    }

    @Test
    void partitionsAreServedInTurns() {
        ShareSessions.Session session = new ShareSessions(1).open(new ShareSessions.Key("g", "m"), List.of(P0, P1), 0);
        assertEquals(List.of(P0, P1), session.partitionsInRoundOrder());
        assertEquals(List.of(P1, P0), session.partitionsInRoundOrder());
        assertEquals(List.of(P0, P1), session.partitionsInRoundOrder());
    }
}

package io.spillway.broker.share;

import io.spillway.coordinator.share.DeliveryState;
import io.spillway.coordinator.share.SharePartitionState;
import io.spillway.coordinator.share.SharePartitionState.StateBatch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InFlightRecordsTest {
    private static final byte GAP = 0;
    private static final byte ACCEPT = 1;
    private static final byte RELEASE = 2;
    private static final byte REJECT = 3;
    private static final byte RENEW = 4;
    private static final int LIMIT = 3;

    private static InFlightRecords fresh(long start) {
        return new InFlightRecords(new SharePartitionState(0, start, List.of()));
    }

    private static void acquireAll(InFlightRecords r, InFlightRecords.Lock lock, long first, long last) {
        for (long o = first; o <= last; o++) {
            assertTrue(r.acquire(o, lock) > 0, "offset " + o + " acquirable");
        }
    }

    @Test
    void acceptedRecordsMoveTheStartAndAreNeverAcquiredAgain() {
        InFlightRecords r = fresh(10);
        InFlightRecords.Lock lock = r.newLock("m1", 1_000);
        acquireAll(r, lock, 10, 14);
        assertEquals(15, r.endOffset());
        assertNull(r.checkAcknowledgement("m1", 10, 14, new byte[]{ACCEPT}, false));
        r.acknowledge(10, 14, new byte[]{ACCEPT}, LIMIT, null, o -> { });
        assertEquals(15, r.startOffset());
        assertFalse(r.hasLocks());
        assertEquals(-1, r.acquire(12, r.newLock("m2", 1_000)));
        assertEquals(new SharePartitionState(0, 15, List.of()), r.toState(0));
    }

    @Test
    void releasedRecordsComeBackWithAHigherDeliveryCountUntilTheLimitArchivesThem() {
        InFlightRecords r = fresh(0);
        for (int delivery = 1; delivery <= LIMIT; delivery++) {
            InFlightRecords.Lock lock = r.newLock("m1", 1_000);
            assertEquals(delivery, r.acquire(0, lock));
            int[] released = {0};
            r.acknowledge(0, 0, new byte[]{RELEASE}, LIMIT, null, o -> released[0]++);
            assertEquals(delivery < LIMIT ? 1 : 0, released[0]);
        }
        assertEquals(1, r.startOffset(), "archived after the delivery limit");
        assertEquals(-1, r.acquire(0, r.newLock("m1", 1_000)));
    }

    @Test
    void outOfOrderAcknowledgementsAreStoredAsRanges() {
        InFlightRecords r = fresh(0);
        InFlightRecords.Lock lock = r.newLock("m1", 1_000);
        acquireAll(r, lock, 0, 9);
        r.acknowledge(3, 5, new byte[]{ACCEPT, REJECT, ACCEPT}, LIMIT, null, o -> { });
        r.acknowledge(7, 7, new byte[]{RELEASE}, LIMIT, null, o -> { });
        assertEquals(0, r.startOffset());
        SharePartitionState state = r.toState(2);
        assertEquals(List.of(
                new StateBatch(0, 2, DeliveryState.AVAILABLE, (short) 1),
                new StateBatch(3, 3, DeliveryState.ACKNOWLEDGED, (short) 1),
                new StateBatch(4, 4, DeliveryState.ARCHIVED, (short) 1),
                new StateBatch(5, 5, DeliveryState.ACKNOWLEDGED, (short) 1),
                new StateBatch(6, 9, DeliveryState.AVAILABLE, (short) 1)), state.batches());
        assertEquals(3, state.deliveryCompleteCount());
        assertEquals(7, r.firstAvailable());
    }

    @Test
    void acknowledgementsOfRecordsNotHeldAreRefused() {
        InFlightRecords r = fresh(0);
        InFlightRecords.Lock lock = r.newLock("m1", 1_000);
        acquireAll(r, lock, 0, 4);
        assertNotNull(r.checkAcknowledgement("m2", 0, 0, new byte[]{ACCEPT}, false), "another member's record");
        assertNotNull(r.checkAcknowledgement("m1", 3, 6, new byte[]{ACCEPT}, false), "past the acquired records");
        r.acknowledge(0, 0, new byte[]{ACCEPT}, LIMIT, null, o -> { });
        assertNotNull(r.checkAcknowledgement("m1", 0, 0, new byte[]{ACCEPT}, false), "already accepted");
        assertTrue(InFlightRecords.isMalformed(2, 1, new byte[]{ACCEPT}, false));
        assertTrue(InFlightRecords.isMalformed(1, 3, new byte[]{ACCEPT, ACCEPT}, false));
        assertTrue(InFlightRecords.isMalformed(1, 1, new byte[]{9}, false));
        assertTrue(InFlightRecords.isMalformed(1, 1, new byte[]{RENEW}, false));
        assertFalse(InFlightRecords.isMalformed(1, 1, new byte[]{RENEW}, true));
    }

    @Test
    void expiredLocksMakeRecordsAvailableAgain() {
        InFlightRecords r = fresh(0);
        acquireAll(r, r.newLock("m1", 1_000), 0, 1);
        acquireAll(r, r.newLock("m2", 5_000), 2, 3);
        assertEquals(1_000, r.earliestDeadline());
        assertEquals(2, r.expire(1_000, LIMIT));
        assertEquals(DeliveryState.AVAILABLE, r.state(0));
        assertEquals(DeliveryState.ACQUIRED, r.state(2));
        assertEquals(5_000, r.earliestDeadline());
        assertEquals(2, r.releaseMember("m2", LIMIT));
        assertFalse(r.hasLocks());
        assertEquals(0, r.firstAvailable());
    }

    @Test
    void renewMovesRecordsToANewLock() {
        InFlightRecords r = fresh(0);
        acquireAll(r, r.newLock("m1", 1_000), 0, 1);
        InFlightRecords.Lock renewed = r.newLock("m1", 9_000);
        r.acknowledge(0, 0, new byte[]{RENEW}, LIMIT, renewed, o -> { });
        assertEquals(1, r.expire(1_000, LIMIT), "only the record not renewed is released");
        assertEquals(DeliveryState.ACQUIRED, r.state(0));
        assertEquals("m1", r.holder(0));
        assertEquals(9_000, r.earliestDeadline());
    }

    @Test
    void aRestoredStateKeepsDeliveryCountsAndForgetsLocks() {
        InFlightRecords r = fresh(0);
        acquireAll(r, r.newLock("m1", 1_000), 0, 5);
        r.acknowledge(0, 1, new byte[]{ACCEPT}, LIMIT, null, o -> { });
        r.acknowledge(3, 3, new byte[]{REJECT}, LIMIT, null, o -> { });
        InFlightRecords restored = new InFlightRecords(r.toState(0));
        assertEquals(2, restored.startOffset());
        assertEquals(6, restored.endOffset());
        assertEquals(DeliveryState.AVAILABLE, restored.state(2));
        assertEquals(1, restored.deliveryCount(2));
        assertEquals(DeliveryState.ARCHIVED, restored.state(3));
        assertEquals(2, restored.acquire(2, restored.newLock("m2", 1_000)), "second delivery");
        assertFalse(restored.hasLocks() && restored.holder(2) == null);
    }

    @Test
    void gapsAndUndeliverableOffsetsAreArchived() {
        InFlightRecords r = fresh(0);
        InFlightRecords.Lock lock = r.newLock("m1", 1_000);
        assertEquals(1, r.acquire(0, lock));
        r.archiveUndeliverable(1); // a transaction marker
        assertEquals(1, r.acquire(4, lock)); // 2..3 were removed by compaction
        assertEquals(DeliveryState.ARCHIVED, r.state(2));
        r.acknowledge(0, 0, new byte[]{GAP}, LIMIT, null, o -> { });
        assertEquals(4, r.startOffset());
        r.skipTo(10);
        assertEquals(10, r.startOffset());
        assertFalse(r.hasLocks());
    }

    @Test
    void aWideWindowGrowsAndCompacts() {
        InFlightRecords r = fresh(0);
        for (int round = 0; round < 50; round++) {
            long first = round * 1_000L;
            InFlightRecords.Lock lock = r.newLock("m1", 1_000);
            acquireAll(r, lock, first, first + 999);
            r.acknowledge(first, first + 999, new byte[]{ACCEPT}, LIMIT, null, o -> { });
        }
        assertEquals(50_000, r.startOffset());
        assertEquals(0, r.window());
    }
}

package io.spillway.log;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BatchIndexTest {

    @Test
    void keepsEveryFieldOfEverySlotWhileGrowingFromOneSlot() {
        BatchIndex index = new BatchIndex();
        for (int i = 0; i < 100; i++) {
            index.add(i * 10L, 9, 1_000_000L + i, (long) i << 40 | i, i == 7 ? Integer.MAX_VALUE : 100 + i);
        }
        assertThat(index.endSlot() - index.firstSlot()).isEqualTo(100);
        for (int slot = index.firstSlot(); slot < index.endSlot(); slot++) {
            int i = slot - index.firstSlot();
            assertThat(index.baseOffset(slot)).isEqualTo(i * 10L);
            assertThat(index.lastOffset(slot)).isEqualTo(i * 10L + 9);
            assertThat(index.maxTimestamp(slot)).isEqualTo(1_000_000L + i);
            assertThat(index.location(slot)).isEqualTo((long) i << 40 | i);
            assertThat(index.size(slot)).isEqualTo(i == 7 ? Integer.MAX_VALUE : 100 + i);
        }
        assertThat(index.slotContaining(0)).isEqualTo(index.firstSlot());
        assertThat(index.slotContaining(15)).isEqualTo(index.firstSlot() + 1);
        assertThat(index.slotContaining(999)).isEqualTo(index.firstSlot() + 99);
        assertThat(index.slotContaining(1000)).isEqualTo(index.endSlot());
    }

    @Test
    void trimmedSlotsAreReclaimedWhenGrowingAndOffsetsStayFindable() {
        BatchIndex index = new BatchIndex();
        for (int i = 0; i < 8; i++) {
            index.add(i, 0, i, i, 1);
        }
        index.trimBefore(index.slotContaining(6));
        assertThat(index.baseOffset(index.firstSlot())).isEqualTo(6);
        for (int i = 8; i < 40; i++) {
            index.add(i, 0, i, i, 1);
        }
        assertThat(index.endSlot() - index.firstSlot()).isEqualTo(34);
        assertThat(index.baseOffset(index.slotContaining(20))).isEqualTo(20);
        assertThat(index.slotContaining(5)).isEqualTo(index.firstSlot());

        index.trimBefore(index.endSlot());
        assertThat(index.isEmpty()).isTrue();
        index.add(40, 2, 40, 40, 1);
        assertThat(index.lastOffset(index.slotContaining(41))).isEqualTo(42);
    }

    @Test
    void negativeDeltasAndSizesAreNotMixedUp() {
        BatchIndex index = new BatchIndex();
        index.add(5, 0, -1, 0, 0);
        index.add(6, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, 61);
        assertThat(index.lastOffset(0)).isEqualTo(5);
        assertThat(index.size(0)).isZero();
        assertThat(index.maxTimestamp(0)).isEqualTo(-1);
        assertThat(index.lastOffset(1)).isEqualTo(6L + Integer.MAX_VALUE);
        assertThat(index.size(1)).isEqualTo(61);
        assertThat(index.location(1)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void trimmingToSizeKeepsTheLiveSlotsAndRoomToGrow() {
        BatchIndex index = new BatchIndex();
        for (int i = 0; i < 10; i++) {
            index.add(i, 0, i, i, 1);
        }
        index.trimBefore(index.slotContaining(3));
        index.trimToSize();
        assertThat(index.firstSlot()).isZero();
        assertThat(index.endSlot()).isEqualTo(7);
        assertThat(index.baseOffset(0)).isEqualTo(3);
        index.add(10, 0, 10, 10, 1);
        assertThat(index.baseOffset(index.slotContaining(10))).isEqualTo(10);
        assertThat(index.baseOffset(index.slotContaining(9))).isEqualTo(9);
    }
}

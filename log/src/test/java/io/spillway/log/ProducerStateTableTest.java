package io.spillway.log;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProducerStateTableTest {

    @Test
    void recognisesTheLastFiveBatchesOfEachOfSeveralProducersAsDuplicates() {
        ProducerStateTable table = new ProducerStateTable();
        long offset = 0;
        for (int batch = 0; batch < 12; batch++) {
            for (long producer = 1; producer <= 3; producer++) {
                table.check("t-0", producer, (short) 0, batch * 10, false);
                table.record(producer, (short) 0, batch * 10, batch * 10 + 9, offset, 100);
                offset += 10;
            }
        }
        assertThat(table.size()).isEqualTo(3);
        // batches 7..11 are cached for every producer, 6 and older are not
        for (long producer = 1; producer <= 3; producer++) {
            for (int batch = 7; batch < 12; batch++) {
                long first = (batch * 3L + producer - 1) * 10;
                assertThat(table.findDuplicate(producer, (short) 0, batch * 10, batch * 10 + 9))
                        .containsExactly(first, first + 9);
            }
            assertThat(table.findDuplicate(producer, (short) 0, 60, 69)).isNull();
            assertThat(table.findDuplicate(producer, (short) 1, 110, 119)).isNull();
        }
        assertThat(table.view()).extracting(ProducerStateTable.ProducerView::lastSequence).containsOnly(119);
    }

    @Test
    void outOfOrderAndFencedBatchesAreRefusedAfterAFewBatches() {
        ProducerStateTable table = new ProducerStateTable();
        table.record(7, (short) 2, 0, 4, 0, 1);
        table.record(7, (short) 2, 5, 5, 5, 1);
        assertThatThrownBy(() -> table.check("t-0", 7, (short) 2, 8, false))
                .isInstanceOf(OutOfOrderSequenceException.class).hasMessageContaining("expected 6 but got 8");
        assertThatThrownBy(() -> table.check("t-0", 7, (short) 1, 6, false))
                .isInstanceOf(InvalidProducerEpochException.class);
        table.check("t-0", 7, (short) 2, 6, false);
        table.check("t-0", 8, (short) 0, 0, false); // an unknown producer may start anywhere

        // a new epoch starts over with one cached batch, then fills the ring again
        table.record(7, (short) 3, 0, 0, 6, 1);
        assertThat(table.findDuplicate(7, (short) 3, 0, 0)).containsExactly(6L, 6L);
        assertThat(table.findDuplicate(7, (short) 2, 5, 5)).isNull();
        for (int seq = 1; seq < 9; seq++) {
            table.record(7, (short) 3, seq, seq, 6 + seq, 1);
        }
        assertThat(table.findDuplicate(7, (short) 3, 3, 3)).isNull();
        assertThat(table.findDuplicate(7, (short) 3, 4, 4)).containsExactly(10L, 10L);
        table.check("t-0", 7, (short) 3, 9, false);
    }

    @Test
    void producersWhoseBatchesAreAllBeforeTheLogStartAreForgottenUnlessATransactionIsOpen() {
        ProducerStateTable table = new ProducerStateTable();
        table.record(1, (short) 0, 0, 9, 0, 1);        // offsets 0-9
        table.record(2, (short) 0, 0, 4, 10, 1);       // offsets 10-14
        table.record(3, (short) 0, 0, 0, 15, 1);       // offset 15, its transaction open
        table.beginTransactionIfNone(3, 15);
        table.endTransaction(4, (short) 1, 0, 1);      // a marker only: its epoch fences older instances
        table.forgetBefore(12);
        assertThat(table.view()).extracting(ProducerStateTable.ProducerView::producerId).containsExactlyInAnyOrder(2L, 3L, 4L);
        table.forgetBefore(15);
        assertThat(table.view()).extracting(ProducerStateTable.ProducerView::producerId).containsExactlyInAnyOrder(3L, 4L);
        table.check("t-0", 2, (short) 0, 7, false); // forgotten: its next batch is taken as from a new producer
        table.forgetBefore(100);
        assertThat(table.view()).extracting(ProducerStateTable.ProducerView::producerId).containsExactlyInAnyOrder(3L, 4L);
    }
}

package io.spillway.bench.txncheck;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TxnRecordTest {

    @Test
    void valueRoundTripsAndNamesItsTransaction() {
        TxnRecord r = new TxnRecord(1, 3, 42, 2, 5);
        assertThat(r.encode()).isEqualTo("txncheck p=1 i=3 t=42 r=2/5");
        assertThat(TxnRecord.decode(r.encode())).contains(r);
        assertThat(r.txnId()).isEqualTo(new TxnId(1, 42));
    }

    @Test
    void valuesThatAreNotOursDoNotDecode() {
        assertThat(TxnRecord.decode(null)).isEmpty();
        assertThat(TxnRecord.decode("hello")).isEmpty();
        assertThat(TxnRecord.decode("txncheck p=1 i=3 t=42 r=2/5 trailing")).isEmpty();
        assertThat(TxnRecord.decode("txncheck p=1 i=3 t=99999999999999999999 r=2/5")).isEmpty();
    }
}

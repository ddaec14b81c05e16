package io.spillway.bench.txncheck;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value of one record written by the checker's producers; it names the transaction it belongs to, so that a
 * reader can tell, record by record, which transaction became visible.
 *
 * <p>Encoded as text, e.g. {@code txncheck p=1 i=3 t=42 r=2/5}: producer 1, its incarnation 3 (the 4th JVM that used
 * this producer's transactional.id), transaction 42 of that producer, record index 2 of the 5 records that the
 * transaction writes. Transaction numbers are unique per producer across incarnations and increase.
 *
 * @param producer    index of the logical producer (one transactional.id each)
 * @param incarnation which process of that producer wrote the record (0, 1, ... after each restart)
 * @param txn         transaction number, unique and increasing per producer
 * @param index       0-based index of the record within its transaction
 * @param count       number of records the transaction writes in total
 */
public record TxnRecord(int producer, int incarnation, long txn, int index, int count) {

    private static final Pattern FORMAT = Pattern.compile("txncheck p=(\\d+) i=(\\d+) t=(\\d+) r=(\\d+)/(\\d+)");

    /** The record's value as written to Kafka. */
    public String encode() {
        return "txncheck p=" + producer + " i=" + incarnation + " t=" + txn + " r=" + index + "/" + count;
    }

    /** The record key: the producer, so that a log dump shows who wrote what (partitions are chosen explicitly). */
    public String key() {
        return "p" + producer;
    }

    /** Which transaction the record belongs to. */
    public TxnId txnId() {
        return new TxnId(producer, txn);
    }

    /** The record parsed back from its value; empty if the value is not one of ours (or is damaged). */
    public static Optional<TxnRecord> decode(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(value);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TxnRecord(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Long.parseLong(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return encode();
    }
}

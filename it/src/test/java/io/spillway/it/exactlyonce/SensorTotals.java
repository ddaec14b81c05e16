package io.spillway.it.exactlyonce;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The aggregate the Streams app keeps per sensor and writes to its output topic: how many readings it has
 * counted, the sum of their sequence numbers and the last sequence number. Encoded as the text
 * {@code count,sum,last} so that failure messages and a console consumer show it as is. Immutable.
 *
 * <p>A sensor's readings carry the sequence numbers 1, 2, 3, ... in order, so after exactly the first
 * {@code n} readings the aggregate is {@link #afterFirst(long) afterFirst(n)}; anything else is a lost or
 * double-counted reading.
 */
record SensorTotals(long count, long sum, long last) {

    /** Before any reading. */
    static final SensorTotals NONE = new SensorTotals(0, 0, 0);

    /** The aggregate after this reading as well. */
    SensorTotals plus(long sequence) {
        return new SensorTotals(count + 1, sum + sequence, sequence);
    }

    /** The aggregate after exactly the readings 1..n. */
    static SensorTotals afterFirst(long n) {
        return new SensorTotals(n, n * (n + 1) / 2, n);
    }

    String encode() {
        return count + "," + sum + "," + last;
    }

    static SensorTotals decode(String text) {
        String[] f = text.split(",", -1);
        if (f.length != 3) {
            throw new IllegalArgumentException("not count,sum,last: " + text);
        }
        return new SensorTotals(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
    }

    /** The serde of the app's state store and output topic (null stays null, for tombstones). */
    static Serde<SensorTotals> serde() {
        return Serdes.serdeFrom(
                (topic, totals) -> totals == null ? null : totals.encode().getBytes(StandardCharsets.UTF_8),
                (topic, bytes) -> bytes == null ? null : decode(new String(bytes, StandardCharsets.UTF_8)));
    }

    @Override
    public String toString() {
        return encode();
    }
}

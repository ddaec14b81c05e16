package io.spillway.it.exactlyonce;

/**
 * One input event: the {@code sequence}-th reading (1, 2, 3, ...) of a sensor. On the input topic the
 * record key is the sensor's site and the value is the text {@code sensor:sequence}, so the Streams app
 * must re-key by sensor (a repartition) before it aggregates. Immutable.
 */
record SensorReading(String sensor, long sequence) {

    String encode() {
        return sensor + ":" + sequence;
    }

    static SensorReading decode(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not sensor:sequence: " + text);
        }
        return new SensorReading(text.substring(0, colon), Long.parseLong(text.substring(colon + 1)));
    }
}

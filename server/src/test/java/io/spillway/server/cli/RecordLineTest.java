package io.spillway.server.cli;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordLineTest {

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void textLinesAreValuesOrKeyAndValue() {
        RecordLine.Outgoing plain = RecordLine.parse("hello", RecordLine.Format.text, null);
        assertThat(plain.key()).isNull();
        assertThat(text(plain.value())).isEqualTo("hello");
        RecordLine.Outgoing keyed = RecordLine.parse("k:v:w", RecordLine.Format.text, ":");
        assertThat(text(keyed.key())).isEqualTo("k");
        assertThat(text(keyed.value())).isEqualTo("v:w");
        assertThatThrownBy(() -> RecordLine.parse("novalue", RecordLine.Format.text, ":"))
                .hasMessageContaining("no key separator");
    }

    @Test
    void jsonLinesCarryKeyValueHeadersAndPartition() {
        RecordLine.Outgoing r = RecordLine.parse("{\"key\":\"k\",\"value\":{\"a\":1},\"headers\":{\"h\":\"x\"},"
                + "\"partition\":2}", RecordLine.Format.json, null);
        assertThat(text(r.key())).isEqualTo("k");
        assertThat(text(r.value())).isEqualTo("{\"a\":1}");
        assertThat(text(r.headers().get("h"))).isEqualTo("x");
        assertThat(r.partition()).isEqualTo(2);
        assertThat(RecordLine.parse("{\"value\":null}", RecordLine.Format.json, null).value()).isNull();
        assertThatThrownBy(() -> RecordLine.parse("{\"offset\":1}", RecordLine.Format.json, null))
                .hasMessageContaining("unknown field \"offset\"");
        assertThatThrownBy(() -> RecordLine.parse("[1]", RecordLine.Format.json, null))
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> RecordLine.parse("{\"partition\":-1}", RecordLine.Format.json, null))
                .hasMessageContaining("partition number");
    }

    @Test
    void consumedRecordsBecomeJsonLines() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("t", 1, 7L, "k".getBytes(StandardCharsets.UTF_8),
                "v\"".getBytes(StandardCharsets.UTF_8));
        record.headers().add("h", "x".getBytes(StandardCharsets.UTF_8));
        assertThat(RecordLine.format(record, RecordLine.Format.json, null)).isEqualTo(
                "{\"topic\":\"t\",\"partition\":1,\"offset\":7,\"timestamp\":-1,\"key\":\"k\",\"value\":\"v\\\"\","
                        + "\"headers\":{\"h\":\"x\"}}");
        assertThat(RecordLine.format(record, RecordLine.Format.text, "=")).isEqualTo("k=v\"");
        assertThat(RecordLine.format(record, RecordLine.Format.text, null)).isEqualTo("v\"");
    }
}

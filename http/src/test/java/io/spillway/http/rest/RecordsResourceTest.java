package io.spillway.http.rest;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RecordsResourceTest {
    @TempDir
    Path dir;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static MemoryRecords fiveRecords() {
        SimpleRecord[] records = new SimpleRecord[5];
        for (int i = 0; i < 5; i++) {
            records[i] = new SimpleRecord(1000L + i, i == 2 ? null : utf8("k" + i), new byte[] {(byte) 0xc3, (byte) i},
                    new Header[] {new RecordHeader("h", utf8("é" + i))});
        }
        return MemoryRecords.withRecords(10L, Compression.NONE, records);
    }

    private static FetchResponseData.PartitionData data(org.apache.kafka.common.record.internal.BaseRecords records) {
        return new FetchResponseData.PartitionData().setPartitionIndex(0).setHighWatermark(15).setLogStartOffset(10)
                .setRecords(records);
    }

    @Test
    void rendersFromTheOffsetWithinTheLimit() {
        RecordsResource.Browse browse = RecordsResource.render("t", 0, 11, 2, data(fiveRecords()));
        assertThat(browse.records()).extracting(RecordsResource.BrowsedRecord::offset).containsExactly(11L, 12L);
        assertThat(browse.next()).isEqualTo(13);
        assertThat(browse.highWatermark()).isEqualTo(15);
        RecordsResource.BrowsedRecord first = browse.records().get(0);
        assertThat(first.key().text()).isEqualTo("k1");
        assertThat(first.key().base64()).isEqualTo("azE=");
        assertThat(first.value().text()).isNull(); // 0xc3 0x01 is no UTF-8
        assertThat(first.value().base64()).isEqualTo("wwE=");
        assertThat(first.timestamp()).isEqualTo(1001);
        assertThat(first.timestampType()).isEqualTo("CreateTime");
        assertThat(first.headers().get(0).key()).isEqualTo("h");
        assertThat(first.headers().get(0).value().text()).isEqualTo("é1");
        assertThat(browse.records().get(1).key()).isNull();
    }

    @Test
    void anEmptyFetchStaysAtItsOffset() {
        RecordsResource.Browse browse = RecordsResource.render("t", 0, 15, 100, data(MemoryRecords.EMPTY));
        assertThat(browse.records()).isEmpty();
        assertThat(browse.next()).isEqualTo(15);
    }

    @Test
    void recordsLeftInFilesAreReadIntoMemory() throws Exception {
        MemoryRecords memory = fiveRecords();
        try (FileRecords file = FileRecords.open(dir.resolve("records").toFile())) {
            file.append(memory);
            file.flush();
            MemoryRecords read = RecordBytes.inMemory(file);
            assertThat(read.buffer()).isEqualTo(memory.buffer());
            RecordsResource.Browse browse = RecordsResource.render("t", 0, 10, 100, data(file));
            assertThat(browse.records()).hasSize(5);
        }
    }

    @Test
    void textOnlyForValidUtf8() {
        assertThat(RecordsResource.utf8(utf8("héllo"))).isEqualTo("héllo");
        assertThat(RecordsResource.utf8(new byte[] {(byte) 0xff})).isNull();
        assertThat(RecordsResource.utf8(new byte[0])).isEmpty();
    }
}

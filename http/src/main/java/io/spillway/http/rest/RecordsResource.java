package io.spillway.http.rest;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code GET /api/v1/topics/{name}/partitions/{p}/records?offset=&limit=}: browse a partition's records from an offset
 * (default: the log start), read with a Fetch request as a consumer reads them (read_uncommitted, control records
 * left out). Bounded: at most {@value #MAX_LIMIT} records and about {@value #MAX_BYTES} bytes of keys, values and
 * headers per call (at least one record, however large); {@code next} is the offset to go on from. Keys, values and
 * header values are base64, plus {@code text} when they are valid UTF-8.
 */
final class RecordsResource {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;
    static final int MAX_BYTES = 1024 * 1024;

    private final KafkaGateway kafka;
    private final Executor executor;

    RecordsResource(KafkaGateway kafka, Executor executor) {
        this.kafka = kafka;
        this.executor = executor;
    }

    void register(RestRoutes routes) {
        routes.add("GET", "/api/v1/topics/(.+)/partitions/([^/]+)/records", this::browse);
    }

    /** Bytes as base64, and as text when they are valid UTF-8. */
    record Bytes(String base64, String text) {
        static Bytes of(ByteBuffer buffer) {
            if (buffer == null) {
                return null;
            }
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return new Bytes(Base64.getEncoder().encodeToString(bytes), utf8(bytes));
        }
    }

    record Header(String key, Bytes value) {
    }

    record BrowsedRecord(long offset, long timestamp, String timestampType, Bytes key, Bytes value,
                         List<Header> headers) {
    }

    record Browse(String topic, int partition, long logStartOffset, long highWatermark, List<BrowsedRecord> records,
                  long next) {
    }

    private CompletableFuture<Reply> browse(RestCall call) {
        String topic = call.part(0);
        int partition;
        try {
            partition = Integer.parseInt(call.part(1));
        } catch (NumberFormatException e) {
            throw RestException.badRequest("The partition must be a number, not '" + call.part(1) + "'");
        }
        long asked = call.queryLong("offset", -1, 0, Long.MAX_VALUE);
        int limit = (int) call.queryLong("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        return TopicDescriptions.describe(kafka, call.caller(), topic).thenCompose(info -> {
            if (!info.leaders().containsKey(partition)) {
                throw new RestException(404, Errors.UNKNOWN_TOPIC_OR_PARTITION.name(), "Topic " + topic
                        + " has no partition " + partition + " (it has " + info.leaders().size() + ")");
            }
            CompletableFuture<Long> from = asked >= 0 ? CompletableFuture.completedFuture(asked)
                    : TopicDescriptions.offsets(kafka, call.caller(), Map.of(topic, List.of(partition)),
                    TopicDescriptions.EARLIEST, TopicDescriptions.READ_UNCOMMITTED, true)
                    .thenApply(o -> o.get(new TopicPartition(topic, partition)));
            return from.thenCompose(offset -> fetch(call.caller(), info, partition, offset)
                    .thenApplyAsync(data -> Reply.ok(render(topic, partition, offset, limit, data)), executor));
        });
    }

    private CompletableFuture<FetchResponseData.PartitionData> fetch(Caller caller, TopicDescriptions.TopicInfo info,
                                                                     int partition, long offset) {
        FetchRequestData request = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
                .setMaxBytes(MAX_BYTES).setIsolationLevel(TopicDescriptions.READ_UNCOMMITTED).setSessionId(0)
                .setSessionEpoch(-1).setRackId("")
                .setTopics(List.of(new FetchRequestData.FetchTopic().setTopic(info.name()).setTopicId(info.id())
                        .setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(partition)
                                .setFetchOffset(offset).setCurrentLeaderEpoch(-1).setLastFetchedEpoch(-1)
                                .setLogStartOffset(-1).setPartitionMaxBytes(MAX_BYTES)))));
        return kafka.<FetchResponseData>call(caller, request).thenApply(response -> {
            KafkaErrors.check(response.errorCode(), null, "fetching from " + info.name());
            for (FetchResponseData.FetchableTopicResponse t : response.responses()) {
                for (FetchResponseData.PartitionData p : t.partitions()) {
                    if (p.errorCode() == Errors.OFFSET_OUT_OF_RANGE.code()) {
                        throw new RestException(400, Errors.OFFSET_OUT_OF_RANGE.name(), "Offset " + offset
                                + " is out of range of partition " + partition + " of " + info.name()
                                + (p.logStartOffset() >= 0 ? " (log start " + p.logStartOffset() + ", high watermark "
                                + p.highWatermark() + ")" : ""));
                    }
                    KafkaErrors.check(p.errorCode(), null, "partition " + partition + " of " + info.name());
                    return p;
                }
            }
            throw new IllegalStateException("Fetch answered without partition " + partition + " of " + info.name());
        });
    }

    /** The records of a fetch from {@code offset} on, within the limits. */
    static Browse render(String topic, int partition, long offset, int limit, FetchResponseData.PartitionData data) {
        MemoryRecords records;
        try {
            records = RecordBytes.inMemory(data.records());
        } catch (IOException e) {
            throw new UncheckedIOException("reading the fetched records of " + topic + "-" + partition, e);
        }
        List<BrowsedRecord> out = new ArrayList<>();
        long next = offset;
        long bytes = 0;
        browse:
        for (RecordBatch batch : records.batches()) {
            if (batch.isControlBatch()) {
                next = Math.max(next, batch.nextOffset());
                continue;
            }
            for (Record r : batch) {
                if (r.offset() < offset) {
                    continue;
                }
                long size = (r.hasKey() ? r.keySize() : 0) + (r.hasValue() ? r.valueSize() : 0);
                for (org.apache.kafka.common.header.Header h : r.headers()) {
                    size += h.key().length() + (h.value() == null ? 0 : h.value().length);
                }
                if (out.size() >= limit || (!out.isEmpty() && bytes + size > MAX_BYTES)) {
                    break browse;
                }
                bytes += size;
                List<Header> headers = new ArrayList<>();
                for (org.apache.kafka.common.header.Header h : r.headers()) {
                    headers.add(new Header(h.key(), h.value() == null ? null : Bytes.of(ByteBuffer.wrap(h.value()))));
                }
                out.add(new BrowsedRecord(r.offset(), r.timestamp(), batch.timestampType().name,
                        r.hasKey() ? Bytes.of(r.key()) : null, r.hasValue() ? Bytes.of(r.value()) : null, headers));
                next = r.offset() + 1;
            }
        }
        return new Browse(topic, partition, data.logStartOffset(), data.highWatermark(), out, next);
    }

    /** {@code bytes} as text when they are valid UTF-8, else null. */
    static String utf8(byte[] bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}

package io.spillway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real kafka-clients producers and consumers (assign/seek, no group) against one in-process broker. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProduceConsumeTest {

    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create();

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @ParameterizedTest(name = "compression.type={0}")
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void everyCompressionCodecRoundTripsAndIsStoredAsProduced(String codec) throws Exception {
        String topic = BROKER.createTopic("codec-" + codec, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG, codec,
                ProducerConfig.LINGER_MS_CONFIG, "20",
                ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024)));
        int count = 500;
        String filler = "the quick brown fox jumps over the lazy dog; ".repeat(23); // ~1 KiB, compressible
        long rawValueBytes = 0;
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] value = ("value-" + i + " " + filler).getBytes(UTF_8);
            rawValueBytes += value.length;
            sent.add(producer.send(new ProducerRecord<>(topic, 0, ("key-" + i).getBytes(UTF_8), value)));
        }
        producer.flush();
        for (int i = 0; i < count; i++) {
            assertThat(sent.get(i).get(30, TimeUnit.SECONDS).offset()).isEqualTo(i);
        }

        KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer();
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<ConsumerRecord<byte[], byte[]>> records = EmbeddedBroker.pollUntil(consumer, count, READ_TIMEOUT);
        assertThat(records).hasSize(count);
        for (int i = 0; i < count; i++) {
            ConsumerRecord<byte[], byte[]> r = records.get(i);
            assertThat(r.offset()).isEqualTo(i);
            assertThat(new String(r.key(), UTF_8)).isEqualTo("key-" + i);
            assertThat(new String(r.value(), UTF_8)).isEqualTo("value-" + i + " " + filler);
        }

        // compression.type=producer (the default) keeps the producer's batches as they are: compressed
        // batches take a fraction of the raw bytes on the broker, uncompressed ones at least the raw bytes.
        long size = BROKER.admin().describeLogDirs(List.of(0)).allDescriptions().get(30, TimeUnit.SECONDS)
                .get(0).values().stream()
                .map(d -> d.replicaInfos().get(tp))
                .filter(r -> r != null)
                .mapToLong(ReplicaInfo::size)
                .sum();
        if (codec.equals("none")) {
            assertThat(size).as("bytes stored for %d uncompressed records", count).isGreaterThanOrEqualTo(rawValueBytes);
        } else {
            assertThat(size).as("bytes stored for %d %s-compressed records of %d raw value bytes", count, codec,
                    rawValueBytes).isLessThan(rawValueBytes / 4);
        }
    }

    @Test
    void headersNullKeysNullAndEmptyValuesArePreservedExactly() throws Exception {
        String topic = BROKER.createTopic("shapes", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "10"));

        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", "abc".getBytes(UTF_8));
        headers.add("trace", "def".getBytes(UTF_8)); // duplicate keys keep both, in order
        headers.add("empty", new byte[0]);
        headers.add("null", null);
        headers.add("ünïcode-😀", new byte[] {0, 1, 2, (byte) 0xff});

        List<ProducerRecord<byte[], byte[]>> toSend = List.of(
                new ProducerRecord<>(topic, 0, null, "null key".getBytes(UTF_8)),
                new ProducerRecord<>(topic, 0, "null value".getBytes(UTF_8), null),
                new ProducerRecord<>(topic, 0, null, null),
                new ProducerRecord<>(topic, 0, "empty value".getBytes(UTF_8), new byte[0]),
                new ProducerRecord<>(topic, 0, new byte[0], "empty key".getBytes(UTF_8)),
                new ProducerRecord<>(topic, 0, "k".getBytes(UTF_8), "with headers".getBytes(UTF_8), headers),
                new ProducerRecord<byte[], byte[]>(topic, 0, (byte[]) null, (byte[]) null, new RecordHeaders(new Header[] {
                        new RecordHeader("only-header", "x".getBytes(UTF_8))})));
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : toSend) {
            futures.add(producer.send(r));
        }
        producer.flush();
        for (Future<RecordMetadata> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }

        KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer();
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<ConsumerRecord<byte[], byte[]>> got = EmbeddedBroker.pollUntil(consumer, toSend.size(), READ_TIMEOUT);
        assertThat(got).hasSize(toSend.size());
        for (int i = 0; i < toSend.size(); i++) {
            ProducerRecord<byte[], byte[]> sentRecord = toSend.get(i);
            ConsumerRecord<byte[], byte[]> r = got.get(i);
            assertThat(r.offset()).isEqualTo(i);
            assertThat(r.key()).as("key of record %d", i).isEqualTo(sentRecord.key());
            assertThat(r.value()).as("value of record %d", i).isEqualTo(sentRecord.value());
            assertThat(describe(r.headers().toArray())).as("headers of record %d", i)
                    .isEqualTo(describe(sentRecord.headers().toArray()));
        }
        // null and empty are different things on the wire and must stay different
        assertThat(got.get(1).value()).isNull();
        assertThat(got.get(3).value()).isNotNull().isEmpty();
        assertThat(got.get(4).key()).isNotNull().isEmpty();
        assertThat(got.get(0).key()).isNull();
        Header[] h = got.get(5).headers().toArray();
        assertThat(h).hasSize(5);
        assertThat(h[3].key()).isEqualTo("null");
        assertThat(h[3].value()).isNull();
        assertThat(h[2].value()).isNotNull().isEmpty();
    }

    private static List<String> describe(Header[] headers) {
        List<String> out = new ArrayList<>();
        for (Header header : headers) {
            out.add(header.key() + "=" + (header.value() == null ? "<null>" : Arrays.toString(header.value())));
        }
        return out;
    }

    @Test
    void oneMebibyteRecordsRoundTrip() throws Exception {
        int valueSize = 1024 * 1024;
        String topic = BROKER.createTopic("large", 1, Map.of("max.message.bytes", Integer.toString(4 * 1024 * 1024)));
        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024),
                ProducerConfig.BUFFER_MEMORY_CONFIG, Integer.toString(64 * 1024 * 1024)));
        Random random = new Random(42);
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] value = new byte[valueSize];
            random.nextBytes(value); // incompressible
            values.add(value);
            RecordMetadata md = producer.send(new ProducerRecord<>(topic, 0, ("big-" + i).getBytes(UTF_8), value))
                    .get(60, TimeUnit.SECONDS);
            assertThat(md.offset()).isEqualTo(i);
            assertThat(md.serializedValueSize()).isEqualTo(valueSize);
        }
        // Default max.partition.fetch.bytes is 1 MiB: the broker must still return a batch bigger than that
        // when it is the first one in the partition (KIP-74), so the consumer makes progress.
        KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer();
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<ConsumerRecord<byte[], byte[]>> got = EmbeddedBroker.pollUntil(consumer, values.size(), READ_TIMEOUT);
        assertThat(got).hasSize(values.size());
        for (int i = 0; i < values.size(); i++) {
            assertThat(got.get(i).offset()).isEqualTo(i);
            assertThat(got.get(i).value()).as("value %d", i).isEqualTo(values.get(i));
        }
    }

    @Test
    void explicitCreateTimeTimestampsAreReadBackExactly() throws Exception {
        String topic = BROKER.createTopic("create-time", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "10"));
        long now = System.currentTimeMillis();
        // Out of order, in the past, and up to a few minutes ahead (inside the default 1 h after.max.ms).
        long[] timestamps = {now - 86_400_000L, now - 5, now - 3_600_000L, now + 120_000L, 1L, now, now - 1};
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (int i = 0; i < timestamps.length; i++) {
            futures.add(producer.send(new ProducerRecord<>(topic, 0, timestamps[i], ("k" + i).getBytes(UTF_8),
                    ("v" + i).getBytes(UTF_8))));
        }
        producer.flush();
        for (int i = 0; i < timestamps.length; i++) {
            assertThat(futures.get(i).get(30, TimeUnit.SECONDS).timestamp()).isEqualTo(timestamps[i]);
        }
        KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer();
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<ConsumerRecord<byte[], byte[]>> got = EmbeddedBroker.pollUntil(consumer, timestamps.length, READ_TIMEOUT);
        assertThat(got).hasSize(timestamps.length);
        for (int i = 0; i < timestamps.length; i++) {
            assertThat(got.get(i).timestampType()).isEqualTo(TimestampType.CREATE_TIME);
            assertThat(got.get(i).timestamp()).as("timestamp of record %d", i).isEqualTo(timestamps[i]);
        }
    }

    @Test
    void logAppendTimeTopicStampsBrokerTime() throws Exception {
        String topic = BROKER.createTopic("append-time", 1, Map.of("message.timestamp.type", "LogAppendTime"));
        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "50"));
        long before = System.currentTimeMillis();
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // An old explicit timestamp that the broker must replace.
            futures.add(producer.send(new ProducerRecord<>(topic, 0, 1_000L + i, null, ("v" + i).getBytes(UTF_8))));
        }
        producer.flush();
        List<RecordMetadata> metadata = new ArrayList<>();
        for (Future<RecordMetadata> f : futures) {
            metadata.add(f.get(30, TimeUnit.SECONDS));
        }
        long after = System.currentTimeMillis();
        for (RecordMetadata md : metadata) {
            // The producer reports the broker's log append time from the produce response.
            assertThat(md.timestamp()).isBetween(before, after);
        }
        KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer();
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<ConsumerRecord<byte[], byte[]>> got = EmbeddedBroker.pollUntil(consumer, 5, READ_TIMEOUT);
        assertThat(got).hasSize(5);
        for (int i = 0; i < got.size(); i++) {
            ConsumerRecord<byte[], byte[]> r = got.get(i);
            assertThat(r.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
            assertThat(r.timestamp()).isBetween(before, after);
            assertThat(r.timestamp()).isEqualTo(metadata.get(i).timestamp());
        }
    }

    @ParameterizedTest(name = "acks={0}")
    @ValueSource(strings = {"0", "1", "all"})
    void everyAcksSettingDelivers(String acks) throws Exception {
        String topic = BROKER.createTopic("acks-" + acks, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(
                ProducerConfig.ACKS_CONFIG, acks,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, acks.equals("all") ? "true" : "false",
                ProducerConfig.LINGER_MS_CONFIG, "5"));
        int count = 300;
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(producer.send(new ProducerRecord<>(topic, 0, null, ("v" + i).getBytes(UTF_8))));
        }
        producer.flush();
        for (int i = 0; i < count; i++) {
            RecordMetadata md = futures.get(i).get(30, TimeUnit.SECONDS);
            if (acks.equals("0")) {
                assertThat(md.hasOffset()).as("acks=0 gets no offset back").isFalse();
            } else {
                assertThat(md.offset()).isEqualTo(i);
            }
        }
        KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer();
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<ConsumerRecord<byte[], byte[]>> got = EmbeddedBroker.pollUntil(consumer, count, READ_TIMEOUT);
        assertThat(got).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(got.get(i).offset()).isEqualTo(i);
            assertThat(new String(got.get(i).value(), UTF_8)).isEqualTo("v" + i);
        }
    }

    @Test
    void idempotentProducerWithFiveInFlightWritesContiguousOffsetsWithoutDuplicates() throws Exception {
        int partitions = 6;
        int count = 10_000;
        String topic = BROKER.createTopic("idempotent", partitions);
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5",
                ProducerConfig.BATCH_SIZE_CONFIG, "2048", // many small batches, so several requests are in flight
                ProducerConfig.LINGER_MS_CONFIG, "1"));
        List<Future<RecordMetadata>> futures = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            int partition = i % partitions;
            futures.add(producer.send(new ProducerRecord<>(topic, partition, Integer.toString(i).getBytes(UTF_8),
                    ("value-" + i).getBytes(UTF_8))));
        }
        producer.flush();
        Map<Integer, List<Long>> offsetsByPartition = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            RecordMetadata md = futures.get(i).get(60, TimeUnit.SECONDS);
            assertThat(md.partition()).isEqualTo(i % partitions);
            offsetsByPartition.computeIfAbsent(md.partition(), p -> new ArrayList<>()).add(md.offset());
        }
        System.out.printf("idempotent produce of %d records: %d ms%n", count,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        for (Map.Entry<Integer, List<Long>> e : offsetsByPartition.entrySet()) {
            List<Long> offsets = e.getValue();
            for (int j = 0; j < offsets.size(); j++) {
                assertThat(offsets.get(j)).as("offset of record %d sent to partition %d", j, e.getKey()).isEqualTo(j);
            }
        }

        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer();
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        List<ConsumerRecord<byte[], byte[]>> got = EmbeddedBroker.pollUntil(consumer, count, Duration.ofSeconds(60));
        assertThat(got).hasSize(count);
        Map<Integer, Long> nextOffset = new HashMap<>();
        Map<Integer, Integer> lastValue = new HashMap<>();
        Set<Integer> seen = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : got) {
            int i = Integer.parseInt(new String(r.key(), UTF_8));
            assertThat(seen.add(i)).as("record %d read twice", i).isTrue();
            assertThat(r.partition()).isEqualTo(i % partitions);
            long expected = nextOffset.getOrDefault(r.partition(), 0L);
            assertThat(r.offset()).as("offset in partition %d", r.partition()).isEqualTo(expected);
            nextOffset.put(r.partition(), expected + 1);
            Integer previous = lastValue.put(r.partition(), i);
            if (previous != null) {
                assertThat(i).as("order within partition %d", r.partition()).isGreaterThan(previous);
            }
            assertThat(new String(r.value(), UTF_8)).isEqualTo("value-" + i);
        }
        assertThat(seen).hasSize(count);
        Map<TopicPartition, Long> end = consumer.endOffsets(tps);
        for (TopicPartition tp : tps) {
            assertThat(end.get(tp)).isEqualTo((long) offsetsByPartition.get(tp.partition()).size());
        }
    }

    @Test
    void seekToMiddleOffsetsStartsExactlyThere() throws Exception {
        String topic = BROKER.createTopic("seek", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        // Ten batches of ten; odd batches compressed, so seeks land inside both kinds of batch.
        for (int batch = 0; batch < 10; batch++) {
            KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of(
                    ProducerConfig.LINGER_MS_CONFIG, "1000",
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, batch % 2 == 1 ? "lz4" : "none"));
            for (int i = 0; i < 10; i++) {
                int n = batch * 10 + i;
                producer.send(new ProducerRecord<>(topic, 0, null, ("v" + n).getBytes(UTF_8)));
            }
            producer.flush();
            producer.close(Duration.ofSeconds(10));
        }
        KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer();
        consumer.assign(List.of(tp));
        for (long target : new long[] {37, 0, 99, 50, 13, 61, 10, 9}) {
            consumer.seek(tp, target);
            List<ConsumerRecord<byte[], byte[]>> got = EmbeddedBroker.pollUntil(consumer, (int) (100 - target), READ_TIMEOUT);
            assertThat(got).as("records after seek to %d", target).hasSize((int) (100 - target));
            assertThat(got.get(0).offset()).isEqualTo(target);
            assertThat(new String(got.get(0).value(), UTF_8)).isEqualTo("v" + target);
            assertThat(got.get(got.size() - 1).offset()).isEqualTo(99);
            assertThat(consumer.position(tp)).isEqualTo(100);
        }
        consumer.seek(tp, 100);
        assertThat(consumer.poll(Duration.ofMillis(500))).isEmpty();
        assertThat(consumer.position(tp)).isEqualTo(100);
    }

    @Test
    void longPollAtLogEndReturnsWhenNewDataArrives() throws Exception {
        String topic = BROKER.createTopic("long-poll", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaProducer<byte[], byte[]> producer = BROKER.producer();
        producer.send(new ProducerRecord<>(topic, 0, null, "old".getBytes(UTF_8))).get(30, TimeUnit.SECONDS);

        // The broker may hold this consumer's fetch for up to 60 s; only a wake-up on new data makes
        // the record arrive within the bound below.
        KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer(Map.of(
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "60000",
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1",
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "120000"));
        consumer.assign(List.of(tp));
        consumer.seekToEnd(List.of(tp));
        assertThat(consumer.position(tp)).isEqualTo(1);
        // This poll sends a fetch at the log end, which the broker parks.
        assertThat(consumer.poll(Duration.ofMillis(1000))).isEmpty();

        long sentAt = System.nanoTime();
        producer.send(new ProducerRecord<>(topic, 0, null, "new".getBytes(UTF_8))).get(30, TimeUnit.SECONDS);
        List<ConsumerRecord<byte[], byte[]>> got = EmbeddedBroker.pollUntil(consumer, 1, Duration.ofSeconds(25));
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);
        System.out.printf("long-poll wake-up latency: %d ms (fetch.max.wait.ms=60000)%n", latencyMs);
        assertThat(got).as("record produced while a fetch was parked (fetch.max.wait.ms=60000)").hasSize(1);
        assertThat(got.get(0).offset()).isEqualTo(1);
        assertThat(new String(got.get(0).value(), UTF_8)).isEqualTo("new");
        assertThat(latencyMs).isLessThan(25_000);
        // Its next fetch is parked for up to a minute; do not let close() wait for it.
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ZERO));
    }

    @Test
    void offsetOutOfRangeSurfacesWithResetNoneAndResetsWithEarliestOrLatest() throws Exception {
        String topic = BROKER.createTopic("out-of-range", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaProducer<byte[], byte[]> producer = BROKER.producer();
        for (int i = 0; i < 10; i++) {
            producer.send(new ProducerRecord<>(topic, 0, null, ("v" + i).getBytes(UTF_8)));
        }
        producer.flush();
        // Records 0..2 deleted: the log now spans 3..10.
        assertThat(BROKER.admin().deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(3))).lowWatermarks()
                .get(tp).get(30, TimeUnit.SECONDS).lowWatermark()).isEqualTo(3);

        KafkaConsumer<byte[], byte[]> none = BROKER.consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"));
        none.assign(List.of(tp));
        for (long bad : new long[] {1_000L, 11L, 1L}) {
            none.seek(tp, bad);
            AtomicReference<OffsetOutOfRangeException> thrown = new AtomicReference<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (thrown.get() == null && System.nanoTime() < deadline) {
                try {
                    assertThat(none.poll(Duration.ofMillis(200))).as("records after seek to %d", bad).isEmpty();
                } catch (OffsetOutOfRangeException e) {
                    thrown.set(e);
                }
            }
            assertThat(thrown.get()).as("OffsetOutOfRangeException after seek to %d", bad).isNotNull();
            assertThat(thrown.get().offsetOutOfRangePartitions()).containsEntry(tp, bad);
        }
        // Offsets at the ends of the range are valid.
        none.seek(tp, 3);
        assertThat(EmbeddedBroker.pollUntil(none, 7, READ_TIMEOUT)).extracting(ConsumerRecord::offset)
                .containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L);
        none.seek(tp, 10);
        assertThat(none.poll(Duration.ofMillis(300))).isEmpty();

        KafkaConsumer<byte[], byte[]> earliest = BROKER.consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        earliest.assign(List.of(tp));
        earliest.seek(tp, 1_000L);
        List<ConsumerRecord<byte[], byte[]>> fromStart = EmbeddedBroker.pollUntil(earliest, 7, READ_TIMEOUT);
        assertThat(fromStart).extracting(ConsumerRecord::offset).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L);
        earliest.seek(tp, 1L);
        assertThat(EmbeddedBroker.pollUntil(earliest, 7, READ_TIMEOUT)).extracting(ConsumerRecord::offset)
                .containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L);

        KafkaConsumer<byte[], byte[]> latest = BROKER.consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"));
        latest.assign(List.of(tp));
        latest.seek(tp, 1_000L);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            assertThat(latest.poll(Duration.ofMillis(200))).isEmpty();
            if (latest.position(tp) == 10L) {
                break;
            }
        }
        assertThat(latest.position(tp)).as("position after reset to latest").isEqualTo(10L);
        producer.send(new ProducerRecord<>(topic, 0, null, "v10".getBytes(UTF_8))).get(30, TimeUnit.SECONDS);
        List<ConsumerRecord<byte[], byte[]>> fresh = EmbeddedBroker.pollUntil(latest, 1, READ_TIMEOUT);
        assertThat(fresh).extracting(ConsumerRecord::offset).containsExactly(10L);

        assertThatThrownBy(() -> {
            KafkaConsumer<byte[], byte[]> c = BROKER.consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"));
            c.assign(List.of(tp));
            c.poll(Duration.ofMillis(500)); // no position and nothing to reset to
        }).isInstanceOf(org.apache.kafka.clients.consumer.NoOffsetForPartitionException.class);
    }
}

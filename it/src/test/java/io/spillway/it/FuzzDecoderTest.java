package io.spillway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.MetadataRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Feeds the broker malformed input over raw sockets (random bytes, truncated frames, absurd size prefixes,
 * valid headers with garbage bodies for every advertised API, unknown API keys, valid requests with bit
 * flips) while a well-behaved producer keeps writing. The broker must answer or close each bad connection,
 * never allocate what a size prefix claims, never leak buffers, and never disturb the healthy client.
 *
 * <p>Reproduce a run with {@code -Dspillway.fuzz.seed=<seed printed in the output>}; lengthen it with
 * {@code -Dspillway.fuzz.seconds=} and {@code -Dspillway.fuzz.iterations=}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FuzzDecoderTest {

    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create();

    private static final long DEFAULT_SEED = 0x5B111_A7L;
    /** socket.request.max.bytes default. */
    private static final int MAX_REQUEST_BYTES = 104_857_600;
    /** How long to wait for the broker to react where a reaction is optional (it may legitimately wait). */
    private static final int OPTIONAL_WAIT_MS = 100;
    /** A truncated frame can never be answered; this only checks that it is not. */
    private static final int TRUNCATED_WAIT_MS = 20;
    /** How long the broker has to close a connection it must close. */
    private static final int MUST_CLOSE_WAIT_MS = 10_000;

    /** Kind of violation → how often, with the first example. */
    private final Map<String, String> violations = new TreeMap<>();
    private final Map<String, Integer> violationCounts = new TreeMap<>();
    private final Map<String, Map<WireClient.Outcome, Integer>> outcomes = new TreeMap<>();
    private ApiVersionsResponseData advertised;
    private String targetTopic;
    private Uuid targetTopicId;

    @Test
    void brokerSurvivesMalformedInputWithoutDisturbingHealthyClients() throws Exception {
        long seed = Long.getLong("spillway.fuzz.seed", DEFAULT_SEED);
        long budgetMs = TimeUnit.SECONDS.toMillis(Long.getLong("spillway.fuzz.seconds", 25));
        int maxIterations = Integer.getInteger("spillway.fuzz.iterations", 4000);
        System.out.printf("FuzzDecoderTest seed=%d (0x%x), budget %d ms, at most %d iterations%n",
                seed, seed, budgetMs, maxIterations);
        Random random = new Random(seed);

        ListAppender<ILoggingEvent> leaks = watchNettyLeaks();
        targetTopic = BROKER.createTopic("fuzz-target", 2);
        targetTopicId = BROKER.admin().describeTopics(List.of(targetTopic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(targetTopic).topicId();
        String canaryTopic = BROKER.createTopic("fuzz-canary", 1);
        try (WireClient c = new WireClient(BROKER.host(), BROKER.port(), 30_000)) {
            advertised = c.apiVersions();
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heapBefore = usedHeapAfterGc(memory);

        Canary canary = new Canary(canaryTopic);
        canary.start();
        long start = System.nanoTime();
        try {
            garbageBodyForEveryAdvertisedApi(random);
            manyConnectionsClaimingHugeFrames(random);
            int iterations = 0;
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(budgetMs);
            while (iterations < maxIterations && System.nanoTime() < deadline) {
                oneRandomCase(random);
                iterations++;
                if (iterations % 250 == 0) {
                    assertHealthy("after " + iterations + " fuzz iterations (seed " + seed + ")");
                }
            }
            System.out.printf("fuzz: %d random iterations in %d ms; outcomes %s%n", iterations,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), outcomes);
        } finally {
            canary.stop();
        }

        assertHealthy("after fuzzing (seed " + seed + ")");
        canary.assertAllDelivered();
        roundTripWithRealClients();

        long heapAfter = usedHeapAfterGc(memory);
        System.out.printf("heap used after GC: before %d MiB, after %d MiB%n", heapBefore >> 20, heapAfter >> 20);
        assertThat(heapAfter - heapBefore).as("heap growth across the fuzz run").isLessThan(256L << 20);

        System.gc();
        roundTripWithRealClients(); // allocates tracked buffers, which makes the leak detector report old leaks
        assertThat(leaks.list).extracting(ILoggingEvent::getFormattedMessage)
                .as("Netty buffer leaks reported (seed %d)", seed).isEmpty();

        // Last, so that the health, canary, heap and leak checks above always run.
        synchronized (violations) {
            Map<String, String> report = new TreeMap<>();
            violations.forEach((kind, example) -> report.put(kind, violationCounts.get(kind) + "x, e.g. " + example));
            assertThat(report).as("protocol violations (seed %d)", seed).isEmpty();
        }
    }

    // ------------------------------------------------------------------ phases

    /** A valid header with a random body for every advertised API key, at its lowest and highest version. */
    private void garbageBodyForEveryAdvertisedApi(Random random) throws IOException {
        for (ApiVersionsResponseData.ApiVersion v : advertised.apiKeys()) {
            if (!ApiKeys.hasId(v.apiKey())) {
                violation("advertises unknown API key",
                        "broker advertises API key " + v.apiKey() + " that Kafka does not define");
                continue;
            }
            ApiKeys key = ApiKeys.forId(v.apiKey());
            for (short version : new short[] {v.minVersion(), v.maxVersion()}) {
                for (int round = 0; round < 3; round++) {
                    garbageBody(random, key, version);
                }
            }
        }
    }

    /** 64 connections at once, each announcing a frame just under or far over the limit, then idling. */
    private void manyConnectionsClaimingHugeFrames(Random random) throws IOException, InterruptedException {
        List<WireClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) {
                WireClient c = new WireClient(BROKER.host(), BROKER.port(), MUST_CLOSE_WAIT_MS);
                open.add(c);
                ByteBuffer prefix = ByteBuffer.allocate(4 + 64);
                prefix.putInt(i % 2 == 0 ? MAX_REQUEST_BYTES : Integer.MAX_VALUE);
                byte[] junk = new byte[64];
                random.nextBytes(junk);
                prefix.put(junk);
                c.writeRaw(prefix.array());
            }
            // The broker must not have allocated 32 x 100 MB (nor 32 x 2 GB) for frames that have not arrived.
            assertHealthy("with 64 connections claiming huge frames");
            long heapWhileOpen = usedHeapAfterGc(ManagementFactory.getMemoryMXBean());
            System.out.printf("heap used after GC with 64 connections claiming huge frames: %d MiB%n", heapWhileOpen >> 20);
            assertThat(heapWhileOpen).as("heap with 64 connections claiming 100 MB / 2 GB frames").isLessThan(512L << 20);
            for (int i = 1; i < open.size(); i += 2) {
                if (!open.get(i).closedByBroker()) {
                    violation("huge size prefix not closed", "size prefix Integer.MAX_VALUE did not close the connection");
                }
            }
        } finally {
            for (WireClient c : open) {
                c.close();
            }
        }
    }

    private void oneRandomCase(Random random) throws IOException {
        switch (random.nextInt(8)) {
            case 0 -> randomBytes(random);
            case 1 -> truncatedFrame(random);
            case 2 -> badSizePrefix(random);
            case 3 -> {
                List<ApiVersionsResponseData.ApiVersion> keys = new ArrayList<>(advertised.apiKeys());
                ApiVersionsResponseData.ApiVersion v = keys.get(random.nextInt(keys.size()));
                if (ApiKeys.hasId(v.apiKey())) {
                    short version = (short) (v.minVersion() + random.nextInt(v.maxVersion() - v.minVersion() + 1));
                    garbageBody(random, ApiKeys.forId(v.apiKey()), version);
                }
            }
            case 4 -> unknownApiKey(random);
            default -> bitFlippedValidRequest(random);
        }
    }

    // ------------------------------------------------------------------ cases

    private void randomBytes(Random random) throws IOException {
        byte[] bytes = new byte[1 + random.nextInt(random.nextBoolean() ? 16 : 4096)];
        random.nextBytes(bytes);
        try (WireClient c = connect(OPTIONAL_WAIT_MS)) {
            c.writeRaw(bytes);
            // Whatever the first 4 bytes claim, a response can only come for a complete, parseable frame.
            record("random-bytes", c.awaitOutcome());
        }
    }

    private void truncatedFrame(Random random) throws IOException {
        byte[] frame = validFrame(random, 7);
        if (frame == null) {
            return;
        }
        int keep = random.nextInt(frame.length); // strictly fewer bytes than announced
        try (WireClient c = connect(TRUNCATED_WAIT_MS)) {
            ByteBuffer out = ByteBuffer.allocate(4 + keep).putInt(frame.length).put(frame, 0, keep);
            c.writeRaw(out.array());
            WireClient.Outcome outcome = c.awaitOutcome();
            record("truncated-frame", outcome);
            if (outcome == WireClient.Outcome.RESPONSE) {
                violation("answered truncated frame",
                        "answered a frame of which only " + keep + " of " + frame.length + " bytes arrived");
            }
        }
    }

    private void badSizePrefix(Random random) throws IOException {
        int[] candidates = {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, MAX_REQUEST_BYTES + 1, 0, 1, 9,
                -random.nextInt(Integer.MAX_VALUE) - 1,
                MAX_REQUEST_BYTES + 1 + random.nextInt(Integer.MAX_VALUE - MAX_REQUEST_BYTES - 1)};
        int size = candidates[random.nextInt(candidates.length)];
        byte[] tail = new byte[random.nextInt(64)];
        random.nextBytes(tail);
        try (WireClient c = connect(MUST_CLOSE_WAIT_MS)) {
            c.writeRaw(ByteBuffer.allocate(4 + tail.length).putInt(size).put(tail).array());
            WireClient.Outcome outcome = c.awaitOutcome();
            record("size-prefix", outcome);
            if (outcome != WireClient.Outcome.CLOSED) {
                violation("bad size prefix not closed",
                        "size prefix " + size + " did not close the connection but gave " + outcome);
            }
        }
    }

    private void garbageBody(Random random, ApiKeys key, short version) throws IOException {
        int correlationId = random.nextInt();
        byte[] header = header(key, version, correlationId, "fuzz");
        byte[] body = new byte[random.nextInt(random.nextBoolean() ? 8 : 512)];
        random.nextBytes(body);
        try (WireClient c = connect(OPTIONAL_WAIT_MS)) {
            c.writeFrame(concat(header, body));
            expectOwnCorrelationIdOrClose(c, "garbage-body " + key + " v" + version, correlationId);
        }
    }

    private void unknownApiKey(Random random) throws IOException {
        short keyId;
        do {
            keyId = (short) (random.nextBoolean() ? random.nextInt(Short.MAX_VALUE + 1) : -1 - random.nextInt(32768));
        } while (ApiKeys.hasId(keyId));
        ByteBuffer frame = ByteBuffer.allocate(10 + 16);
        frame.putShort(keyId).putShort((short) random.nextInt(20)).putInt(random.nextInt()).putShort((short) 0);
        byte[] body = new byte[16];
        random.nextBytes(body);
        frame.put(body);
        try (WireClient c = connect(MUST_CLOSE_WAIT_MS)) {
            c.writeFrame(frame.array());
            // Kafka closes the connection on an API key it does not know.
            WireClient.Outcome outcome = c.awaitOutcome();
            record("unknown-api-key", outcome);
            if (outcome != WireClient.Outcome.CLOSED) {
                violation("unknown API key not closed",
                        "unknown API key " + keyId + " gave " + outcome + " instead of closing the connection");
            }
        }
    }

    private void bitFlippedValidRequest(Random random) throws IOException {
        byte[] frame = validFrame(random, 0);
        if (frame == null) {
            return;
        }
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips; i++) {
            int bit = random.nextInt(frame.length * 8);
            frame[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        try (WireClient c = connect(OPTIONAL_WAIT_MS)) {
            c.writeFrame(frame);
            try {
                record("bit-flips", c.awaitOutcome());
            } catch (IOException e) {
                violation("unreadable response", "bit-flipped request got an unreadable response: " + e.getMessage());
            }
        }
    }

    /**
     * Kafka reads a connection's next request only after it has answered the previous one, so requests that
     * arrived before a malformed frame are always answered before the connection is closed. Pipelining
     * clients (the Java producer keeps up to 5 requests in flight) rely on that: an acknowledged produce
     * whose response is dropped gets retried, and without idempotence that duplicates records.
     */
    @Test
    void requestsBeforeAMalformedFrameAreAnsweredBeforeTheConnectionCloses() throws Exception {
        long seed = Long.getLong("spillway.fuzz.seed", DEFAULT_SEED);
        Random random = new Random(seed);
        String[] kinds = {"frame shorter than a header", "unknown API key", "garbage Metadata body",
                "unsupported Produce version"};
        Map<String, Integer> dropped = new TreeMap<>();
        Map<String, String> example = new TreeMap<>();
        int attemptsPerKind = 50;
        for (String kind : kinds) {
            for (int i = 0; i < attemptsPerKind; i++) {
                int correlationId = random.nextInt();
                ApiVersionsRequestData data = new ApiVersionsRequestData().setClientSoftwareName("fuzz")
                        .setClientSoftwareVersion("1");
                short version = 3;
                byte[] valid = concat(header(ApiKeys.API_VERSIONS, version, correlationId, "fuzz"),
                        MessageUtil.toByteBufferAccessor(data, version).buffer().array());
                byte[] malformed = malformedFrame(kind, random);
                try (WireClient c = connect(10_000)) {
                    ByteBuffer both = ByteBuffer.allocate(8 + valid.length + malformed.length);
                    both.putInt(valid.length).put(valid).putInt(malformed.length).put(malformed);
                    c.writeRaw(both.array());
                    try {
                        int got = c.readFrame().getInt();
                        assertThat(got).as("correlation id of the first response").isEqualTo(correlationId);
                    } catch (IOException e) {
                        dropped.merge(kind, 1, Integer::sum);
                        example.putIfAbsent(kind, "ApiVersions v3 followed by a " + malformed.length + "-byte frame ("
                                + kind + "): connection closed without the ApiVersions response (" + e + ")");
                    }
                    assertThat(c.closedByBroker()).as("the malformed frame (%s) closes the connection", kind).isTrue();
                }
            }
        }
        System.out.printf("pipelined valid+malformed: dropped first responses per kind (of %d each): %s%n",
                attemptsPerKind, dropped);
        assertThat(example).as("first responses dropped (of %d attempts per kind): %s", attemptsPerKind, dropped).isEmpty();
    }

    private static byte[] malformedFrame(String kind, Random random) {
        switch (kind) {
            case "frame shorter than a header": {
                byte[] b = new byte[1 + random.nextInt(9)];
                random.nextBytes(b);
                return b;
            }
            case "unknown API key": {
                ByteBuffer b = ByteBuffer.allocate(12);
                b.putShort((short) 4242).putShort((short) 0).putInt(random.nextInt()).putShort((short) -1).putShort((short) 0);
                return b.array();
            }
            case "garbage Metadata body": {
                byte[] body = new byte[8 + random.nextInt(200)];
                random.nextBytes(body);
                body[0] = (byte) 0x7f; // a topics array length of ~2^31: never parseable
                return concat(header(ApiKeys.METADATA, (short) 8, random.nextInt(), "fuzz"), body);
            }
            default: {
                ByteBuffer b = ByteBuffer.allocate(12);
                b.putShort(ApiKeys.PRODUCE.id).putShort((short) 999).putInt(random.nextInt()).putShort((short) -1)
                        .putShort((short) 0);
                return b.array();
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private void violation(String kind, String example) {
        synchronized (violations) {
            violations.putIfAbsent(kind, example);
            violationCounts.merge(kind, 1, Integer::sum);
        }
    }

    private WireClient connect(int readTimeoutMs) throws IOException {
        return new WireClient(BROKER.host(), BROKER.port(), readTimeoutMs);
    }

    private void record(String kind, WireClient.Outcome outcome) {
        synchronized (outcomes) {
            outcomes.computeIfAbsent(kind, k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
        }
    }

    /** Reads until the connection closes or goes quiet; every response must carry our correlation id. */
    private void expectOwnCorrelationIdOrClose(WireClient c, String what, int correlationId) throws IOException {
        try {
            ByteBuffer response = c.readFrame();
            int got = response.getInt();
            record(what.substring(0, what.indexOf(' ')), WireClient.Outcome.RESPONSE);
            if (got != correlationId) {
                violation("wrong correlation id", what + ": response carries correlation id " + got + ", sent " + correlationId);
            }
        } catch (java.net.SocketTimeoutException e) {
            record(what.substring(0, what.indexOf(' ')), WireClient.Outcome.NO_ANSWER);
        } catch (java.io.EOFException | java.net.SocketException e) {
            record(what.substring(0, what.indexOf(' ')), WireClient.Outcome.CLOSED);
        }
    }

    static byte[] header(ApiKeys key, short version, int correlationId, String clientId) {
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(key.id).setRequestApiVersion(version)
                .setCorrelationId(correlationId).setClientId(clientId);
        return MessageUtil.toByteBufferAccessor(header, key.requestHeaderVersion(version)).buffer().array();
    }

    /**
     * Header + body of a valid request for a random advertised API and version (null if none could be
     * built). Uses meaningful requests for the main APIs and the schema defaults for the rest; excluded are
     * APIs whose valid form could remove or reshape topics (DeleteTopics, DeleteRecords, CreatePartitions).
     */
    private byte[] validFrame(Random random, int attempts) {
        for (int attempt = 0; attempt <= attempts + 5; attempt++) {
            List<ApiVersionsResponseData.ApiVersion> keys = new ArrayList<>(advertised.apiKeys());
            ApiVersionsResponseData.ApiVersion v = keys.get(random.nextInt(keys.size()));
            if (!ApiKeys.hasId(v.apiKey())) {
                continue;
            }
            ApiKeys key = ApiKeys.forId(v.apiKey());
            if (key == ApiKeys.DELETE_TOPICS || key == ApiKeys.DELETE_RECORDS || key == ApiKeys.CREATE_PARTITIONS) {
                continue;
            }
            short version = (short) (v.minVersion() + random.nextInt(v.maxVersion() - v.minVersion() + 1));
            if (!key.isVersionSupported(version)) {
                continue;
            }
            try {
                ApiMessage body = requestBody(key, version);
                return concat(header(key, version, random.nextInt(), "fuzz"),
                        MessageUtil.toByteBufferAccessor(body, version).buffer().array());
            } catch (RuntimeException e) {
                // this default body cannot be written at this version; pick another
            }
        }
        return null;
    }

    private ApiMessage requestBody(ApiKeys key, short version) {
        switch (key) {
            case METADATA:
                return new MetadataRequestData().setAllowAutoTopicCreation(version < 4)
                        .setTopics(MetadataRequest.convertToMetadataRequestTopic(List.of(targetTopic)));
            case PRODUCE: {
                ProduceRequestData.TopicProduceData t = new ProduceRequestData.TopicProduceData()
                        .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(0)
                                .setRecords(MemoryRecords.withRecords(Compression.NONE,
                                        new SimpleRecord("k".getBytes(UTF_8), "fuzz".getBytes(UTF_8))))));
                if (version >= 13) {
                    t.setTopicId(targetTopicId);
                } else {
                    t.setName(targetTopic);
                }
                ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
                topics.add(t);
                return new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5000).setTransactionalId(null)
                        .setTopicData(topics);
            }
            case FETCH: {
                FetchRequestData.FetchTopic t = new FetchRequestData.FetchTopic().setPartitions(List.of(
                        new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                                .setPartitionMaxBytes(65536).setLogStartOffset(-1).setCurrentLeaderEpoch(-1)));
                if (version >= 13) {
                    t.setTopicId(targetTopicId);
                } else {
                    t.setTopic(targetTopic);
                }
                return new FetchRequestData().setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20).setSessionId(0)
                        .setSessionEpoch(-1).setTopics(List.of(t));
            }
            case LIST_OFFSETS:
                return new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(
                        new ListOffsetsRequestData.ListOffsetsTopic()
                        .setName(targetTopic).setPartitions(List.of(new ListOffsetsRequestData.ListOffsetsPartition()
                                .setPartitionIndex(0).setTimestamp(-1)))));
            case API_VERSIONS:
                return new ApiVersionsRequestData().setClientSoftwareName("fuzz").setClientSoftwareVersion("1.0");
            default:
                return key.messageType.newRequest();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    private void assertHealthy(String when) throws IOException {
        long t0 = System.nanoTime();
        try (WireClient c = connect(10_000)) {
            ApiVersionsResponseData response = c.apiVersions();
            assertThat(response.errorCode()).as("ApiVersions %s", when).isZero();
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(ms).as("ApiVersions round trip %s", when).isLessThan(10_000);
    }

    private void roundTripWithRealClients() throws Exception {
        String topic = BROKER.createTopic("after-fuzz", 1);
        KafkaProducer<byte[], byte[]> producer = BROKER.producer();
        for (int i = 0; i < 20; i++) {
            producer.send(new ProducerRecord<>(topic, 0, ("k" + i).getBytes(UTF_8), ("v" + i).getBytes(UTF_8)));
        }
        producer.flush();
        KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer();
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<ConsumerRecord<byte[], byte[]>> got = EmbeddedBroker.pollUntil(consumer, 20, Duration.ofSeconds(30));
        assertThat(got).extracting(r -> new String(r.value(), UTF_8))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "v" + i).toList());
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            min = Math.min(min, memory.getHeapMemoryUsage().getUsed());
        }
        return min;
    }

    private static ListAppender<ILoggingEvent> watchNettyLeaks() {
        Logger logger = (Logger) LoggerFactory.getLogger("io.netty.util.ResourceLeakDetector");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        return appender;
    }

    /** A healthy producer that keeps writing, one record every few milliseconds, during the whole fuzz run. */
    private static final class Canary {
        private final String topic;
        private final KafkaProducer<byte[], byte[]> producer;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong acked = new AtomicLong();
        private final AtomicLong maxLatencyMs = new AtomicLong();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final Thread thread;

        Canary(String topic) {
            this.topic = topic;
            this.producer = BROKER.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "0",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                    ProducerConfig.CLIENT_ID_CONFIG, "canary"));
            this.thread = new Thread(this::run, "fuzz-canary");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void run() {
            while (running.get()) {
                long n = sent.getAndIncrement();
                long t0 = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, 0, null, Long.toString(n).getBytes(UTF_8)), (md, e) -> {
                    if (e != null) {
                        failures.add("record " + n + ": " + e);
                    } else {
                        acked.incrementAndGet();
                        maxLatencyMs.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), Math::max);
                    }
                });
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
            producer.flush();
        }

        void assertAllDelivered() {
            System.out.printf("canary: %d sent, %d acknowledged, max latency %d ms%n", sent.get(), acked.get(),
                    maxLatencyMs.get());
            assertThat(failures).as("canary send failures").isEmpty();
            assertThat(sent.get()).as("canary records sent").isGreaterThan(100);
            assertThat(acked.get()).isEqualTo(sent.get());
            KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer();
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<byte[], byte[]>> got =
                    EmbeddedBroker.pollUntil(consumer, (int) sent.get(), Duration.ofSeconds(60));
            assertThat(got).hasSize((int) sent.get());
            for (int i = 0; i < got.size(); i++) {
                assertThat(got.get(i).offset()).isEqualTo(i);
                assertThat(new String(got.get(i).value(), UTF_8)).isEqualTo(Long.toString(i));
            }
        }
    }
}

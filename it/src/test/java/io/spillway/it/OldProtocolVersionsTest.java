package io.spillway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every version of ApiVersions, Metadata, Produce and Fetch that both the broker and kafka-clients know,
 * sent over a raw socket with kafka-clients' request classes, as older clients (librdkafka, Java 2.x,
 * kafka-python) send them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OldProtocolVersionsTest {

    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create();

    private static String topic;
    private static Uuid topicId;
    private static ApiVersionsResponseData advertised;

    @BeforeAll
    static void createTopic() throws Exception {
        topic = EmbeddedBroker.uniqueName("versions");
        topicId = BROKER.admin().createTopics(List.of(new NewTopic(topic, 2, (short) 1))).topicId(topic)
                .get(60, TimeUnit.SECONDS);
        try (WireClient c = client()) {
            advertised = c.apiVersions();
        }
    }

    private static WireClient client() throws IOException {
        return new WireClient(BROKER.host(), BROKER.port(), 30_000);
    }

    /** Versions of {@code api} both the broker (as advertised) and kafka-clients know. */
    private static List<Short> commonVersions(ApiKeys api) {
        ApiVersionsResponseData.ApiVersion range = advertised.apiKeys().find(api.id);
        assertThat(range).as("broker advertises %s", api).isNotNull();
        List<Short> versions = new ArrayList<>();
        for (int v = Math.max(range.minVersion(), api.oldestVersion());
             v <= Math.min(range.maxVersion(), api.latestVersion(false)); v++) {
            versions.add((short) v);
        }
        assertThat(versions).as("common versions of %s", api).isNotEmpty();
        return versions;
    }

    @Test
    void apiVersionsAnswersEveryVersion() throws Exception {
        ApiVersionsResponseData.ApiVersion own = advertised.apiKeys().find(ApiKeys.API_VERSIONS.id);
        assertThat(own.minVersion()).as("ApiVersions v0 must stay supported (KIP-511 fallback)").isZero();
        assertThat(own.maxVersion()).isGreaterThanOrEqualTo((short) 3);
        for (ApiKeys required : List.of(ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.METADATA, ApiKeys.LIST_OFFSETS,
                ApiKeys.API_VERSIONS, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID)) {
            assertThat(advertised.apiKeys().find(required.id)).as("advertises %s", required).isNotNull();
        }
        for (ApiVersionsResponseData.ApiVersion v : advertised.apiKeys()) {
            assertThat(v.minVersion()).as("min <= max for key %d", v.apiKey()).isLessThanOrEqualTo(v.maxVersion());
            assertThat(v.minVersion()).isGreaterThanOrEqualTo((short) 0);
        }
        try (WireClient c = client()) {
            for (short version : commonVersions(ApiKeys.API_VERSIONS)) {
                ApiVersionsResponse response = c.send(new ApiVersionsRequest.Builder().build(version));
                assertThat(response.data().errorCode()).as("ApiVersions v%d error", version).isEqualTo(Errors.NONE.code());
                assertThat(response.data().apiKeys()).as("ApiVersions v%d keys", version)
                        .containsExactlyInAnyOrderElementsOf(advertised.apiKeys());
            }
        }
    }

    @Test
    void unknownApiVersionsVersionGetsV0ResponseWithUnsupportedVersion() throws Exception {
        try (WireClient c = client()) {
            for (short version : new short[] {99, (short) (ApiKeys.API_VERSIONS.latestVersion() + 1), Short.MAX_VALUE}) {
                int correlationId = c.nextCorrelationId();
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                DataOutputStream frame = new DataOutputStream(bytes);
                frame.writeShort(ApiKeys.API_VERSIONS.id);
                frame.writeShort(version);
                frame.writeInt(correlationId);
                frame.writeShort("future-client".length());
                frame.write("future-client".getBytes(UTF_8));
                frame.writeByte(0); // header tagged fields (a future client uses flexible headers)
                // A body in the shape of ApiVersions v3+: compact strings and tagged fields, plus unknown future bytes.
                frame.writeByte("future-client".length() + 1);
                frame.write("future-client".getBytes(UTF_8));
                frame.writeByte("9.9".length() + 1);
                frame.write("9.9".getBytes(UTF_8));
                frame.write(new byte[] {0, 42, 42, 42});
                c.writeFrame(bytes.toByteArray());

                ByteBuffer response = c.readFrame();
                assertThat(response.getInt()).as("correlation id").isEqualTo(correlationId);
                ApiVersionsResponseData data = WireClient.parseApiVersionsV0(response);
                assertThat(Errors.forCode(data.errorCode())).as("error for ApiVersions v%d", version)
                        .isEqualTo(Errors.UNSUPPORTED_VERSION);
                ApiVersionsResponseData.ApiVersion own = data.apiKeys().find(ApiKeys.API_VERSIONS.id);
                assertThat(own).as("the v0 fallback lists ApiVersions itself").isNotNull();
                assertThat(own.maxVersion()).isGreaterThanOrEqualTo((short) 3);
                assertThat(response.remaining()).as("nothing after the v0 body").isZero();
            }
            // The connection stays usable: the client retries with a version from the list.
            ApiVersionsResponse retry = c.send(new ApiVersionsRequest.Builder().build((short) 3));
            assertThat(retry.data().errorCode()).isEqualTo(Errors.NONE.code());
        }
    }

    @Test
    void metadataAtEveryVersion() throws Exception {
        String clusterId = BROKER.admin().describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        try (WireClient c = client()) {
            for (short version : commonVersions(ApiKeys.METADATA)) {
                // One named topic.
                MetadataResponseData named = metadata(c, version, List.of(topic), version < 4);
                assertThat(named.brokers()).as("v%d brokers", version).hasSize(1);
                MetadataResponseData.MetadataResponseBroker broker = named.brokers().iterator().next();
                assertThat(broker.host()).isEqualTo(BROKER.host());
                assertThat(broker.port()).isEqualTo(BROKER.port());
                if (version >= 1) {
                    assertThat(named.controllerId()).as("v%d controller", version).isEqualTo(broker.nodeId());
                }
                if (version >= 2) {
                    assertThat(named.clusterId()).as("v%d cluster id", version).isEqualTo(clusterId);
                }
                assertThat(named.topics()).hasSize(1);
                MetadataResponseData.MetadataResponseTopic t = named.topics().iterator().next();
                assertThat(Errors.forCode(t.errorCode())).as("v%d topic error", version).isEqualTo(Errors.NONE);
                assertThat(t.name()).isEqualTo(topic);
                if (version >= 10) {
                    assertThat(t.topicId()).as("v%d topic id", version).isEqualTo(topicId);
                }
                assertThat(t.partitions()).hasSize(2);
                for (MetadataResponseData.MetadataResponsePartition p : t.partitions()) {
                    assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NONE);
                    assertThat(p.leaderId()).isEqualTo(broker.nodeId());
                    assertThat(p.replicaNodes()).containsExactly(broker.nodeId());
                    assertThat(p.isrNodes()).containsExactly(broker.nodeId());
                    if (version >= 7) {
                        assertThat(p.leaderEpoch()).isGreaterThanOrEqualTo(0);
                    }
                }

                // All topics: v0 says so with an empty list, v1+ with null.
                MetadataResponseData all = version == 0 ? metadata(c, version, List.of(), true)
                        : metadata(c, version, null, version < 4);
                assertThat(all.topics()).extracting(MetadataResponseData.MetadataResponseTopic::name).contains(topic);

                if (version >= 4) {
                    // v4+ can ask not to create: unknown topics answer UNKNOWN_TOPIC_OR_PARTITION and stay unknown.
                    String missing = EmbeddedBroker.uniqueName("missing-v" + version);
                    MetadataResponseData none = metadata(c, version, List.of(missing), false);
                    assertThat(Errors.forCode(none.topics().iterator().next().errorCode())).as("v%d unknown topic", version)
                            .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
                    assertThat(BROKER.admin().listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(missing);
                    MetadataResponseData invalid = metadata(c, version, List.of("bad name!"), true);
                    assertThat(Errors.forCode(invalid.topics().iterator().next().errorCode())).as("v%d invalid name", version)
                            .isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
                } else if (version >= 1) {
                    // Before v4 every named lookup may auto-create (auto.create.topics.enable is on by default).
                    String created = EmbeddedBroker.uniqueName("auto-v" + version);
                    MetadataResponseData first = metadata(c, version, List.of(created), true);
                    assertThat(Errors.forCode(first.topics().iterator().next().errorCode())).as("v%d auto-create", version)
                            .isIn(Errors.NONE, Errors.LEADER_NOT_AVAILABLE);
                    assertThat(BROKER.admin().listTopics().names().get(30, TimeUnit.SECONDS)).contains(created);
                }
            }
        }
    }

    @Test
    void metadataByTopicIdAsTheJavaAdminSendsIt() throws Exception {
        try (WireClient c = client()) {
            for (short version : commonVersions(ApiKeys.METADATA)) {
                if (version < 12) {
                    continue;
                }
                // name = null (the schema's way) and name = "" (what Admin.describeTopics(TopicCollection.ofTopicIds)
                // puts on the wire): Kafka looks the topic up by its id whenever the id is not zero.
                for (String name : new String[] {null, ""}) {
                    MetadataRequestData data = new MetadataRequestData().setAllowAutoTopicCreation(false)
                            .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName(name).setTopicId(topicId)));
                    MetadataResponse response = c.send(new MetadataRequest.Builder(data).build(version));
                    MetadataResponseData.MetadataResponseTopic t = response.data().topics().iterator().next();
                    assertThat(Errors.forCode(t.errorCode())).as("v%d by id with name %s", version,
                            name == null ? "null" : "\"\"").isEqualTo(Errors.NONE);
                    assertThat(t.topicId()).isEqualTo(topicId);
                    assertThat(t.name()).isEqualTo(topic);
                    assertThat(t.partitions()).hasSize(2);

                    Uuid unknown = Uuid.randomUuid();
                    MetadataRequestData bad = new MetadataRequestData().setAllowAutoTopicCreation(false)
                            .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName(name).setTopicId(unknown)));
                    MetadataResponseData.MetadataResponseTopic u = ((MetadataResponse) c.send(
                            new MetadataRequest.Builder(bad).build(version))).data().topics().iterator().next();
                    assertThat(Errors.forCode(u.errorCode())).as("v%d unknown id with name %s", version,
                            name == null ? "null" : "\"\"").isEqualTo(Errors.UNKNOWN_TOPIC_ID);
                    assertThat(u.topicId()).isEqualTo(unknown);
                }
            }
        }
    }

    @Test
    void listOffsetsAtEveryVersion() throws Exception {
        String name = BROKER.createTopic("list-offsets-versions", 1);
        long base = System.currentTimeMillis() - 60_000;
        org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer = BROKER.producer();
        for (int i = 0; i < 3; i++) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(name, 0, base + i * 1000L, null,
                    ("v" + i).getBytes(UTF_8))).get(30, TimeUnit.SECONDS);
        }
        // target timestamp -> expected offset (earliest = -2, latest = -1, then base+500 -> offset 1)
        long[][] cases = {{-2L, 0L}, {-1L, 3L}, {base + 500, 1L}, {base, 0L}};
        List<String> unanswered = new ArrayList<>();
        for (short version : commonVersions(ApiKeys.LIST_OFFSETS)) {
            for (long[] tc : cases) {
                ListOffsetsRequestData data = new ListOffsetsRequestData().setReplicaId(-1)
                        .setTopics(List.of(new ListOffsetsRequestData.ListOffsetsTopic().setName(name)
                                .setPartitions(List.of(new ListOffsetsRequestData.ListOffsetsPartition()
                                        .setPartitionIndex(0).setTimestamp(tc[0])))));
                // A fresh connection each time: a request left unanswered would block every later response.
                try (WireClient c = new WireClient(BROKER.host(), BROKER.port(), 5_000)) {
                    ListOffsetsResponse response;
                    try {
                        response = c.send(WireClient.request(ApiKeys.LIST_OFFSETS, data, version));
                    } catch (java.net.SocketTimeoutException e) {
                        unanswered.add("v" + version + " (timestamp " + tc[0] + ")");
                        break; // the other cases of this version would only wait as long again
                    }
                    ListOffsetsResponseData.ListOffsetsPartitionResponse p =
                            response.data().topics().get(0).partitions().get(0);
                    assertThat(Errors.forCode(p.errorCode())).as("ListOffsets v%d error", version).isEqualTo(Errors.NONE);
                    assertThat(p.offset()).as("ListOffsets v%d offset for %d", version, tc[0]).isEqualTo(tc[1]);
                    if (tc[0] >= 0) {
                        assertThat(p.timestamp()).as("ListOffsets v%d timestamp", version).isEqualTo(base + tc[1] * 1000L);
                    }
                }
            }
        }
        assertThat(unanswered).as("ListOffsets requests that got no response within 5 s (librdkafka/kcat use v2 "
                + "for -o beginning/end)").isEmpty();
    }

    private static MetadataResponseData metadata(WireClient c, short version, List<String> topics, boolean allowCreate)
            throws IOException {
        MetadataRequestData data = new MetadataRequestData().setAllowAutoTopicCreation(allowCreate);
        if (topics == null) {
            data.setTopics(null);
        } else {
            data.setTopics(MetadataRequest.convertToMetadataRequestTopic(topics));
        }
        // The constructor, not the Builder: the Builder refuses v0, which brokers still serve.
        MetadataResponse response = c.send(new MetadataRequest(data, version));
        return response.data();
    }

    @Test
    void produceAndFetchAtEveryVersion() throws Exception {
        String name = BROKER.createTopic("produce-fetch-versions", 1);
        Uuid id = BROKER.admin().describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name).topicId();
        List<String> expected = new ArrayList<>();
        try (WireClient c = client()) {
            for (short version : commonVersions(ApiKeys.PRODUCE)) {
                String value = "produce-v" + version;
                MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                        new SimpleRecord(System.currentTimeMillis(), ("k" + version).getBytes(UTF_8), value.getBytes(UTF_8)),
                        new SimpleRecord(System.currentTimeMillis(), null, (value + "-b").getBytes(UTF_8)));
                ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData()
                        .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records)));
                if (version >= 13) {
                    topicData.setTopicId(id);
                } else {
                    topicData.setName(name);
                }
                ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
                topics.add(topicData);
                ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000)
                        .setTransactionalId(null).setTopicData(topics);
                ProduceResponse response = c.send(new ProduceRequest(data, version));
                ProduceResponseData.PartitionProduceResponse p =
                        response.data().responses().iterator().next().partitionResponses().get(0);
                assertThat(Errors.forCode(p.errorCode())).as("Produce v%d: %s", version, p.errorMessage()).isEqualTo(Errors.NONE);
                assertThat(p.baseOffset()).as("Produce v%d base offset", version).isEqualTo(expected.size());
                expected.add(value);
                expected.add(value + "-b");
            }
            for (short version : commonVersions(ApiKeys.FETCH)) {
                FetchRequestData.FetchTopic fetchTopic = new FetchRequestData.FetchTopic()
                        .setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                                .setPartitionMaxBytes(1024 * 1024).setLogStartOffset(-1).setCurrentLeaderEpoch(-1)));
                if (version >= 13) {
                    fetchTopic.setTopicId(id);
                } else {
                    fetchTopic.setTopic(name);
                }
                FetchRequestData data = new FetchRequestData().setMaxWaitMs(0).setMinBytes(1).setMaxBytes(4 * 1024 * 1024)
                        .setIsolationLevel((byte) 0).setSessionId(0).setSessionEpoch(-1).setTopics(List.of(fetchTopic));
                FetchResponse response = c.send(new FetchRequest(data, version));
                assertThat(Errors.forCode(response.data().errorCode())).as("Fetch v%d top-level error", version)
                        .isEqualTo(Errors.NONE);
                FetchResponseData.PartitionData p = response.data().responses().get(0).partitions().get(0);
                assertThat(Errors.forCode(p.errorCode())).as("Fetch v%d partition error", version).isEqualTo(Errors.NONE);
                assertThat(p.highWatermark()).as("Fetch v%d high watermark", version).isEqualTo(expected.size());
                List<String> values = new ArrayList<>();
                List<Long> offsets = new ArrayList<>();
                Records records = FetchResponse.recordsOrFail(p);
                for (RecordBatch batch : records.batches()) {
                    for (Record r : batch) {
                        offsets.add(r.offset());
                        byte[] v = new byte[r.valueSize()];
                        r.value().get(v);
                        values.add(new String(v, UTF_8));
                    }
                }
                assertThat(values).as("Fetch v%d values", version).containsExactlyElementsOf(expected);
                for (int i = 0; i < offsets.size(); i++) {
                    assertThat(offsets.get(i)).isEqualTo(i);
                }
            }
        }
    }
}

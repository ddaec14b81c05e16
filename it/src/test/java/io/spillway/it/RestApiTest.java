package io.spillway.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListConfigResourcesOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST admin API of a real broker, each endpoint's answer checked against what the Kafka Admin client and the
 * producer/consumer see: topics created, described, reconfigured, renamed and deleted over REST; streams; records
 * produced with KafkaProducer browsed over REST; a group's lag and an offset reset; and bad input (unknown topic,
 * invalid name, bad JSON, wrong method). A second broker with SCRAM users and ACLs: no credentials 401, a user
 * without ACLs 403, a super user served.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestApiTest {
    @RegisterExtension
    static final EmbeddedBroker OPEN = EmbeddedBroker.create().set("num.partitions", "1");

    @RegisterExtension
    static final EmbeddedBroker SECURE = EmbeddedBroker.create()
            .set("listeners", "SASL_PLAINTEXT://127.0.0.1:0")
            .set("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
            .set("super.users", "User:admin")
            .set("spillway.sasl.bootstrap.users", "admin:admin-pw,alice:alice-pw");

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private record Answer(int status, JsonNode json, HttpResponse<String> raw) {
    }

    private Answer call(EmbeddedBroker broker, String method, String path, String body, String user) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + broker.server().httpPort() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = r.body().isEmpty() ? null : JSON.readTree(r.body());
        return new Answer(r.statusCode(), json, r);
    }

    private Answer call(String method, String path, String body) throws Exception {
        return call(OPEN, method, path, body, null);
    }

    private Answer get(String path) throws Exception {
        return call("GET", path, null);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Test
    void statusMatchesDescribeCluster() throws Exception {
        Answer a = get("/api/v1/status");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().get("clusterId").asText())
                .isEqualTo(OPEN.admin().describeCluster().clusterId().get(30, TimeUnit.SECONDS));
        assertThat(a.json().get("nodeId").asInt()).isZero();
        assertThat(a.json().get("listeners").toString()).contains("PLAINTEXT", "HTTP");
        assertThat(a.json().get("topics").asInt()).isGreaterThanOrEqualTo(0);
        assertThat(a.json().get("version").asText()).isNotEmpty();
    }

    @Test
    void topicLifecycleIsWhatTheAdminClientSees() throws Exception {
        Admin admin = OPEN.admin();
        String name = EmbeddedBroker.uniqueName("rest-orders");
        Answer created = call("POST", "/api/v1/topics", "{\"name\":\"" + name + "\",\"partitions\":3,"
                + "\"configs\":{\"retention.ms\":3600000}}");
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        assertThat(created.json().get("partitions").asInt()).isEqualTo(3);
        TopicDescription d = admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name);
        assertThat(d.partitions()).hasSize(3);
        assertThat(d.topicId().toString()).isEqualTo(created.json().get("topicId").asText());
        assertThat(topicConfig(admin, name, "retention.ms")).isEqualTo("3600000");

        Answer again = call("POST", "/api/v1/topics", "{\"name\":\"" + name + "\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("error").asText()).isEqualTo("TOPIC_ALREADY_EXISTS");

        Answer described = get("/api/v1/topics/" + name);
        assertThat(described.status()).isEqualTo(200);
        assertThat(described.json().get("partitions")).hasSize(3);
        assertThat(described.json().get("partitions").get(0).get("logStartOffset").asLong()).isZero();

        Answer patched = call("PATCH", "/api/v1/topics/" + name + "/configs",
                "{\"set\":{\"retention.ms\":\"7200000\",\"cleanup.policy\":\"compact\"}}");
        assertThat(patched.status()).as(patched.raw().body()).isEqualTo(200);
        assertThat(topicConfig(admin, name, "retention.ms")).isEqualTo("7200000");
        assertThat(topicConfig(admin, name, "cleanup.policy")).isEqualTo("compact");
        call("PATCH", "/api/v1/topics/" + name + "/configs", "{\"delete\":[\"cleanup.policy\"]}");
        assertThat(topicConfig(admin, name, "cleanup.policy")).isEqualTo("delete");
        Answer configs = get("/api/v1/topics/" + name + "/configs");
        assertThat(configs.json().get("configs").toString()).contains("retention.ms", "7200000");

        String renamed = "/apps/rest:" + name;
        Answer rename = call("POST", "/api/v1/topics/" + name + "/rename", "{\"to\":\"" + renamed + "\"}");
        assertThat(rename.status()).as(rename.raw().body()).isEqualTo(200);
        Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        assertThat(names).contains(renamed).doesNotContain(name);
        assertThat(get("/api/v1/topics/" + enc(renamed)).json().get("partitions")).hasSize(3);

        Answer deleted = call("DELETE", "/api/v1/topics/" + enc(renamed), null);
        assertThat(deleted.status()).as(deleted.raw().body()).isEqualTo(200);
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(renamed);
        assertThat(get("/api/v1/topics/" + enc(renamed)).status()).isEqualTo(404);
    }

    @Test
    void topicsArePagedByNameAndSearched() throws Exception {
        String prefix = EmbeddedBroker.uniqueName("page");
        List<NewTopic> topics = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            topics.add(new NewTopic(prefix + "-" + i, 2, (short) 1));
        }
        OPEN.admin().createTopics(topics).all().get(30, TimeUnit.SECONDS);
        List<String> seen = new ArrayList<>();
        String after = null;
        for (int page = 0; page < 10; page++) {
            Answer a = get("/api/v1/topics?search=" + prefix + "&limit=2" + (after == null ? "" : "&after=" + after));
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.json().get("topics").size()).isLessThanOrEqualTo(2);
            a.json().get("topics").forEach(t -> {
                seen.add(t.get("name").asText());
                assertThat(t.get("partitions").asInt()).isEqualTo(2);
            });
            if (a.json().get("next").isNull()) {
                break;
            }
            after = a.json().get("next").asText();
        }
        assertThat(seen).containsExactly(prefix + "-0", prefix + "-1", prefix + "-2", prefix + "-3", prefix + "-4");
    }

    @Test
    void badInputGetsClearErrors() throws Exception {
        Answer unknown = get("/api/v1/topics/no-such-topic");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error").asText()).isEqualTo("UNKNOWN_TOPIC_OR_PARTITION");

        Answer invalid = call("POST", "/api/v1/topics", "{\"name\":\"bad name!\"}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().get("error").asText()).isEqualTo("INVALID_TOPIC_EXCEPTION");
        assertThat(invalid.json().get("message").asText()).contains("bad name!");

        Answer badJson = call("POST", "/api/v1/topics", "{\"name\": ");
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.json().get("error").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(badJson.json().get("message").asText()).contains("not valid JSON");

        Answer wrongMethod = call("PUT", "/api/v1/topics", "{}");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.raw().headers().firstValue("Allow")).hasValue("GET, HEAD, POST");

        assertThat(get("/api/v1/nothing-here").status()).isEqualTo(404);
        assertThat(get("/api/v1/groups/no-such-group").status()).isEqualTo(404);
        assertThat(get("/api/v1/topics?limit=0").status()).isEqualTo(400);
        Answer openApi = get("/api/v1/openapi.json");
        assertThat(openApi.status()).isEqualTo(200);
        assertThat(openApi.json().get("openapi").asText()).startsWith("3.");
        assertThat(unknown.raw().body()).doesNotContain("Exception:", "\tat ");
    }

    @Test
    void streamsAreCreatedListedAndDeleted() throws Exception {
        Admin admin = OPEN.admin();
        String path = "/apps/" + EmbeddedBroker.uniqueName("fraud");
        Answer created = call("POST", "/api/v1/streams", "{\"path\":\"" + path + "\",\"partitions\":2,"
                + "\"configs\":{\"retention.ms\":\"86400000\"}}");
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        assertThat(admin.listConfigResources(Set.of(ConfigResource.Type.TOPIC), new ListConfigResourcesOptions())
                .all().get(30, TimeUnit.SECONDS)).contains(new ConfigResource(ConfigResource.Type.TOPIC, path));
        assertThat(get("/api/v1/streams").json().get("streams").toString()).contains(path);
        assertThat(get("/api/v1/streams/" + enc(path)).json().get("configs").toString()).contains("86400000");

        String topic = path + ":cards";
        admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.empty(), java.util.Optional.empty())))
                .all().get(30, TimeUnit.SECONDS);
        assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                .partitions()).hasSize(2);

        Answer deleted = call("DELETE", "/api/v1/streams/" + enc(path), null);
        assertThat(deleted.status()).as(deleted.raw().body()).isEqualTo(200);
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(topic);
        assertThat(call("DELETE", "/api/v1/streams" + path, null).status()).isEqualTo(404);
    }

    @Test
    void recordsProducedAreBrowsed() throws Exception {
        String topic = OPEN.createTopic("rest-records", 1);
        KafkaProducer<byte[], byte[]> producer = OPEN.producer();
        for (int i = 0; i < 5; i++) {
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, 0, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    ("v" + i).getBytes(StandardCharsets.UTF_8));
            r.headers().add(new RecordHeader("h", new byte[] {(byte) 0xff, (byte) i}));
            producer.send(r).get(30, TimeUnit.SECONDS);
        }
        Answer a = get("/api/v1/topics/" + topic + "/partitions/0/records?offset=1&limit=3");
        assertThat(a.status()).as(a.raw().body()).isEqualTo(200);
        JsonNode records = a.json().get("records");
        assertThat(records).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode r = records.get(i);
            assertThat(r.get("offset").asLong()).isEqualTo(i + 1);
            assertThat(r.get("key").get("text").asText()).isEqualTo("k" + (i + 1));
            assertThat(new String(Base64.getDecoder().decode(r.get("value").get("base64").asText()),
                    StandardCharsets.UTF_8)).isEqualTo("v" + (i + 1));
            JsonNode header = r.get("headers").get(0);
            assertThat(header.get("key").asText()).isEqualTo("h");
            assertThat(header.get("value").get("text").isNull()).isTrue(); // 0xff is no UTF-8
            assertThat(Base64.getDecoder().decode(header.get("value").get("base64").asText()))
                    .containsExactly((byte) 0xff, (byte) (i + 1));
        }
        assertThat(a.json().get("next").asLong()).isEqualTo(4);
        assertThat(a.json().get("highWatermark").asLong()).isEqualTo(5);
        Answer fromStart = get("/api/v1/topics/" + topic + "/partitions/0/records");
        assertThat(fromStart.json().get("records")).hasSize(5);
        assertThat(get("/api/v1/topics/" + topic + "/partitions/7/records").status()).isEqualTo(404);
        assertThat(get("/api/v1/topics/" + topic + "/partitions/0/records?limit=501").status()).isEqualTo(400);
    }

    @Test
    void groupLagAndOffsetResetMatchTheConsumer() throws Exception {
        String topic = OPEN.createTopic("rest-lag", 1);
        String group = EmbeddedBroker.uniqueName("rest-group");
        KafkaProducer<byte[], byte[]> producer = OPEN.producer();
        for (int i = 0; i < 10; i++) {
            producer.send(new ProducerRecord<>(topic, 0, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaConsumer<byte[], byte[]> consumer = OPEN.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"));
        consumer.subscribe(List.of(topic));
        assertThat(EmbeddedBroker.pollUntil(consumer, 10, Duration.ofSeconds(20))).hasSize(10);
        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(6)));

        Answer listed = get("/api/v1/groups");
        assertThat(listed.json().get("groups").toString()).contains(group);
        Answer described = get("/api/v1/groups/" + group);
        assertThat(described.status()).as(described.raw().body()).isEqualTo(200);
        assertThat(described.json().get("members")).hasSize(1);
        JsonNode offsets = described.json().get("offsets").get(0);
        assertThat(offsets.get("topic").asText()).isEqualTo(topic);
        assertThat(offsets.get("committedOffset").asLong()).isEqualTo(6);
        assertThat(offsets.get("endOffset").asLong()).isEqualTo(10);
        assertThat(offsets.get("lag").asLong()).isEqualTo(4);
        assertThat(described.json().get("totalLag").asLong()).isEqualTo(4);

        String reset = "{\"topic\":\"" + topic + "\",\"to\":\"earliest\"}";
        Answer busy = call("POST", "/api/v1/groups/" + group + "/reset-offsets", reset);
        assertThat(busy.status()).isEqualTo(409);
        assertThat(busy.json().get("error").asText()).isEqualTo("NON_EMPTY_GROUP");
        consumer.close(); // leaves the group

        Answer dry = call("POST", "/api/v1/groups/" + group + "/reset-offsets",
                "{\"topic\":\"" + topic + "\",\"to\":\"earliest\",\"dryRun\":true}");
        assertThat(dry.status()).as(dry.raw().body()).isEqualTo(200);
        assertThat(dry.json().get("partitions").get(0).get("newOffset").asLong()).isZero();
        assertThat(committed(group, tp)).isEqualTo(6);

        Answer done = call("POST", "/api/v1/groups/" + group + "/reset-offsets", reset);
        assertThat(done.status()).as(done.raw().body()).isEqualTo(200);
        assertThat(committed(group, tp)).isZero();
        call("POST", "/api/v1/groups/" + group + "/reset-offsets",
                "{\"topic\":\"" + topic + "\",\"to\":\"offset\",\"offset\":3}");
        assertThat(committed(group, tp)).isEqualTo(3);
        assertThat(get("/api/v1/groups/" + group).json().get("totalLag").asLong()).isEqualTo(7);

        Answer deleted = call("DELETE", "/api/v1/groups/" + group, null);
        assertThat(deleted.status()).as(deleted.raw().body()).isEqualTo(200);
        assertThat(OPEN.admin().listGroups().all().get(30, TimeUnit.SECONDS))
                .noneMatch(g -> g.groupId().equals(group));
    }

    @Test
    void aBrokerWithUsersAsksForThemAndAppliesAcls() throws Exception {
        Answer none = call(SECURE, "GET", "/api/v1/topics", null, null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.raw().headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic");
        assertThat(call(SECURE, "GET", "/api/v1/topics", null, "alice:wrong").status()).isEqualTo(401);

        Answer refused = call(SECURE, "POST", "/api/v1/topics", "{\"name\":\"secret\"}", "alice:alice-pw");
        assertThat(refused.status()).as(refused.raw().body()).isEqualTo(403);
        assertThat(refused.json().get("error").asText()).isEqualTo("TOPIC_AUTHORIZATION_FAILED");

        Answer allowed = call(SECURE, "POST", "/api/v1/topics", "{\"name\":\"secret\"}", "admin:admin-pw");
        assertThat(allowed.status()).as(allowed.raw().body()).isEqualTo(201);
        assertThat(call(SECURE, "GET", "/api/v1/topics/secret", null, "alice:alice-pw").status()).isEqualTo(403);
        assertThat(call(SECURE, "GET", "/api/v1/topics", null, "alice:alice-pw").json().get("topics")).isEmpty();
        assertThat(call(SECURE, "GET", "/api/v1/topics/secret", null, "admin:admin-pw").status()).isEqualTo(200);
    }

    private static String topicConfig(Admin admin, String topic, String name) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        ConfigEntry e = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r).get(name);
        return e == null ? null : e.value();
    }

    private static long committed(String group, TopicPartition tp) throws Exception {
        OffsetAndMetadata o = OPEN.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS).get(tp);
        return o == null ? -1 : o.offset();
    }
}

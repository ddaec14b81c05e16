package io.spillway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.server.ServerConfig;
import io.spillway.server.SpillwayServer;
import io.spillway.testkit.TempDirs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.ShareAcknowledgeRequestData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.message.ShareFetchRequestData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ShareAcknowledgeResponse;
import org.apache.kafka.common.requests.ShareFetchResponse;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Share groups (KIP-932) with Kafka 4.4's {@link KafkaShareConsumer} on one broker: several consumers on one
 * partition, implicit and explicit acknowledgement, RELEASE redelivering with a higher delivery count, REJECT and
 * ACCEPT never again, the delivery limit archiving, a consumer JVM killed while holding records (their lock times
 * out and they are delivered again), and read_committed share groups skipping aborted transactions.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ShareConsumerTest {
    /** Short locks (Kafka's minimum is 15 s) so the timeout tests stay short. */
    private static final int LOCK_MS = 2_000;

    private static Path dataDir;
    private static SpillwayServer server;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        dataDir = TempDirs.create("spillway-share");
        server = SpillwayServer.start(ServerConfig.builder()
                .dataDir(dataDir)
                .host("127.0.0.1")
                .port(0)
                .set("num.partitions", "1")
                .set("group.share.min.record.lock.duration.ms", "1000")
                .set("group.share.min.session.timeout.ms", "2000")
                .set("group.share.min.heartbeat.interval.ms", "200")
                .build());
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap());
        admin = Admin.create(p);
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (server != null) {
            server.close();
        }
        TempDirs.deleteQuietly(dataDir);
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }

    private static void groupConfigs(String group, Map<String, String> configs) throws Exception {
        List<AlterConfigOp> ops = new ArrayList<>();
        configs.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), ops)).all().get();
    }

    private static void produce(String topic, int count) throws Exception {
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap(),
                ProducerConfig.LINGER_MS_CONFIG, "5"));
        config.putAll(extra);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static KafkaShareConsumer<String, String> consumer(String group, String mode) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, mode,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        return new KafkaShareConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    @Test
    void severalConsumersOnOnePartitionGetEveryRecordExactlyOnce() throws Exception {
        String topic = "share-many";
        String group = "share-many-g";
        createTopic(topic, 1);
        groupConfigs(group, Map.of("share.auto.offset.reset", "earliest"));
        int total = 3_000;
        produce(topic, total);
        Map<Long, String> owner = new ConcurrentHashMap<>();
        List<String> duplicates = new CopyOnWriteArrayList<>();
        Map<String, Integer> perConsumer = new ConcurrentHashMap<>();
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            String name = "c" + c;
            running.add(pool.submit(() -> {
                try (KafkaShareConsumer<String, String> consumer = consumer(group, "implicit")) {
                    consumer.subscribe(List.of(topic));
                    while (!done.get()) {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                            assertThat(r.value()).isEqualTo("v" + r.offset());
                            String before = owner.putIfAbsent(r.offset(), name);
                            if (before != null) {
                                duplicates.add(r.offset() + " to " + before + " and " + name);
                            }
                            perConsumer.merge(name, 1, Integer::sum);
                            // slow enough that all three consumers get their share of one partition
                            Thread.sleep(1);
                        }
                        if (owner.size() >= total) {
                            done.set(true);
                        }
                    }
                    // Implicit mode accepts a poll's records at the next poll or commit; close alone would release
                    // the last poll's records (as Kafka's client does), and another consumer would get them again.
                    consumer.commitSync();
                }
                return null;
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (owner.size() < total && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        done.set(true);
        for (Future<?> f : running) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(owner).hasSize(total);
        assertThat(duplicates).as("no record goes to two consumers").isEmpty();
        assertThat(perConsumer.keySet()).as("one partition, shared by all consumers").hasSize(3);
    }

    @Test
    void explicitAcknowledgementAcceptReleaseReject() throws Exception {
        String topic = "share-explicit";
        String group = "share-explicit-g";
        createTopic(topic, 1);
        groupConfigs(group, Map.of("share.auto.offset.reset", "earliest"));
        produce(topic, 30);
        Map<Long, List<Short>> deliveries = new HashMap<>();
        try (KafkaShareConsumer<String, String> consumer = consumer(group, "explicit")) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    List<Short> seen = deliveries.computeIfAbsent(r.offset(), o -> new ArrayList<>());
                    seen.add(r.deliveryCount().orElseThrow());
                    // offset % 3: 0 accept, 1 release once then accept, 2 reject
                    AcknowledgeType type = switch ((int) (r.offset() % 3)) {
                        case 0 -> AcknowledgeType.ACCEPT;
                        case 1 -> seen.size() == 1 ? AcknowledgeType.RELEASE : AcknowledgeType.ACCEPT;
                        default -> AcknowledgeType.REJECT;
                    };
                    consumer.acknowledge(r, type);
                }
                Map<TopicIdPartition, Optional<KafkaException>> results = consumer.commitSync();
                results.values().forEach(error -> assertThat(error).isEmpty());
                if (deliveries.size() == 30 && deliveries.entrySet().stream()
                        .allMatch(e -> e.getKey() % 3 != 1 || e.getValue().size() == 2)) {
                    // one more poll: nothing may come back
                    assertThat(consumer.poll(Duration.ofSeconds(1))).isEmpty();
                    break;
                }
            }
        }
        assertThat(deliveries).hasSize(30);
        deliveries.forEach((offset, counts) -> {
            if (offset % 3 == 1) {
                assertThat(counts).as("released offset %d comes back with a higher count", offset)
                        .containsExactly((short) 1, (short) 2);
            } else {
                assertThat(counts).as("accepted or rejected offset %d never again", offset).containsExactly((short) 1);
            }
        });
    }

    @Test
    void theDeliveryLimitArchivesARecordReleasedTooOften() throws Exception {
        String topic = "share-limit";
        String group = "share-limit-g";
        createTopic(topic, 1);
        groupConfigs(group, Map.of("share.auto.offset.reset", "earliest", "share.delivery.count.limit", "3"));
        produce(topic, 5);
        Map<Long, Integer> deliveries = new HashMap<>();
        try (KafkaShareConsumer<String, String> consumer = consumer(group, "explicit")) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            int quietPolls = 0;
            while (System.nanoTime() < deadline && quietPolls < 5) {
                var records = consumer.poll(Duration.ofMillis(300));
                quietPolls = records.isEmpty() ? quietPolls + 1 : 0;
                for (ConsumerRecord<String, String> r : records) {
                    deliveries.merge(r.offset(), 1, Integer::sum);
                    consumer.acknowledge(r, AcknowledgeType.RELEASE);
                }
                consumer.commitSync();
            }
        }
        assertThat(deliveries).hasSize(5).allSatisfy((offset, n) -> assertThat(n).isEqualTo(3));
    }

    @Test
    void recordsHeldByAConsumerWhoseJvmDiesAreDeliveredAgainAfterTheLockTimeout() throws Exception {
        String topic = "share-kill";
        String group = "share-kill-g";
        createTopic(topic, 1);
        groupConfigs(group, Map.of("share.auto.offset.reset", "earliest",
                "share.record.lock.duration.ms", Integer.toString(LOCK_MS)));
        produce(topic, 50);
        Process child = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                ShareConsumerChild.class.getName(), server.bootstrap(), group, topic).redirectErrorStream(true).start();
        Set<Long> held = new HashSet<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(ShareConsumerChild.PREFIX + "READ ")) {
                    for (String o : line.substring((ShareConsumerChild.PREFIX + "READ ").length()).split(",")) {
                        held.add(Long.parseLong(o));
                    }
                    break;
                }
            }
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(held).as("the child held records when it was killed").isNotEmpty();
        long killedAt = System.nanoTime();
        Map<Long, Short> redelivered = new HashMap<>();
        try (KafkaShareConsumer<String, String> consumer = consumer(group, "implicit")) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (redelivered.size() < 50 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(redelivered.put(r.offset(), r.deliveryCount().orElseThrow())).isNull();
                }
            }
        }
        assertThat(redelivered).as("every record, also those the dead consumer held").hasSize(50);
        for (long offset : held) {
            assertThat(redelivered.get(offset)).as("offset %d delivered a second time", offset).isEqualTo((short) 2);
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt))
                .as("not before the lock timed out").isGreaterThanOrEqualTo(LOCK_MS - 500L);
    }

    @Test
    void readCommittedShareGroupsSkipAbortedTransactions() throws Exception {
        String topic = "share-txn";
        createTopic(topic, 1);
        groupConfigs("share-txn-committed", Map.of("share.auto.offset.reset", "earliest",
                "share.isolation.level", "read_committed"));
        groupConfigs("share-txn-all", Map.of("share.auto.offset.reset", "earliest"));
        try (KafkaProducer<String, String> producer = producer(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "share-txn-producer"))) {
            producer.initTransactions();
            for (String outcome : List.of("commit", "abort", "commit")) {
                producer.beginTransaction();
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(topic, outcome + i));
                }
                producer.flush(); // an abort discards what is not sent yet: these records must reach the log
                if (outcome.equals("commit")) {
                    producer.commitTransaction();
                } else {
                    producer.abortTransaction();
                }
            }
        }
        assertThat(readAll("share-txn-committed", topic, 20)).hasSize(20).allMatch(v -> v.startsWith("commit"));
        assertThat(readAll("share-txn-all", topic, 30)).hasSize(30);
    }

    @Test
    void adminDescribesAltersAndDeletesShareGroupOffsets() throws Exception {
        String topic = "share-admin";
        String group = "share-admin-g";
        createTopic(topic, 1);
        groupConfigs(group, Map.of("share.auto.offset.reset", "earliest"));
        produce(topic, 100);
        TopicPartition tp = new TopicPartition(topic, 0);
        Set<Long> accepted = new HashSet<>();
        try (KafkaShareConsumer<String, String> consumer = consumer(group, "explicit")) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (accepted.size() < 50 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    boolean accept = r.offset() < 50;
                    consumer.acknowledge(r, accept ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE);
                    if (accept) {
                        accepted.add(r.offset());
                    }
                }
                consumer.commitSync();
            }
        }
        assertThat(accepted).hasSize(50);
        SharePartitionOffsetInfo info = shareOffsets(group).get(tp);
        assertThat(info.startOffset()).isEqualTo(50);
        assertThat(info.lag()).contains(50L);

        admin.alterShareGroupOffsets(group, Map.of(tp, 80L)).all().get();
        info = shareOffsets(group).get(tp);
        assertThat(info.startOffset()).isEqualTo(80);
        assertThat(info.lag()).contains(20L);
        List<Long> after = new ArrayList<>();
        try (KafkaShareConsumer<String, String> consumer = consumer(group, "implicit")) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (after.size() < 20 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> after.add(r.offset()));
            }
            consumer.commitSync();
        }
        assertThat(after).as("the altered start offset is where delivery goes on")
                .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.range(80, 100).boxed().toList());
        assertThat(shareOffsets(group).get(tp).lag()).contains(0L);

        admin.deleteShareGroupOffsets(group, Set.of(topic)).all().get();
        assertThat(shareOffsets(group)).isEmpty();
        admin.deleteShareGroups(List.of(group)).all().get();
        assertThat(admin.listGroups(ListGroupsOptions.forShareGroups()).all().get())
                .noneMatch(g -> g.groupId().equals(group));
    }

    @Test
    void badShareRequestsGetKafkasErrorsAndChangeNothing() throws Exception {
        String topic = "share-bad";
        String group = "share-bad-g";
        createTopic(topic, 1);
        groupConfigs(group, Map.of("share.auto.offset.reset", "earliest"));
        produce(topic, 10);
        Uuid topicId = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId();
        String member = Uuid.randomUuid().toString();
        String bootstrap = server.bootstrap();
        int colon = bootstrap.lastIndexOf(':');
        try (WireClient wire = new WireClient(bootstrap.substring(0, colon),
                Integer.parseInt(bootstrap.substring(colon + 1)), 30_000)) {
            // no session yet
            assertThat(shareFetch(wire, group, member, 5, topicId, List.of()).errorCode())
                    .isEqualTo(Errors.SHARE_SESSION_NOT_FOUND.code());
            assertThat(shareAcknowledge(wire, group, member, 0, topicId, ack(0, 0, (byte) 1)).errorCode())
                    .isEqualTo(Errors.INVALID_SHARE_SESSION_EPOCH.code());
            // a session cannot start with acknowledgements
            assertThat(shareFetch(wire, group, member, 0, topicId, List.of(fetchAck(0, 0, (byte) 1))).errorCode())
                    .isEqualTo(Errors.INVALID_REQUEST.code());
            // open it: the ten records are acquired
            ShareFetchResponseData opened = shareFetch(wire, group, member, 0, topicId, List.of());
            assertThat(opened.errorCode()).isZero();
            assertThat(opened.responses()).singleElement().satisfies(t -> assertThat(t.partitions()).singleElement()
                    .satisfies(p -> assertThat(p.acquiredRecords()).extracting(a -> a.lastOffset() - a.firstOffset() + 1)
                            .containsExactly(10L)));
            // records never acquired, an unknown type, a wrong epoch, an unknown topic
            assertThat(partitionError(shareAcknowledge(wire, group, member, 1, topicId, ack(5, 12, (byte) 1))))
                    .isEqualTo(Errors.INVALID_RECORD_STATE.code());
            assertThat(partitionError(shareAcknowledge(wire, group, member, 2, topicId, ack(0, 0, (byte) 9))))
                    .isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(shareAcknowledge(wire, group, "other-member", 1, topicId, ack(0, 0, (byte) 1)).errorCode())
                    .as("another member has no session").isEqualTo(Errors.SHARE_SESSION_NOT_FOUND.code());
            assertThat(shareAcknowledge(wire, group, member, 7, topicId, ack(0, 0, (byte) 1)).errorCode())
                    .isEqualTo(Errors.INVALID_SHARE_SESSION_EPOCH.code());
            assertThat(shareFetch(wire, group, member, 3, Uuid.randomUuid(), List.of()).responses())
                    .anySatisfy(t -> assertThat(t.partitions()).singleElement().satisfies(p ->
                            assertThat(p.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code())));
            // none of that changed the share-partition: all ten records are still held and can be accepted
            assertThat(partitionError(shareAcknowledge(wire, group, member, 4, topicId, ack(0, 9, (byte) 1))))
                    .isEqualTo(Errors.NONE.code());
            assertThat(shareOffsets(group).get(new TopicPartition(topic, 0)).startOffset()).isEqualTo(10);
        }
    }

    private static ShareFetchResponseData shareFetch(WireClient wire, String group, String member, int epoch,
                                                     Uuid topicId, List<ShareFetchRequestData.AcknowledgementBatch> acks)
            throws Exception {
        ShareFetchRequestData request = new ShareFetchRequestData().setGroupId(group).setMemberId(member)
                .setShareSessionEpoch(epoch).setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20).setMaxRecords(100)
                .setBatchSize(100);
        ShareFetchRequestData.FetchTopic topic = new ShareFetchRequestData.FetchTopic().setTopicId(topicId);
        topic.partitions().add(new ShareFetchRequestData.FetchPartition().setPartitionIndex(0)
                .setAcknowledgementBatches(acks));
        request.topics().add(topic);
        ShareFetchResponse response = wire.send(WireClient.request(ApiKeys.SHARE_FETCH, request,
                ApiKeys.SHARE_FETCH.latestVersion()));
        return response.data();
    }

    private static ShareAcknowledgeResponseData shareAcknowledge(WireClient wire, String group, String member, int epoch,
                                                                 Uuid topicId,
                                                                 ShareAcknowledgeRequestData.AcknowledgementBatch batch)
            throws Exception {
        ShareAcknowledgeRequestData request = new ShareAcknowledgeRequestData().setGroupId(group).setMemberId(member)
                .setShareSessionEpoch(epoch);
        ShareAcknowledgeRequestData.AcknowledgeTopic topic = new ShareAcknowledgeRequestData.AcknowledgeTopic()
                .setTopicId(topicId);
        topic.partitions().add(new ShareAcknowledgeRequestData.AcknowledgePartition().setPartitionIndex(0)
                .setAcknowledgementBatches(List.of(batch)));
        request.topics().add(topic);
        ShareAcknowledgeResponse response = wire.send(WireClient.request(ApiKeys.SHARE_ACKNOWLEDGE, request,
                ApiKeys.SHARE_ACKNOWLEDGE.latestVersion()));
        return response.data();
    }

    private static ShareAcknowledgeRequestData.AcknowledgementBatch ack(long first, long last, byte type) {
        return new ShareAcknowledgeRequestData.AcknowledgementBatch().setFirstOffset(first).setLastOffset(last)
                .setAcknowledgeTypes(List.of(type));
    }

    private static ShareFetchRequestData.AcknowledgementBatch fetchAck(long first, long last, byte type) {
        return new ShareFetchRequestData.AcknowledgementBatch().setFirstOffset(first).setLastOffset(last)
                .setAcknowledgeTypes(List.of(type));
    }

    private static short partitionError(ShareAcknowledgeResponseData response) {
        assertThat(response.errorCode()).isZero();
        return response.responses().iterator().next().partitions().get(0).errorCode();
    }

    private static Map<TopicPartition, SharePartitionOffsetInfo> shareOffsets(String group) throws Exception {
        return admin.listShareGroupOffsets(Map.of(group, new ListShareGroupOffsetsSpec()))
                .partitionsToOffsetInfo(group).get();
    }

    private static List<String> readAll(String group, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaShareConsumer<String, String> consumer = consumer(group, "implicit")) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            // and nothing more
            consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
        }
        return Collections.unmodifiableList(values);
    }
}

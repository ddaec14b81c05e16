package io.spillway.it;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transactional requests that are wrong, sent byte for byte: unknown transactional ids, wrong producer ids and
 * epochs, EndTxn out of order, timeouts out of bounds, partitions of unknown topics, writes to partitions not in
 * the transaction. Each gets the error Kafka 4.4 gives, and afterwards the broker serves a transactional
 * producer as before.
 *
 * <p>With {@code -Dtxn.bootstrap=host:port} the requests go to that broker instead (Apache Kafka 4.4, to check
 * the expectations against the reference); the in-process Spillway then only provides the topic name.
 */
class TransactionErrorCodesTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create().set("spillway.transaction.version", "0");
    private static final String EXTERNAL = System.getProperty("txn.bootstrap");
    private static String topic;

    @BeforeAll
    static void createTopic() throws Exception {
        topic = BROKER.createTopic("txn-errors", 2);
        if (EXTERNAL != null) {
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    Map.of("bootstrap.servers", EXTERNAL))) {
                admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 2, (short) 1)))
                        .all().get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static WireClient wire() throws Exception {
        if (EXTERNAL != null) {
            String[] hostPort = EXTERNAL.split(":");
            return new WireClient(hostPort[0], Integer.parseInt(hostPort[1]), 30_000);
        }
        return new WireClient(BROKER.host(), BROKER.port(), 30_000);
    }

    @SuppressWarnings("unchecked")
    private static <R extends ApiMessage> R send(WireClient wire, ApiKeys key, ApiMessage data, int version) throws Exception {
        AbstractResponse response = wire.send(WireClient.request(key, data, (short) version));
        return (R) response.data();
    }

    private static InitProducerIdResponseData init(WireClient wire, String id, int timeoutMs, int version) throws Exception {
        return send(wire, ApiKeys.INIT_PRODUCER_ID, new InitProducerIdRequestData().setTransactionalId(id)
                .setTransactionTimeoutMs(timeoutMs), version);
    }

    private static Errors addPartitions(WireClient wire, String id, long pid, short epoch, String topicName, int version,
                                        int... partitions) throws Exception {
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection();
        topics.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic().setName(topicName)
                .setPartitions(java.util.Arrays.stream(partitions).boxed().toList()));
        AddPartitionsToTxnResponseData response = send(wire, ApiKeys.ADD_PARTITIONS_TO_TXN, new AddPartitionsToTxnRequestData()
                .setV3AndBelowTransactionalId(id).setV3AndBelowProducerId(pid).setV3AndBelowProducerEpoch(epoch)
                .setV3AndBelowTopics(topics), version);
        return Errors.forCode(response.resultsByTopicV3AndBelow().iterator().next().resultsByPartition().iterator().next()
                .partitionErrorCode());
    }

    private static Errors endTxn(WireClient wire, String id, long pid, short epoch, boolean commit, int version)
            throws Exception {
        org.apache.kafka.common.message.EndTxnResponseData response = send(wire, ApiKeys.END_TXN, new EndTxnRequestData()
                .setTransactionalId(id).setProducerId(pid).setProducerEpoch(epoch).setCommitted(commit), version);
        return Errors.forCode(response.errorCode());
    }

    @Test
    void initProducerIdRefusesBadTransactionalIdsTimeoutsAndTwoPhaseCommit() throws Exception {
        try (WireClient wire = wire()) {
            assertThat(Errors.forCode(init(wire, "", 60_000, 4).errorCode())).isEqualTo(Errors.INVALID_REQUEST);
            assertThat(Errors.forCode(init(wire, "t-timeout", 0, 4).errorCode())).isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
            assertThat(Errors.forCode(init(wire, "t-timeout", Integer.MAX_VALUE, 4).errorCode()))
                    .isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
            InitProducerIdResponseData twoPc = send(wire, ApiKeys.INIT_PRODUCER_ID, new InitProducerIdRequestData()
                    .setTransactionalId("t-2pc").setTransactionTimeoutMs(60_000).setEnable2Pc(true), 6);
            assertThat(Errors.forCode(twoPc.errorCode())).isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
            InitProducerIdResponseData keep = send(wire, ApiKeys.INIT_PRODUCER_ID, new InitProducerIdRequestData()
                    .setTransactionalId("t-2pc").setTransactionTimeoutMs(60_000).setKeepPreparedTxn(true), 6);
            assertThat(Errors.forCode(keep.errorCode())).isEqualTo(Errors.UNSUPPORTED_VERSION);
            InitProducerIdResponseData idempotent = init(wire, null, 60_000, 4);
            assertThat(idempotent.errorCode()).isZero();
            assertThat(idempotent.producerId()).isNotNegative();
            assertThat(idempotent.producerEpoch()).isZero();
        }
    }

    @Test
    void unknownIdsWrongProducersAndWrongEpochsAreRefused() throws Exception {
        try (WireClient wire = wire()) {
            assertThat(addPartitions(wire, "never-initialized", 1, (short) 0, topic, 3, 0))
                    .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
            assertThat(endTxn(wire, "never-initialized", 1, (short) 0, true, 3)).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
            InitProducerIdResponseData p = init(wire, "t-epochs", 60_000, 4);
            long pid = p.producerId();
            short epoch = p.producerEpoch();
            assertThat(addPartitions(wire, "t-epochs", pid + 1000, epoch, topic, 3, 0))
                    .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
            assertThat(addPartitions(wire, "t-epochs", pid, (short) (epoch + 1), topic, 3, 0)).isEqualTo(Errors.PRODUCER_FENCED);
            assertThat(addPartitions(wire, "t-epochs", pid, (short) (epoch + 1), topic, 1, 0))
                    .as("before v2 there is no PRODUCER_FENCED").isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
            assertThat(addPartitions(wire, "t-epochs", pid, epoch, "no-such-topic", 3, 0))
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(addPartitions(wire, "t-epochs", pid, epoch, topic, 3, 7)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            org.apache.kafka.common.message.AddOffsetsToTxnResponseData offsets = send(wire, ApiKeys.ADD_OFFSETS_TO_TXN,
                    new AddOffsetsToTxnRequestData().setTransactionalId("t-epochs").setProducerId(pid)
                            .setProducerEpoch((short) (epoch + 5)).setGroupId("g"), 3);
            assertThat(Errors.forCode(offsets.errorCode())).isEqualTo(Errors.PRODUCER_FENCED);
        }
    }

    @Test
    void endTxnOutOfOrderGetsKafkasAnswers() throws Exception {
        try (WireClient wire = wire()) {
            InitProducerIdResponseData p = init(wire, "t-order", 60_000, 4);
            long pid = p.producerId();
            short epoch = p.producerEpoch();
            assertThat(endTxn(wire, "t-order", pid, epoch, true, 3)).as("commit of nothing").isEqualTo(Errors.INVALID_TXN_STATE);
            assertThat(addPartitions(wire, "t-order", pid, epoch, topic, 3, 0)).isEqualTo(Errors.NONE);
            assertThat(endTxn(wire, "t-order", pid, epoch, true, 3)).isEqualTo(Errors.NONE);
            Errors again = endTxn(wire, "t-order", pid, epoch, true, 3);
            assertThat(again).as("a retried commit").isIn(Errors.NONE, Errors.CONCURRENT_TRANSACTIONS);
            assertThat(endTxn(wire, "t-order", pid, epoch, false, 3)).as("abort after commit")
                    .isEqualTo(Errors.INVALID_TXN_STATE);
            // transactions version 2: an abort of a transaction that never reached the coordinator bumps the epoch
            org.apache.kafka.common.message.EndTxnResponseData emptyAbort = send(wire, ApiKeys.END_TXN,
                    new EndTxnRequestData().setTransactionalId("t-order").setProducerId(pid).setProducerEpoch(epoch)
                            .setCommitted(false), 5);
            assertThat(Errors.forCode(emptyAbort.errorCode())).isIn(Errors.NONE, Errors.CONCURRENT_TRANSACTIONS);
        }
    }

    @Test
    void transactionalWritesOutsideTheTransactionAreRefused() throws Exception {
        try (WireClient wire = wire()) {
            InitProducerIdResponseData p = init(wire, "t-writes", 60_000, 4);
            MemoryRecords batch = MemoryRecords.withTransactionalRecords(Compression.NONE, p.producerId(), p.producerEpoch(), 0,
                    new SimpleRecord("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)));
            for (int version : new int[] {10, 11}) {
                ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
                topics.add(new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(
                        new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(batch))));
                org.apache.kafka.common.message.ProduceResponseData response = send(wire, ApiKeys.PRODUCE,
                        new ProduceRequestData().setTransactionalId("t-writes").setAcks((short) -1).setTimeoutMs(30_000)
                                .setTopicData(topics), version);
                Errors error = Errors.forCode(response.responses().iterator().next().partitionResponses().get(0).errorCode());
                assertThat(error).as("produce v%d to a partition not in the transaction", version)
                        .isEqualTo(version >= 11 ? Errors.TRANSACTION_ABORTABLE : Errors.INVALID_TXN_STATE);
            }
            org.apache.kafka.common.message.TxnOffsetCommitResponseData commit = send(wire, ApiKeys.TXN_OFFSET_COMMIT,
                    new TxnOffsetCommitRequestData().setTransactionalId("t-writes").setGroupId("g")
                            .setProducerId(p.producerId()).setProducerEpoch(p.producerEpoch()).setTopics(List.of(
                                    new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic().setName(topic).setPartitions(
                                            List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                                                    .setPartitionIndex(0).setCommittedOffset(1))))), 3);
            assertThat(Errors.forCode(commit.topics().get(0).partitions().get(0).errorCode()))
                    .as("offsets without AddOffsetsToTxn").isEqualTo(Errors.INVALID_TXN_STATE);
            org.apache.kafka.common.message.WriteTxnMarkersResponseData markers = send(wire, ApiKeys.WRITE_TXN_MARKERS,
                    new WriteTxnMarkersRequestData().setMarkers(List.of(new WriteTxnMarkersRequestData.WritableTxnMarker()
                            .setProducerId(p.producerId()).setProducerEpoch(p.producerEpoch()).setTransactionResult(false)
                            .setTopics(List.of(new WriteTxnMarkersRequestData.WritableTxnMarkerTopic().setName("no-such-topic")
                                    .setPartitionIndexes(List.of(0)))))), 1);
            assertThat(Errors.forCode(markers.markers().get(0).topics().get(0).partitions().get(0).errorCode()))
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
    }

    @Test
    void lookupsOfUnknownTransactionsAndBadFilters() throws Exception {
        try (WireClient wire = wire()) {
            org.apache.kafka.common.message.DescribeTransactionsResponseData described = send(wire,
                    ApiKeys.DESCRIBE_TRANSACTIONS, new DescribeTransactionsRequestData()
                            .setTransactionalIds(List.of("unknown-id", "")), 0);
            assertThat(described.transactionStates()).extracting(s -> Errors.forCode(s.errorCode()))
                    .containsExactly(Errors.TRANSACTIONAL_ID_NOT_FOUND, Errors.INVALID_REQUEST);
            org.apache.kafka.common.message.ListTransactionsResponseData listed = send(wire, ApiKeys.LIST_TRANSACTIONS,
                    new ListTransactionsRequestData().setStateFilters(List.of("NoSuchState")), 1);
            assertThat(listed.unknownStateFilters()).containsExactly("NoSuchState");
            assertThat(listed.transactionStates()).isEmpty();
            org.apache.kafka.common.message.ListTransactionsResponseData badPattern = send(wire, ApiKeys.LIST_TRANSACTIONS,
                    new ListTransactionsRequestData().setTransactionalIdPattern("(unclosed"), 2);
            assertThat(Errors.forCode(badPattern.errorCode())).isEqualTo(Errors.INVALID_REQUEST);
            org.apache.kafka.common.message.FindCoordinatorResponseData found = send(wire, ApiKeys.FIND_COORDINATOR,
                    new FindCoordinatorRequestData().setKeyType((byte) 1).setCoordinatorKeys(List.of("", "t-find")), 4);
            assertThat(found.coordinators()).extracting(c -> Errors.forCode(c.errorCode()))
                    .containsExactly(Errors.INVALID_REQUEST, Errors.NONE);
            ApiVersionsResponseData versions = wire.apiVersions();
            assertThat(versions.supportedFeatures().find("transaction.version").maxVersion()).isEqualTo((short) 2);
            if (EXTERNAL == null) {
                assertThat(versions.finalizedFeatures().find("transaction.version")).as("version 0 is not listed").isNull();
            }
        }
    }

    @Test
    void afterAllThatTheBrokerServesTransactionsAsBefore() throws Exception {
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(EXTERNAL == null
                ? Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "t-after")
                : Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "t-after", ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EXTERNAL));
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, 1, null, "ok".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        producer.commitTransaction();
    }
}

package io.spillway.it;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transactional producer pipelines its batches to a partition (up to five requests in flight), and the broker
 * must append them in the order they came. The first batch of a transaction in a partition waits for the
 * transaction coordinator (KIP-890 verification); the batches behind it must wait too. When a later batch overtook
 * one still being verified, the producer got OUT_OF_ORDER_SEQUENCE_NUMBER for it after its predecessor was
 * acknowledged: a fatal error, found by the transactions checker about once a minute.
 */
class TransactionalProduceOrderTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create();

    private static final int IN_FLIGHT = 5;
    private static final int TRANSACTIONS = 200;
    private static final short PRODUCE_VERSION = 12; // transactions version 2: the partition is added implicitly

    @Test
    void pipelinedBatchesOfATransactionAreAppendedInOrder() throws Exception {
        String topic = BROKER.createTopic("txn-produce-order", 1);
        try (WireClient wire = new WireClient(BROKER.host(), BROKER.port(), 30_000)) {
            InitProducerIdResponseData init = call(wire, ApiKeys.INIT_PRODUCER_ID, new InitProducerIdRequestData()
                    .setTransactionalId("ordered").setTransactionTimeoutMs(60_000), 5);
            assertThat(Errors.forCode(init.errorCode())).isEqualTo(Errors.NONE);
            long producerId = init.producerId();
            short epoch = init.producerEpoch();
            long expectedOffset = 0;
            for (int txn = 0; txn < TRANSACTIONS; txn++) {
                List<RequestHeader> headers = new ArrayList<>();
                for (int seq = 0; seq < IN_FLIGHT; seq++) {
                    headers.add(write(wire, produce(topic, producerId, epoch, seq, "t" + txn + "-r" + seq)));
                }
                for (int seq = 0; seq < IN_FLIGHT; seq++) {
                    ProduceResponseData response = (ProduceResponseData) AbstractResponse
                            .parseResponse(wire.readFrame(), headers.get(seq)).data();
                    ProduceResponseData.PartitionProduceResponse partition = response.responses().iterator().next()
                            .partitionResponses().get(0);
                    assertThat(Errors.forCode(partition.errorCode()))
                            .as("transaction %d, batch with sequence %d: %s", txn, seq, partition.errorMessage())
                            .isEqualTo(Errors.NONE);
                    assertThat(partition.baseOffset()).as("transaction %d, sequence %d", txn, seq)
                            .isEqualTo(expectedOffset++);
                }
                EndTxnResponseData end = call(wire, ApiKeys.END_TXN, new EndTxnRequestData().setTransactionalId("ordered")
                        .setProducerId(producerId).setProducerEpoch(epoch).setCommitted(true), 5);
                assertThat(Errors.forCode(end.errorCode())).as("commit of transaction %d", txn).isEqualTo(Errors.NONE);
                epoch = end.producerEpoch(); // transactions version 2: every commit bumps the epoch
                expectedOffset++; // the commit marker
            }
        }
    }

    private static AbstractRequest produce(String topic, long producerId, short epoch, int sequence, String value) {
        MemoryRecords batch = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, sequence,
                new SimpleRecord(null, value.getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(batch))));
        return WireClient.request(ApiKeys.PRODUCE, new ProduceRequestData().setTransactionalId("ordered")
                .setAcks((short) -1).setTimeoutMs(30_000).setTopicData(topics), PRODUCE_VERSION);
    }

    /** Sends without waiting for the answer; returns the header to parse the answer with. */
    private static RequestHeader write(WireClient wire, AbstractRequest request) throws Exception {
        int id = wire.nextCorrelationId();
        wire.writeFrame(WireClient.serialize(request, id));
        return new RequestHeader(request.apiKey(), request.version(), "spillway-it-wire", id);
    }

    @SuppressWarnings("unchecked")
    private static <R extends ApiMessage> R call(WireClient wire, ApiKeys key, ApiMessage data, int version)
            throws Exception {
        return (R) wire.send(WireClient.request(key, data, (short) version)).data();
    }
}

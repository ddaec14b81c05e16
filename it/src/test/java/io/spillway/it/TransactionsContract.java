package io.spillway.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Transactions with the real Java producer, consumer and admin client: commit and abort, isolation levels,
 * the last stable offset, fencing, timeouts, consume-transform-produce with offsets in the transaction, and
 * the admin views. Run once per transactions version the broker advertises (subclasses), because clients
 * take different paths for each (version 2: partitions added implicitly, an epoch bump at every EndTxn;
 * version 0: AddPartitionsToTxn and AddOffsetsToTxn).
 */
abstract class TransactionsContract {

    abstract EmbeddedBroker broker();

    private KafkaProducer<byte[], byte[]> transactional(String transactionalId, Map<String, Object> extra) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "5"));
        config.putAll(extra);
        KafkaProducer<byte[], byte[]> producer = broker().producer(config);
        producer.initTransactions();
        return producer;
    }

    private KafkaProducer<byte[], byte[]> transactional(String transactionalId) {
        return transactional(transactionalId, Map.of());
    }

    private KafkaConsumer<byte[], byte[]> reader(IsolationLevel level) {
        return broker().consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, level.toString()));
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, String value) {
        return new ProducerRecord<>(topic, partition, value.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> out = new ArrayList<>();
        records.forEach(r -> out.add(new String(r.value(), StandardCharsets.UTF_8)));
        return out;
    }

    /** Everything from the start of the partitions up to their end for this isolation level. */
    private List<String> readAll(String topic, int partitions, IsolationLevel level, int expected) {
        KafkaConsumer<byte[], byte[]> consumer = reader(level);
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        List<String> out = values(EmbeddedBroker.pollUntil(consumer, expected, Duration.ofSeconds(20)));
        out.addAll(values(EmbeddedBroker.pollUntil(consumer, Integer.MAX_VALUE, Duration.ofMillis(500))));
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        return out;
    }

    private long endOffset(String topic, int partition, IsolationLevel level) throws Exception {
        TopicPartition tp = new TopicPartition(topic, partition);
        return broker().admin().listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(level))
                .partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
    }

    /**
     * The end offset once it reached {@code expected} (or what it is after 20 s): markers are written after EndTxn
     * is answered, as with Kafka, so the last stable offset moves a moment after commitTransaction returns.
     */
    private long endOffsetReaching(String topic, int partition, IsolationLevel level, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long offset = endOffset(topic, partition, level);
        while (offset < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            offset = endOffset(topic, partition, level);
        }
        return offset;
    }

    @Test
    void committedRecordsAreVisibleAndAbortedOnesOnlyToReadUncommitted() throws Exception {
        String topic = broker().createTopic("txn-basic", 2);
        KafkaProducer<byte[], byte[]> producer = transactional(EmbeddedBroker.uniqueName("txn-basic"));
        producer.beginTransaction();
        producer.send(record(topic, 0, "c1"));
        producer.send(record(topic, 1, "c2"));
        producer.commitTransaction();
        producer.beginTransaction();
        producer.send(record(topic, 0, "a1"));
        producer.send(record(topic, 1, "a2"));
        producer.flush();
        producer.abortTransaction();
        producer.beginTransaction();
        producer.send(record(topic, 0, "c3"));
        producer.commitTransaction();

        assertThat(readAll(topic, 2, IsolationLevel.READ_COMMITTED, 3)).containsExactlyInAnyOrder("c1", "c2", "c3");
        assertThat(readAll(topic, 2, IsolationLevel.READ_UNCOMMITTED, 5))
                .containsExactlyInAnyOrder("c1", "c2", "a1", "a2", "c3");
        // data, markers: partition 0 holds c1, commit, a1, abort, c3, commit
        assertThat(endOffsetReaching(topic, 0, IsolationLevel.READ_COMMITTED, 6)).isEqualTo(6);
        assertThat(endOffset(topic, 0, IsolationLevel.READ_UNCOMMITTED)).isEqualTo(6);
    }

    @Test
    void anOpenTransactionHoldsTheLastStableOffsetBack() throws Exception {
        String topic = broker().createTopic("txn-lso", 1);
        KafkaProducer<byte[], byte[]> plain = broker().producer();
        plain.send(record(topic, 0, "before")).get(30, TimeUnit.SECONDS);
        KafkaProducer<byte[], byte[]> producer = transactional(EmbeddedBroker.uniqueName("txn-lso"));
        producer.beginTransaction();
        producer.send(record(topic, 0, "inside")).get(30, TimeUnit.SECONDS);
        plain.send(record(topic, 0, "after")).get(30, TimeUnit.SECONDS);

        assertThat(endOffset(topic, 0, IsolationLevel.READ_UNCOMMITTED)).isEqualTo(3);
        assertThat(endOffset(topic, 0, IsolationLevel.READ_COMMITTED)).isEqualTo(1);
        assertThat(readAll(topic, 1, IsolationLevel.READ_COMMITTED, 1)).containsExactly("before");

        producer.commitTransaction();
        assertThat(endOffsetReaching(topic, 0, IsolationLevel.READ_COMMITTED, 4)).isEqualTo(4);
        assertThat(readAll(topic, 1, IsolationLevel.READ_COMMITTED, 3)).containsExactly("before", "inside", "after");
    }

    @Test
    void aSecondProducerWithTheSameIdFencesTheFirstAndAbortsItsTransaction() throws Exception {
        String topic = broker().createTopic("txn-fence", 1);
        String id = EmbeddedBroker.uniqueName("txn-fence");
        KafkaProducer<byte[], byte[]> first = transactional(id);
        first.beginTransaction();
        first.send(record(topic, 0, "zombie")).get(30, TimeUnit.SECONDS);

        KafkaProducer<byte[], byte[]> second = transactional(id);
        Throwable fenced = catchThrowable(first::commitTransaction);
        assertThat(fenced).isInstanceOfAny(ProducerFencedException.class, InvalidProducerEpochException.class);

        second.beginTransaction();
        second.send(record(topic, 0, "successor"));
        second.commitTransaction();
        assertThat(readAll(topic, 1, IsolationLevel.READ_COMMITTED, 1)).containsExactly("successor");
    }

    @Test
    void aTransactionLeftOpenLongerThanItsTimeoutIsAborted() throws Exception {
        String topic = broker().createTopic("txn-timeout", 1);
        String id = EmbeddedBroker.uniqueName("txn-timeout");
        KafkaProducer<byte[], byte[]> producer = transactional(id, Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "1500"));
        producer.beginTransaction();
        producer.send(record(topic, 0, "abandoned")).get(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (endOffset(topic, 0, IsolationLevel.READ_COMMITTED) < 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(endOffset(topic, 0, IsolationLevel.READ_COMMITTED)).as("LSO after the abort marker").isEqualTo(2);
        assertThat(readAll(topic, 1, IsolationLevel.READ_COMMITTED, 0)).isEmpty();
        TransactionDescription description = broker().admin().describeTransactions(Set.of(id)).description(id)
                .get(30, TimeUnit.SECONDS);
        assertThat(description.state().toString()).isEqualTo("CompleteAbort");
        assertThatThrownBy(producer::commitTransaction).isInstanceOf(org.apache.kafka.common.KafkaException.class);
    }

    @Test
    void consumeTransformProduceCommitsOffsetsOnlyWithTheTransaction() throws Exception {
        String in = broker().createTopic("txn-in", 1);
        String out = broker().createTopic("txn-out", 1);
        String group = EmbeddedBroker.uniqueName("txn-group");
        KafkaProducer<byte[], byte[]> seed = broker().producer();
        for (int i = 0; i < 10; i++) {
            seed.send(record(in, 0, "v" + i));
        }
        seed.flush();
        KafkaConsumer<byte[], byte[]> consumer = broker().consumer(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        consumer.subscribe(List.of(in));
        KafkaProducer<byte[], byte[]> producer = transactional(EmbeddedBroker.uniqueName("txn-ctp"));
        List<ConsumerRecord<byte[], byte[]>> batch = EmbeddedBroker.pollUntil(consumer, 10, Duration.ofSeconds(30));
        assertThat(batch).hasSize(10);
        ConsumerGroupMetadata metadata = consumer.groupMetadata();
        TopicPartition tp = new TopicPartition(in, 0);

        producer.beginTransaction();
        for (ConsumerRecord<byte[], byte[]> r : batch.subList(0, 5)) {
            producer.send(record(out, 0, "t-" + new String(r.value(), StandardCharsets.UTF_8)));
        }
        producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(5)), metadata);
        producer.abortTransaction();
        Admin admin = broker().admin();
        assertThat(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS))
                .doesNotContainKey(tp);

        producer.beginTransaction();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            producer.send(record(out, 0, "t-" + new String(r.value(), StandardCharsets.UTF_8)));
        }
        producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(10)), metadata);
        assertThat(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS))
                .as("pending until the commit").doesNotContainKey(tp);
        producer.commitTransaction();
        assertThat(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .get(tp).offset()).isEqualTo(10);
        assertThat(consumer.committed(Set.of(tp)).get(tp).offset()).isEqualTo(10);
        assertThat(readAll(out, 1, IsolationLevel.READ_COMMITTED, 10)).hasSize(10).allMatch(v -> v.startsWith("t-v"));
    }

    @Test
    void adminToolsListDescribeAndAbortAHangingTransaction() throws Exception {
        String topic = broker().createTopic("txn-admin", 1);
        String id = EmbeddedBroker.uniqueName("txn-admin");
        KafkaProducer<byte[], byte[]> producer = transactional(id);
        producer.beginTransaction();
        producer.send(record(topic, 0, "open")).get(30, TimeUnit.SECONDS);
        Admin admin = broker().admin();

        assertThat(admin.listTransactions().all().get(30, TimeUnit.SECONDS))
                .extracting(TransactionListing::transactionalId).contains(id);
        TransactionDescription description = admin.describeTransactions(Set.of(id)).description(id).get(30, TimeUnit.SECONDS);
        assertThat(description.state().toString()).isEqualTo("Ongoing");
        assertThat(description.topicPartitions()).containsExactly(new TopicPartition(topic, 0));
        TopicPartition tp = new TopicPartition(topic, 0);
        List<ProducerState> producers = admin.describeProducers(Set.of(tp)).partitionResult(tp).get(30, TimeUnit.SECONDS)
                .activeProducers();
        assertThat(producers).singleElement().satisfies(p -> {
            assertThat(p.producerId()).isEqualTo(description.producerId());
            assertThat(p.currentTransactionStartOffset()).hasValue(0);
        });

        // what kafka-transactions.sh abort does for a hanging transaction: an abort marker at the producer's epoch
        ProducerState state = producers.get(0);
        admin.abortTransaction(new org.apache.kafka.clients.admin.AbortTransactionSpec(tp, state.producerId(),
                (short) state.producerEpoch(), state.coordinatorEpoch().orElse(0))).all().get(30, TimeUnit.SECONDS);
        assertThat(endOffsetReaching(topic, 0, IsolationLevel.READ_COMMITTED, 2)).isEqualTo(2);
        assertThat(readAll(topic, 1, IsolationLevel.READ_COMMITTED, 0)).isEmpty();
        assertThat(admin.describeProducers(Set.of(tp)).partitionResult(tp).get(30, TimeUnit.SECONDS).activeProducers())
                .singleElement().satisfies(p -> assertThat(p.currentTransactionStartOffset()).isEmpty());
        assertThat(admin.describeTransactions(Set.of("no-such-id")).description("no-such-id"))
                .failsWithin(30, TimeUnit.SECONDS).withThrowableThat()
                .withCauseInstanceOf(org.apache.kafka.common.errors.TransactionalIdNotFoundException.class);
    }
}

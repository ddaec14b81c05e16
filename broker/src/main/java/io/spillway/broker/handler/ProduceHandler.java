package io.spillway.broker.handler;

import io.spillway.common.TopicNames;
import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.TopicTraffic;
import io.spillway.broker.Topics;
import io.spillway.broker.quota.Quotas;
import io.spillway.coordinator.txn.TransactionCoordinator;
import io.spillway.log.AppendResult;
import io.spillway.log.PartitionLog;
import io.spillway.log.RecordErrorsException;
import io.spillway.log.TransactionNotVerifiedException;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Produce: appends each partition's batch and answers once every append is durable (acks=1 and acks=all are
 * the same on one node: both wait for fsync). acks=0 gets no response.
 *
 * <p>A transaction's first batch to a partition is appended only after the transaction coordinator confirmed
 * the partition is in the transaction, or (Produce v12+, transactions version 2) added it: so no transactional
 * record ever lands where no marker will follow (no hanging transactions, KIP-890). Later batches of the same
 * transaction go straight to the partition, which checks atomically that the transaction is still open there.
 */
public final class ProduceHandler implements ApiHandler<ProduceRequestData, ProduceResponseData> {
    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);

    private final Topics topics;
    private final TransactionCoordinator transactions;
    private final Quotas quotas;
    private final TopicTraffic traffic;

    public ProduceHandler(Topics topics, TransactionCoordinator transactions, Quotas quotas) {
        this(topics, transactions, quotas, TopicTraffic.NONE);
    }

    /** @param traffic told the records and bytes of each topic once they are durable (metrics) */
    public ProduceHandler(Topics topics, TransactionCoordinator transactions, Quotas quotas, TopicTraffic traffic) {
        this.topics = topics;
        this.transactions = transactions;
        this.quotas = quotas;
        this.traffic = traffic;
    }

    @Override
    public CompletableFuture<ProduceResponseData> handle(RequestContext context, ProduceRequestData request) {
        short acks = request.acks();
        boolean validAcks = acks == 0 || acks == 1 || acks == -1;
        boolean byId = context.apiVersion() >= 13;
        ProduceResponseData response = new ProduceResponseData();
        long requestBytes = 0;
        Map<String, Long> bytesByStream = new HashMap<>();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        List<Unverified> unverified = new ArrayList<>();
        // As Kafka: a transactional producer must be allowed to WRITE its transactional id, and every topic it
        // writes to; refused partitions are answered without touching the log.
        boolean transactionalIdRefused = request.transactionalId() != null
                && !context.may(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId());
        for (ProduceRequestData.TopicProduceData topicData : request.topicData()) {
            TopicMetadata topic = byId ? topics.byId(topicData.topicId()) : topics.byName(topicData.name());
            ProduceResponseData.TopicProduceResponse topicResponse = new ProduceResponseData.TopicProduceResponse()
                    .setName(topicData.name()).setTopicId(topicData.topicId());
            String name = topic != null ? topic.kafkaName() : topicData.name();
            boolean topicRefused = name != null && !name.isEmpty()
                    && !context.may(AclOperation.WRITE, ResourceType.TOPIC, name);
            for (ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData()) {
                ProduceResponseData.PartitionProduceResponse out = new ProduceResponseData.PartitionProduceResponse()
                        .setIndex(partitionData.index());
                topicResponse.partitionResponses().add(out);
                if (!validAcks) {
                    out.setErrorCode(Errors.INVALID_REQUIRED_ACKS.code());
                    continue;
                }
                if (transactionalIdRefused) {
                    out.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
                    continue;
                }
                if (topicRefused) {
                    out.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
                    continue;
                }
                PartitionLog partition = topics.partition(topic, partitionData.index());
                if (partition == null) {
                    out.setErrorCode((topic == null && byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
                    continue;
                }
                if (TopicNames.isInternal(topic.kafkaName())) {
                    // As Kafka: only the coordinators write their topics, or their state would be whatever a client sent.
                    out.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code())
                            .setErrorMessage("Cannot append to internal topic " + topic.kafkaName());
                    continue;
                }
                String storageRefusal = quotas.storageRefusal(topic.stream());
                if (storageRefusal != null) {
                    fail(out, Errors.POLICY_VIOLATION, storageRefusal);
                    continue;
                }
                long bytes = partitionData.records() == null ? 0 : partitionData.records().sizeInBytes();
                requestBytes += bytes;
                bytesByStream.merge(topic.stream(), bytes, Long::sum);
                append(context, new TopicPartition(topic.kafkaName(), partitionData.index()), partition,
                        partitionData, out, pending, unverified);
            }
            response.responses().add(topicResponse);
        }
        verifyAndAppend(context, request, unverified, pending);
        // As Kafka: the request is served in full, and the client learns how long to pause (and is muted that long).
        context.throttle().atLeast(quotas.recordProduce(context, requestBytes, bytesByStream));
        if (acks == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((ignored, error) -> response);
    }

    /** A transaction's first batch to a partition: appended once the coordinator vouched for the partition. */
    private record Unverified(TopicPartition tp, PartitionLog partition, MemoryRecords records, RecordBatch batch,
                              ProduceResponseData.PartitionProduceResponse out) {
    }

    private void append(RequestContext context, TopicPartition tp, PartitionLog partition,
                        ProduceRequestData.PartitionProduceData data, ProduceResponseData.PartitionProduceResponse out,
                        List<CompletableFuture<Void>> pending, List<Unverified> unverified) {
        if (!(data.records() instanceof MemoryRecords records)) {
            fail(out, Errors.INVALID_RECORD, "Produce request to " + partition.name() + " holds no records");
            return;
        }
        RecordBatch first = firstBatch(records);
        try {
            if (first != null && first.isTransactional()
                    && partition.queueForVerification(first.producerId(), first.producerEpoch())) {
                unverified.add(new Unverified(tp, partition, records, first, out));
                return;
            }
            completed(tp.topic(), records.sizeInBytes(), partition.append(records.buffer()), out, pending);
        } catch (TransactionNotVerifiedException e) {
            // The transaction ended here between the check and the append: verify, as for a first write.
            partition.queuedForVerification(first.producerId());
            unverified.add(new Unverified(tp, partition, records, first, out));
        } catch (RuntimeException e) {
            failed(context, partition, e, out);
        }
    }

    /**
     * One verification for every first batch of the request (all of one producer, as a producer sends them):
     * the coordinator adds or checks all their partitions at once, then appends them on its thread. Until then
     * the producer's later batches to those partitions queue behind them ({@link PartitionLog#queueForVerification}):
     * the coordinator runs verifications in the order they came, so the batches keep their order.
     */
    private void verifyAndAppend(RequestContext context, ProduceRequestData request, List<Unverified> unverified,
                                 List<CompletableFuture<Void>> pending) {
        Map<List<Long>, List<Unverified>> byProducer = new LinkedHashMap<>();
        for (Unverified u : unverified) {
            byProducer.computeIfAbsent(List.of(u.batch().producerId(), (long) u.batch().producerEpoch()),
                    k -> new ArrayList<>()).add(u);
        }
        short version = context.apiVersion();
        boolean addImplicitly = version >= 12 && transactions.config().transactionVersion() >= 2;
        for (List<Unverified> batches : byProducer.values()) {
            RecordBatch batch = batches.get(0).batch();
            Set<TopicPartition> partitions = new HashSet<>();
            batches.forEach(u -> partitions.add(u.tp()));
            pending.add(transactions.whenInTransaction(request.transactionalId(), batch.producerId(), batch.producerEpoch(),
                    partitions, addImplicitly, () -> {
                        List<Attempt> attempts = new ArrayList<>(batches.size());
                        batches.forEach(u -> {
                            attempts.add(tryAppend(u.partition(), u.records()));
                            u.partition().verificationDone(u.batch().producerId());
                        });
                        return CompletableFuture.completedFuture(attempts);
                    }).handle((attempts, error) -> {
                        List<CompletableFuture<Void>> durable = new ArrayList<>();
                        for (int i = 0; i < batches.size(); i++) {
                            Unverified u = batches.get(i);
                            if (error != null) {
                                u.partition().verificationDone(u.batch().producerId());
                                Throwable cause = error instanceof CompletionException && error.getCause() != null
                                        ? error.getCause() : error;
                                fail(u.out(), verificationError(Errors.forException(cause), version), cause.getMessage());
                            } else if (attempts.get(i).failure() != null) {
                                failed(context, u.partition(), attempts.get(i).failure(), u.out());
                            } else {
                                completed(u.tp().topic(), u.records().sizeInBytes(), attempts.get(i).result(), u.out(),
                                        durable);
                            }
                        }
                        return CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new));
                    }).thenCompose(f -> f));
        }
    }

    /** An append attempt's result or failure (the failure is the partition's, not the coordinator's). */
    private record Attempt(AppendResult result, RuntimeException failure) {
    }

    private static Attempt tryAppend(PartitionLog partition, MemoryRecords records) {
        try {
            return new Attempt(partition.append(records.buffer(), true), null);
        } catch (RuntimeException e) {
            return new Attempt(null, e);
        }
    }

    private static RecordBatch firstBatch(MemoryRecords records) {
        try {
            Iterator<? extends RecordBatch> batches = records.batches().iterator();
            return batches.hasNext() ? batches.next() : null;
        } catch (RuntimeException malformed) {
            return null; // the partition's validation reports it
        }
    }

    /**
     * How a failed verification reaches the producer, as Kafka maps it: coordinator trouble becomes
     * NOT_ENOUGH_REPLICAS (retried by every client without a metadata refresh), and errors older Produce
     * versions do not know are replaced by ones they do.
     */
    static Errors verificationError(Errors error, short version) {
        return switch (error) {
            case PRODUCER_FENCED -> Errors.INVALID_PRODUCER_EPOCH;
            case COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, NETWORK_EXCEPTION ->
                    Errors.NOT_ENOUGH_REPLICAS;
            case CONCURRENT_TRANSACTIONS -> version >= 12 ? Errors.CONCURRENT_TRANSACTIONS : Errors.NOT_ENOUGH_REPLICAS;
            case TRANSACTION_ABORTABLE -> version >= 11 ? Errors.TRANSACTION_ABORTABLE : Errors.INVALID_TXN_STATE;
            default -> error;
        };
    }

    private void completed(String topic, long bytes, AppendResult result,
                           ProduceResponseData.PartitionProduceResponse out, List<CompletableFuture<Void>> pending) {
        out.setBaseOffset(result.baseOffset())
                .setLogAppendTimeMs(result.logAppendTimeMs())
                .setLogStartOffset(result.logStartOffset());
        pending.add(result.durable().handle((ok, error) -> {
            if (error != null) {
                out.setBaseOffset(-1).setLogAppendTimeMs(-1);
                fail(out, Errors.KAFKA_STORAGE_ERROR, error.getMessage());
            } else {
                traffic.produced(topic, result.lastOffset() - result.baseOffset() + 1, bytes);
            }
            return null;
        }));
    }

    private static void failed(RequestContext context, PartitionLog partition, RuntimeException e,
                               ProduceResponseData.PartitionProduceResponse out) {
        if (e instanceof RecordErrorsException r) {
            fail(out, r.error(), r.getMessage());
            for (RecordErrorsException.RecordError recordError : r.recordErrors()) {
                out.recordErrors().add(new ProduceResponseData.BatchIndexAndErrorMessage()
                        .setBatchIndex(recordError.batchIndex()).setBatchIndexErrorMessage(recordError.message()));
            }
        } else if (e instanceof ApiException) {
            Errors error = Errors.forException(e);
            if (error == Errors.KAFKA_STORAGE_ERROR) {
                log.error("Produce from {} to {} failed: {}", context.describeClient(), partition.name(), e.getMessage());
            } else if (error == Errors.OUT_OF_ORDER_SEQUENCE_NUMBER) {
                log.debug("Produce from {} to {} refused: {}", context.describeClient(), partition.name(), e.getMessage());
            }
            fail(out, error, e.getMessage());
        } else {
            log.error("Produce from {} to {} failed unexpectedly", context.describeClient(), partition.name(), e);
            fail(out, Errors.UNKNOWN_SERVER_ERROR, e.getMessage());
        }
    }

    private static void fail(ProduceResponseData.PartitionProduceResponse out, Errors error, String message) {
        out.setErrorCode(error.code()).setErrorMessage(message).setBaseOffset(-1).setLogStartOffset(-1);
    }
}

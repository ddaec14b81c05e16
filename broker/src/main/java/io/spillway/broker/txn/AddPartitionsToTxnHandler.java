package io.spillway.broker.txn;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Topics;
import io.spillway.coordinator.txn.TransactionCoordinator;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * AddPartitionsToTxn. v0-3 (producers of transactions version 1): the partitions join the producer's
 * transaction. v4+ (the form brokers use, batched by transaction): with verify_only each partition is checked
 * to be in the transaction (KIP-890 verification), without it the partitions are added (transactions version 2).
 */
public final class AddPartitionsToTxnHandler
        implements ApiHandler<AddPartitionsToTxnRequestData, AddPartitionsToTxnResponseData> {
    private final TransactionCoordinator transactions;
    private final Topics topics;

    public AddPartitionsToTxnHandler(TransactionCoordinator transactions, Topics topics) {
        this.transactions = transactions;
        this.topics = topics;
    }

    @Override
    public CompletableFuture<AddPartitionsToTxnResponseData> handle(RequestContext context,
                                                                   AddPartitionsToTxnRequestData request) {
        if (context.apiVersion() < 4) {
            Set<TopicPartition> partitions = partitions(request.v3AndBelowTopics());
            if (!context.may(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.v3AndBelowTransactionalId())) {
                throw new TransactionalIdAuthorizationException("Not authorized to use transactional id "
                        + request.v3AndBelowTransactionalId());
            }
            for (TopicPartition tp : partitions) {
                if (!context.may(AclOperation.WRITE, ResourceType.TOPIC, tp.topic())) {
                    throw new TopicAuthorizationException("Not authorized to write to topic " + tp.topic());
                }
            }
            return resolve(request.v3AndBelowTransactionalId(), request.v3AndBelowProducerId(),
                    request.v3AndBelowProducerEpoch(), partitions, false, 0)
                    .thenApply(errors -> new AddPartitionsToTxnResponseData()
                            .setResultsByTopicV3AndBelow(topicResults(errors, context.apiVersion())));
        }
        if (!context.mayOnCluster(AclOperation.CLUSTER_ACTION)) { // v4+: sent by brokers only
            throw new ClusterAuthorizationException("AddPartitionsToTxn v4+ is for brokers (CLUSTER_ACTION)");
        }
        List<CompletableFuture<AddPartitionsToTxnResponseData.AddPartitionsToTxnResult>> results = new ArrayList<>();
        for (AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction txn : request.transactions()) {
            results.add(resolve(txn.transactionalId(), txn.producerId(), txn.producerEpoch(), partitions(txn.topics()),
                    txn.verifyOnly(), 2).thenApply(errors -> new AddPartitionsToTxnResponseData.AddPartitionsToTxnResult()
                    .setTransactionalId(txn.transactionalId())
                    .setTopicResults(topicResults(errors, context.apiVersion()))));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            AddPartitionsToTxnResponseData.AddPartitionsToTxnResultCollection all =
                    new AddPartitionsToTxnResponseData.AddPartitionsToTxnResultCollection();
            results.forEach(r -> all.add(r.join()));
            return new AddPartitionsToTxnResponseData().setResultsByTransaction(all);
        });
    }

    private CompletableFuture<Map<TopicPartition, Errors>> resolve(String transactionalId, long producerId, short epoch,
                                                                   Set<TopicPartition> partitions, boolean verifyOnly,
                                                                   int clientTransactionVersion) {
        Map<TopicPartition, Errors> unknown = TransactionPartitions.unknown(topics, partitions);
        if (unknown != null) {
            return CompletableFuture.completedFuture(unknown);
        }
        if (verifyOnly) {
            return transactions.verifyPartitions(transactionalId, producerId, epoch, partitions);
        }
        return transactions.addPartitions(transactionalId, producerId, epoch, partitions, clientTransactionVersion)
                .thenApply(error -> {
                    Map<TopicPartition, Errors> all = new HashMap<>();
                    partitions.forEach(tp -> all.put(tp, error));
                    return all;
                });
    }

    private static Set<TopicPartition> partitions(AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics) {
        Set<TopicPartition> out = new HashSet<>();
        topics.forEach(t -> t.partitions().forEach(p -> out.add(new TopicPartition(t.name(), p))));
        return out;
    }

    private static AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection topicResults(
            Map<TopicPartition, Errors> errors, short version) {
        AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection out =
                new AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection();
        errors.forEach((tp, error) -> {
            AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult topic = out.find(tp.topic());
            if (topic == null) {
                topic = new AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult().setName(tp.topic());
                out.add(topic);
            }
            topic.resultsByPartition().add(new AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult()
                    .setPartitionIndex(tp.partition()).setPartitionErrorCode(compatible(error, version).code()));
        });
        return out;
    }

    /** Errors older versions do not know, as Kafka downgrades them. */
    static Errors compatible(Errors error, short version) {
        if (error == Errors.PRODUCER_FENCED && version < 2) {
            return Errors.INVALID_PRODUCER_EPOCH;
        }
        if (error == Errors.TRANSACTION_ABORTABLE && version < 5) {
            return Errors.INVALID_TXN_STATE;
        }
        return error;
    }
}

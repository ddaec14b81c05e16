package io.spillway.broker.txn;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Topics;
import io.spillway.coordinator.group.CommittedOffset;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.coordinator.txn.TransactionCoordinator;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * TxnOffsetCommit: a producer commits a consumer group's offsets as part of its transaction
 * (sendOffsetsToTransaction). The group coordinator's partition must be in the transaction: added by
 * AddOffsetsToTxn before (v0-4, verified here), or added now (v5+, transactions version 2). The offsets are
 * written as records of the transaction and become the group's committed offsets only with its commit marker.
 * Members are fenced as in Kafka: the generation (classic) or member epoch (consumer protocol) must be current
 * when the producer names the member (v3+).
 */
public final class TxnOffsetCommitHandler implements ApiHandler<TxnOffsetCommitRequestData, TxnOffsetCommitResponseData> {
    private final TransactionCoordinator transactions;
    private final GroupCoordinator groups;
    private final Topics topics;
    private final TopicPartition groupPartition;
    private final io.spillway.common.Time time;

    public TxnOffsetCommitHandler(TransactionCoordinator transactions, GroupCoordinator groups, Topics topics,
                                  TopicPartition groupPartition, io.spillway.common.Time time) {
        this.transactions = transactions;
        this.groups = groups;
        this.topics = topics;
        this.groupPartition = groupPartition;
        this.time = time;
    }

    @Override
    public CompletableFuture<TxnOffsetCommitResponseData> handle(RequestContext context, TxnOffsetCommitRequestData request) {
        if (!context.may(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId())) {
            throw new TransactionalIdAuthorizationException("Not authorized to use transactional id "
                    + request.transactionalId());
        }
        if (!context.may(AclOperation.READ, ResourceType.GROUP, request.groupId())) {
            throw new GroupAuthorizationException("Not authorized to commit offsets of group " + request.groupId());
        }
        short version = context.apiVersion();
        boolean byId = version >= 6;
        long nowMs = time.nowMs();
        Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
        Map<TopicPartition, Errors> errors = new HashMap<>();
        for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic t : request.topics()) {
            TopicMetadata topic = byId ? topics.byId(t.topicId()) : topics.byName(t.name());
            String name = name(t, topic, byId);
            for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition p : t.partitions()) {
                TopicPartition tp = new TopicPartition(name, p.partitionIndex());
                if (!context.may(AclOperation.READ, ResourceType.TOPIC, name)) {
                    errors.put(tp, Errors.TOPIC_AUTHORIZATION_FAILED);
                } else if (topics.partition(topic, p.partitionIndex()) == null) {
                    errors.put(tp, byId && topic == null ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION);
                } else {
                    offsets.put(tp, new CommittedOffset(p.committedOffset(), p.committedLeaderEpoch(),
                            p.committedMetadata() == null ? "" : p.committedMetadata(), nowMs));
                }
            }
        }
        CompletableFuture<Map<TopicPartition, Errors>> committed;
        if (offsets.isEmpty()) {
            committed = CompletableFuture.completedFuture(Map.of());
        } else {
            boolean addImplicitly = version >= 5 && transactions.config().transactionVersion() >= 2;
            committed = transactions.whenInTransaction(request.transactionalId(), request.producerId(),
                            request.producerEpoch(), Set.of(groupPartition), addImplicitly,
                            () -> groups.commitTransactionalOffsets(request.producerId(), request.producerEpoch(),
                                    request.groupId(), request.generationIdOrMemberEpoch(), request.memberId(),
                                    request.groupInstanceId(), version, offsets))
                    .exceptionally(error -> {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        if (!(cause instanceof ApiException)) {
                            throw error instanceof CompletionException c ? c : new CompletionException(error);
                        }
                        Errors verification = verificationError(Errors.forException(cause), version);
                        Map<TopicPartition, Errors> all = new HashMap<>();
                        offsets.keySet().forEach(tp -> all.put(tp, verification));
                        return all;
                    });
        }
        return committed.thenApply(results -> {
            TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
            for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic t : request.topics()) {
                TopicMetadata topic = byId ? topics.byId(t.topicId()) : topics.byName(t.name());
                String name = name(t, topic, byId);
                TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic out =
                        new TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic().setName(t.name()).setTopicId(t.topicId());
                for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition p : t.partitions()) {
                    TopicPartition tp = new TopicPartition(name, p.partitionIndex());
                    Errors error = errors.containsKey(tp) ? errors.get(tp) : results.getOrDefault(tp, Errors.NONE);
                    out.partitions().add(new TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition()
                            .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code()));
                }
                response.topics().add(out);
            }
            return response;
        });
    }

    private static String name(TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic t, TopicMetadata topic, boolean byId) {
        return topic != null ? topic.kafkaName() : (byId ? t.topicId().toString() : t.name());
    }

    /** How a failed check of the transaction reaches a TxnOffsetCommit client (Kafka's mapping by version). */
    private static Errors verificationError(Errors error, short version) {
        if (error == Errors.PRODUCER_FENCED) {
            return Errors.INVALID_PRODUCER_EPOCH;
        }
        if (error == Errors.TRANSACTION_ABORTABLE && version < 4) {
            return Errors.INVALID_TXN_STATE;
        }
        return error;
    }
}

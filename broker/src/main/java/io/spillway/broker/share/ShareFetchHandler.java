package io.spillway.broker.share;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.TopicTraffic;
import io.spillway.broker.Topics;
import io.spillway.broker.fetch.DelayedFetch;
import io.spillway.broker.fetch.FetchPurgatory;
import io.spillway.broker.share.InFlightRecords.AcquiredRange;
import io.spillway.broker.share.ShareAcknowledger.PartitionAcks;
import io.spillway.broker.share.SharePartition.Acquired;
import io.spillway.common.Time;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ShareFetchRequestData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.ShareRequestMetadata;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * ShareFetch (KIP-932): applies the acknowledgements the request carries, then acquires records for the member
 * from the partitions of its share session, waiting up to MaxWaitMs (no thread parked) when none can be acquired
 * now. The response goes out once the acknowledgements' new state is stored.
 */
public final class ShareFetchHandler implements ApiHandler<ShareFetchRequestData, ShareFetchResponseData> {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ShareFetchHandler.class);
    /** Records per fetch when the request names no limit (v0 had none). */
    static final int DEFAULT_MAX_RECORDS = 500;
    /** ShareFetch v2: ShareAcquireMode 1 acquires no more than MaxRecords (record-limit mode). */
    static final byte RECORD_LIMIT_MODE = 1;

    private final Topics topics;
    private final SharePartitions partitions;
    private final ShareSessions sessions;
    private final ShareAcknowledger acknowledger;
    private final FetchPurgatory purgatory;
    private final Executor executor;
    private final Time time;
    private final TopicTraffic traffic;

    public ShareFetchHandler(Topics topics, ShareService service, FetchPurgatory purgatory, Executor executor,
                             Time time) {
        this(topics, service, purgatory, executor, time, TopicTraffic.NONE);
    }

    /** @param traffic told of the records and bytes each response hands out (metrics) */
    public ShareFetchHandler(Topics topics, ShareService service, FetchPurgatory purgatory, Executor executor,
                             Time time, TopicTraffic traffic) {
        this.topics = topics;
        this.partitions = service.partitions();
        this.sessions = service.sessions();
        this.acknowledger = new ShareAcknowledger(partitions);
        this.purgatory = purgatory;
        this.executor = executor;
        this.time = time;
        this.traffic = traffic;
    }

    @Override
    public CompletableFuture<ShareFetchResponseData> handle(RequestContext context, ShareFetchRequestData request) {
        String groupId = request.groupId();
        String memberId = request.memberId();
        if (groupId == null || groupId.isEmpty()) {
            return failed(Errors.INVALID_GROUP_ID, "ShareFetch needs a group id");
        }
        if (memberId == null || memberId.isEmpty()) {
            return failed(Errors.INVALID_REQUEST, "ShareFetch needs the member id the share consumer joined with");
        }
        if (!context.may(AclOperation.READ, ResourceType.GROUP, groupId)) {
            return failed(Errors.GROUP_AUTHORIZATION_FAILED, null);
        }
        boolean renew = context.apiVersion() >= 2 && request.isRenewAck();
        Map<ShareSessions.Partition, ShareTarget> named = new LinkedHashMap<>();
        List<PartitionAcks> acks = new ArrayList<>();
        for (ShareFetchRequestData.FetchTopic topic : request.topics()) {
            for (ShareFetchRequestData.FetchPartition p : topic.partitions()) {
                ShareTarget target = ShareTarget.resolve(context, topics, topic.topicId(), p.partitionIndex());
                named.put(target.partition(), target);
                if (!p.acknowledgementBatches().isEmpty()) {
                    acks.add(new PartitionAcks(target, AckBatches.of(p.acknowledgementBatches())));
                }
            }
        }
        ShareSessions.Key key = new ShareSessions.Key(groupId, memberId);
        int epoch = request.shareSessionEpoch();
        if (log.isDebugEnabled()) {
            log.debug("ShareFetch group '{}' member {} epoch {} acks {} from {}", groupId, memberId, epoch, acks.size(),
                    context.describeClient());
        }
        long now = time.nowMs();
        List<ShareSessions.Partition> forget = new ArrayList<>();
        for (ShareFetchRequestData.ForgottenTopic t : request.forgottenTopicsData()) {
            for (int partition : t.partitions()) {
                forget.add(new ShareSessions.Partition(t.topicId(), partition));
            }
        }
        List<ShareSessions.Partition> ok = named.values().stream().filter(ShareTarget::ok).map(ShareTarget::partition)
                .toList();
        ShareSessions.Step step = sessions.forFetch(key, epoch, ok, forget, !acks.isEmpty(), now);
        if (!step.ok()) {
            return failed(step.error(), step.message());
        }
        ShareSessions.Session session = step.session();
        List<ShareSessions.Partition> forgotten = step.forgotten();
        if (!forgotten.isEmpty()) {
            partitions.releaseHeld(groupId, memberId, forgotten);
        }
        ShareGroupSettings settings = partitions.settings(groupId);
        CompletableFuture<Map<ShareSessions.Partition, Errors>> acked = acknowledger.apply(groupId, memberId, acks, renew);
        if (epoch == ShareRequestMetadata.FINAL_EPOCH) {
            // Closing: acknowledge, give back what the member still holds, forget the session; fetch nothing.
            return acked.thenCompose(ackErrors -> {
                sessions.remove(key);
                return partitions.releaseHeld(groupId, memberId, List.copyOf(session.partitions))
                        .thenApply(v -> response(settings, named, ackErrors, Map.of()));
            });
        }
        int maxRecords = request.maxRecords() > 0 ? request.maxRecords() : DEFAULT_MAX_RECORDS;
        boolean strict = context.apiVersion() >= 2 && request.shareAcquireMode() == RECORD_LIMIT_MODE;
        int maxBytes = request.maxBytes() > 0 ? request.maxBytes() : Integer.MAX_VALUE;
        // The acknowledgements are applied to the in-flight records now (their storing goes on meanwhile), so the
        // acquisition below already sees what they released; the response waits for both, so it never confirms an
        // acknowledgement that is not stored yet.
        List<ShareTarget> targets = new ArrayList<>();
        for (ShareSessions.Partition p : session.partitionsInRoundOrder()) {
            ShareTarget target = named.get(p);
            targets.add(target != null ? target : ShareTarget.resolve(context, topics, p.topicId(), p.partition()));
        }
        long deadlineMs = request.maxWaitMs() > 0 ? now + request.maxWaitMs() : now;
        CompletableFuture<Map<ShareSessions.Partition, Object>> fetched = onWorkers(loadAll(groupId, targets),
                loaded -> acquireOrWait(memberId, loaded, maxRecords, strict, maxBytes, settings, deadlineMs));
        return acked.thenCombine(fetched, (ackErrors, acquired) -> {
            Map<ShareSessions.Partition, Object> results = new LinkedHashMap<>(acquired);
            for (ShareTarget t : targets) {
                if (!t.ok()) {
                    results.put(t.partition(), t.error());
                }
            }
            return response(settings, named, ackErrors, results);
        });
    }

    /**
     * Continues with {@code next} at once when {@code stage} is already complete, else on the workers: a stage
     * completed by a coordinator (a share-partition's first load) must not have the log read on its thread.
     */
    private <T, U> CompletableFuture<U> onWorkers(CompletableFuture<T> stage,
                                                 java.util.function.Function<T, CompletableFuture<U>> next) {
        return stage.isDone() ? stage.thenCompose(next) : stage.thenComposeAsync(next, executor);
    }

    /** A loaded share-partition of the session, or the error its load gave. */
    private record Loaded(ShareTarget target, SharePartition partition, Errors error) {
    }

    private CompletableFuture<List<Loaded>> loadAll(String groupId, List<ShareTarget> targets) {
        List<CompletableFuture<Loaded>> loads = new ArrayList<>();
        for (ShareTarget t : targets) {
            if (!t.ok()) {
                continue;
            }
            loads.add(partitions.get(t.key(groupId), t.topic().kafkaName(), t.log())
                    .thenApply(p -> new Loaded(t, p, Errors.NONE))
                    .exceptionally(error -> new Loaded(t, null, Errors.COORDINATOR_NOT_AVAILABLE)));
        }
        return CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new))
                .thenApply(v -> loads.stream().map(CompletableFuture::join).toList());
    }

    /**
     * Acquires now; when nothing can be acquired and the wait has time left, parks in the purgatory until a
     * partition has records to acquire (new data, or records released) and tries again.
     */
    private CompletableFuture<Map<ShareSessions.Partition, Object>> acquireOrWait(
            String memberId, List<Loaded> loaded, int maxRecords, boolean strict, int maxBytes,
            ShareGroupSettings settings, long deadlineMs) {
        Map<ShareSessions.Partition, Object> now = acquire(memberId, loaded, maxRecords, strict, maxBytes, settings);
        long remaining = deadlineMs - time.nowMs();
        if (!now.isEmpty() || remaining <= 0 || loaded.stream().noneMatch(l -> l.partition() != null)) {
            return CompletableFuture.completedFuture(now);
        }
        CompletableFuture<Map<ShareSessions.Partition, Object>> result = new CompletableFuture<>();
        long[] keys = loaded.stream().filter(l -> l.partition() != null).mapToLong(l -> l.target().log().key())
                .toArray();
        DelayedFetch waiting = new DelayedFetch(keys,
                () -> loaded.stream().anyMatch(l -> l.partition() != null && l.partition().hasAvailable(settings)),
                () -> executor.execute(() -> {
                    try {
                        acquireOrWait(memberId, loaded, maxRecords, strict, maxBytes, settings, deadlineMs)
                                .whenComplete((r, e) -> {
                                    if (e != null) {
                                        result.completeExceptionally(e);
                                    } else {
                                        result.complete(r);
                                    }
                                });
                    } catch (RuntimeException e) {
                        result.completeExceptionally(e);
                    }
                }));
        purgatory.watch(waiting, remaining);
        return result;
    }

    /** One round over the session's partitions until the records or bytes are used up. */
    private Map<ShareSessions.Partition, Object> acquire(String memberId, List<Loaded> loaded, int maxRecords,
                                                                boolean strict, int maxBytes,
                                                                ShareGroupSettings settings) {
        Map<ShareSessions.Partition, Object> results = new LinkedHashMap<>();
        int recordsLeft = maxRecords;
        long bytesLeft = maxBytes;
        for (Loaded l : loaded) {
            if (l.partition() == null) {
                results.put(l.target().partition(), l.error());
                continue;
            }
            if (!l.partition().isUsable()) {
                results.put(l.target().partition(), Errors.FENCED_STATE_EPOCH);
                continue;
            }
            if (recordsLeft <= 0 || bytesLeft <= 0) {
                break;
            }
            Acquired acquired = l.partition().acquire(memberId, recordsLeft, strict, (int) bytesLeft, settings);
            if (!acquired.isEmpty()) {
                traffic.fetched(l.target().topic().kafkaName(), acquired.recordCount(), acquired.records().sizeInBytes());
                results.put(l.target().partition(), acquired);
                recordsLeft -= acquired.recordCount();
                bytesLeft -= acquired.records().sizeInBytes();
            }
        }
        // Errors alone do not end a long poll: only acquired records do.
        boolean anyRecords = results.values().stream().anyMatch(r -> r instanceof Acquired);
        return anyRecords || results.values().stream().anyMatch(r -> r == Errors.FENCED_STATE_EPOCH)
                ? results : Map.of();
    }

    private static ShareFetchResponseData response(ShareGroupSettings settings,
                                                   Map<ShareSessions.Partition, ShareTarget> named,
                                                   Map<ShareSessions.Partition, Errors> ackErrors,
                                                   Map<ShareSessions.Partition, Object> results) {
        Map<ShareSessions.Partition, ShareFetchResponseData.PartitionData> byPartition = new LinkedHashMap<>();
        for (ShareTarget t : named.values()) {
            if (!t.ok()) {
                byPartition.put(t.partition(), partition(t.partition()).setErrorCode(t.error().code()));
            }
        }
        ackErrors.forEach((p, error) -> byPartition.computeIfAbsent(p, ShareFetchHandler::partition)
                .setAcknowledgeErrorCode(error.code()));
        results.forEach((p, result) -> {
            ShareFetchResponseData.PartitionData data = byPartition.computeIfAbsent(p, ShareFetchHandler::partition);
            if (result instanceof Errors error) {
                data.setErrorCode(error.code());
            } else if (result instanceof Acquired acquired) {
                data.setRecords(acquired.records());
                List<ShareFetchResponseData.AcquiredRecords> ranges = new ArrayList<>();
                for (AcquiredRange r : acquired.ranges()) {
                    ranges.add(new ShareFetchResponseData.AcquiredRecords().setFirstOffset(r.firstOffset())
                            .setLastOffset(r.lastOffset()).setDeliveryCount(r.deliveryCount()));
                }
                data.setAcquiredRecords(ranges);
            }
        });
        ShareFetchResponseData response = new ShareFetchResponseData()
                .setAcquisitionLockTimeoutMs(settings.lockDurationMs());
        Map<org.apache.kafka.common.Uuid, ShareFetchResponseData.ShareFetchableTopicResponse> topicsById =
                new LinkedHashMap<>();
        byPartition.forEach((p, data) -> topicsById.computeIfAbsent(p.topicId(), id -> {
            ShareFetchResponseData.ShareFetchableTopicResponse t = new ShareFetchResponseData.ShareFetchableTopicResponse()
                    .setTopicId(id);
            response.responses().add(t);
            return t;
        }).partitions().add(data));
        return response;
    }

    private static ShareFetchResponseData.PartitionData partition(ShareSessions.Partition p) {
        ShareFetchResponseData.PartitionData data = new ShareFetchResponseData.PartitionData()
                .setPartitionIndex(p.partition()).setRecords(MemoryRecords.EMPTY);
        data.currentLeader().setLeaderId(-1).setLeaderEpoch(-1);
        return data;
    }

    private static CompletableFuture<ShareFetchResponseData> failed(Errors error, String message) {
        return CompletableFuture.completedFuture(new ShareFetchResponseData().setErrorCode(error.code())
                .setErrorMessage(message != null ? message : error.message()));
    }
}

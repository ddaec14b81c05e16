package io.spillway.broker.fetch;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.TopicTraffic;
import io.spillway.broker.Topics;
import io.spillway.broker.quota.Quotas;
import io.spillway.common.Time;
import io.spillway.log.AbortedTransaction;
import io.spillway.log.PartitionLog;
import io.spillway.log.PendingRead;
import io.spillway.log.ReadResult;
import io.spillway.storage.StoredSlice;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.record.internal.MemoryRecords;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Fetch: reads each partition up to its high watermark (read_uncommitted) or last stable offset
 * (read_committed, with the aborted transactions in the range read) within the request's byte limits, keeps
 * incremental fetch sessions, and parks the request in the {@link FetchPurgatory} until min_bytes
 * are available or max_wait_ms passes.
 */
public final class FetchHandler implements ApiHandler<FetchRequestData, FetchResponseData> {
    /** Kafka's max.incremental.fetch.session.cache.slots default. */
    public static final int DEFAULT_MAX_SESSIONS = 1000;
    private static final int FINAL_EPOCH = -1;
    private static final int INITIAL_EPOCH = 0;

    private final Topics topics;
    private final FetchSessionCache sessions;
    private final FetchPurgatory purgatory;
    private final Executor executor;
    private final Quotas quotas;
    private final TopicTraffic traffic;

    /**
     * Whether records on disk are answered as {@link StoredRecords} (sent with sendfile, see
     * {@value #ZERO_COPY_SETTING}) rather than read into memory first.
     */
    private final boolean zeroCopy;
    /** Broker setting: answer fetches with zero-copy sends of the shared log's files (default true). */
    public static final String ZERO_COPY_SETTING = "spillway.fetch.zero.copy";

    public FetchHandler(Topics topics, FetchPurgatory purgatory, Executor executor, Time time, int maxSessions,
                        Quotas quotas) {
        this(topics, purgatory, executor, time, maxSessions, quotas, true);
    }

    public FetchHandler(Topics topics, FetchPurgatory purgatory, Executor executor, Time time, int maxSessions,
                        Quotas quotas, boolean zeroCopy) {
        this(topics, purgatory, executor, time, maxSessions, quotas, zeroCopy, TopicTraffic.NONE);
    }

    /** @param traffic told the records and bytes each response gives out per topic (metrics) */
    public FetchHandler(Topics topics, FetchPurgatory purgatory, Executor executor, Time time, int maxSessions,
                        Quotas quotas, boolean zeroCopy, TopicTraffic traffic) {
        this.traffic = traffic;
        this.zeroCopy = zeroCopy;
        this.topics = topics;
        this.quotas = quotas;
        this.purgatory = purgatory;
        this.executor = executor;
        this.sessions = new FetchSessionCache(maxSessions, 120_000, time);
    }

    /** One partition to answer, with what the client asked of it and (in a session) its session state. */
    /** @param refused the principal may not READ the topic: answered TOPIC_AUTHORIZATION_FAILED, nothing read */
    private record Wanted(FetchSession.Key key, TopicMetadata topic, PartitionLog log, long fetchOffset, int maxBytes,
                          int currentLeaderEpoch, FetchSession.Partition state, boolean refused) {
    }

    /** What a request resolved to: the partitions to answer and how. */
    private record Plan(List<Wanted> partitions, FetchSession session, boolean incremental, Errors error) {
        static Plan failed(Errors error) {
            return new Plan(List.of(), null, false, error);
        }
    }

    @Override
    public CompletableFuture<FetchResponseData> handle(RequestContext context, FetchRequestData request) {
        boolean byId = context.apiVersion() >= 13;
        Plan plan = plan(context, request, byId);
        // isolation_level exists from v4; 1 = READ_COMMITTED: read up to the last stable offset only
        boolean readCommitted = context.apiVersion() >= 4 && request.isolationLevel() == 1;
        if (plan.error != null) {
            return CompletableFuture.completedFuture(new FetchResponseData().setErrorCode(plan.error.code()).setSessionId(0));
        }
        // One response holds at most a quota sample's worth of the client's consumer_byte_rate (at least one batch),
        // so the throttle after it stays short and the client's rate smooth.
        int maxBytes = Math.min(context.apiVersion() >= 3 ? request.maxBytes() : Integer.MAX_VALUE,
                quotas.fetchBytesLimit(context));
        if (request.maxWaitMs() <= 0 || request.minBytes() <= 0 || plan.partitions.isEmpty()
                || available(plan, request.minBytes(), readCommitted) >= request.minBytes()) {
            return CompletableFuture.completedFuture(read(context, plan, maxBytes, byId, readCommitted));
        }
        CompletableFuture<FetchResponseData> response = new CompletableFuture<>();
        long[] keys = plan.partitions.stream().filter(w -> w.log != null).mapToLong(w -> w.log.key()).toArray();
        DelayedFetch delayed = new DelayedFetch(keys,
                () -> available(plan, request.minBytes(), readCommitted) >= request.minBytes(),
                () -> executor.execute(() -> {
                    try {
                        response.complete(read(context, plan, maxBytes, byId, readCommitted));
                    } catch (RuntimeException e) {
                        response.completeExceptionally(e);
                    }
                }));
        purgatory.watch(delayed, request.maxWaitMs());
        return response;
    }

    private Plan plan(RequestContext context, FetchRequestData request, boolean byId) {
        short version = context.apiVersion();
        int sessionId = version >= 7 ? request.sessionId() : 0;
        int epoch = version >= 7 ? request.sessionEpoch() : FINAL_EPOCH;
        if (epoch == FINAL_EPOCH || epoch == INITIAL_EPOCH) {
            if (sessionId != 0) {
                sessions.remove(sessionId);
            }
            FetchSession session = epoch == INITIAL_EPOCH ? sessions.create() : null;
            List<Wanted> wanted = new ArrayList<>();
            for (FetchRequestData.FetchTopic t : request.topics()) {
                for (FetchRequestData.FetchPartition p : t.partitions()) {
                    FetchSession.Key key = key(t.topicId(), t.topic(), p.partition(), byId);
                    FetchSession.Partition state = null;
                    if (session != null) {
                        state = new FetchSession.Partition(p.fetchOffset(), p.partitionMaxBytes(), p.currentLeaderEpoch());
                        session.partitions.put(key, state);
                    }
                    wanted.add(resolve(context, key, p.fetchOffset(), p.partitionMaxBytes(), p.currentLeaderEpoch(), state));
                }
            }
            return new Plan(wanted, session, false, null);
        }
        FetchSession session = sessions.get(sessionId);
        if (session == null) {
            return Plan.failed(Errors.FETCH_SESSION_ID_NOT_FOUND);
        }
        synchronized (session) {
            if (session.epoch != epoch) {
                return Plan.failed(Errors.INVALID_FETCH_SESSION_EPOCH);
            }
            for (FetchRequestData.FetchTopic t : request.topics()) {
                for (FetchRequestData.FetchPartition p : t.partitions()) {
                    FetchSession.Key key = key(t.topicId(), t.topic(), p.partition(), byId);
                    FetchSession.Partition state = session.partitions.get(key);
                    if (state == null) {
                        session.partitions.put(key, new FetchSession.Partition(p.fetchOffset(), p.partitionMaxBytes(),
                                p.currentLeaderEpoch()));
                    } else {
                        state.fetchOffset = p.fetchOffset();
                        state.maxBytes = p.partitionMaxBytes();
                        state.currentLeaderEpoch = p.currentLeaderEpoch();
                    }
                }
            }
            for (FetchRequestData.ForgottenTopic t : request.forgottenTopicsData()) {
                for (int partition : t.partitions()) {
                    session.partitions.remove(key(t.topicId(), t.topic(), partition, byId));
                }
            }
            session.epoch = session.epoch == Integer.MAX_VALUE ? 1 : session.epoch + 1;
            List<Wanted> wanted = new ArrayList<>(session.partitions.size());
            session.partitions.forEach((key, state) ->
                    wanted.add(resolve(context, key, state.fetchOffset, state.maxBytes, state.currentLeaderEpoch, state)));
            return new Plan(wanted, session, true, null);
        }
    }

    private static FetchSession.Key key(Uuid topicId, String topicName, int partition, boolean byId) {
        return byId ? new FetchSession.Key(topicId, null, partition) : new FetchSession.Key(Uuid.ZERO_UUID, topicName, partition);
    }

    private Wanted resolve(RequestContext context, FetchSession.Key key, long fetchOffset, int maxBytes, int leaderEpoch,
                           FetchSession.Partition state) {
        TopicMetadata topic = key.topicName() != null ? topics.byName(key.topicName()) : topics.byId(key.topicId());
        String name = topic != null ? topic.kafkaName() : key.topicName();
        boolean refused = name != null && !context.may(AclOperation.READ, ResourceType.TOPIC, name);
        return new Wanted(key, topic, refused ? null : topics.partition(topic, key.partition()), fetchOffset, maxBytes,
                leaderEpoch, state, refused);
    }

    private static long available(Plan plan, long enoughBytes, boolean readCommitted) {
        long total = 0;
        for (Wanted w : plan.partitions) {
            if (w.log != null && total < enoughBytes) {
                total += w.log.bytesAvailable(w.fetchOffset, enoughBytes - total, readCommitted);
            }
        }
        return total;
    }

    private FetchResponseData read(RequestContext context, Plan plan, int maxBytes, boolean byId,
                                   boolean readCommitted) {
        FetchResponseData response = new FetchResponseData().setSessionId(plan.session != null ? plan.session.id : 0);
        int remaining = maxBytes;
        boolean minOneBatch = true;
        FetchResponseData.FetchableTopicResponse current = null;
        // First decide what each partition returns, then read all of it in shared-log order (see PendingRead).
        int n = plan.partitions.size();
        PendingRead[] reads = new PendingRead[n];
        FetchResponseData.PartitionData[] planned = new FetchResponseData.PartitionData[n];
        List<PendingRead> pending = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Wanted w = plan.partitions.get(i);
            planned[i] = planPartition(w, Math.max(0, Math.min(w.maxBytes, remaining)), minOneBatch && remaining > 0,
                    byId, readCommitted, reads, i);
            if (reads[i] != null) {
                pending.add(reads[i]);
                int bytes = reads[i].totalBytes();
                if (bytes > 0) {
                    minOneBatch = false;
                    remaining -= bytes;
                }
            }
        }
        if (zeroCopy) {
            pending.forEach(PendingRead::sliceNow);
        } else {
            PendingRead.readAll(pending);
        }
        long totalBytes = 0;
        Map<String, Long> bytesByStream = new HashMap<>();
        TopicMetadata lastTopic = null;
        long topicBytes = 0;
        long topicRecords = 0;
        for (int i = 0; i < n; i++) {
            planned[i] = reads[i] == null ? planned[i] : complete(planned[i], reads[i]);
            int bytes = planned[i].records() == null ? 0 : planned[i].records().sizeInBytes();
            Wanted w = plan.partitions.get(i);
            if (bytes > 0 && w.topic != null) {
                totalBytes += bytes;
                bytesByStream.merge(w.topic.stream(), (long) bytes, Long::sum);
                // a request lists a topic's partitions together: one call per run of the same topic
                if (w.topic != lastTopic) {
                    if (lastTopic != null) {
                        traffic.fetched(lastTopic.kafkaName(), topicRecords, topicBytes);
                    }
                    lastTopic = w.topic;
                    topicBytes = 0;
                    topicRecords = 0;
                }
                topicBytes += bytes;
                topicRecords += reads[i] == null ? 0 : reads[i].offsetsRead();
            }
        }
        if (lastTopic != null) {
            traffic.fetched(lastTopic.kafkaName(), topicRecords, topicBytes);
        }
        // Over a quota, the records read still go out and the client pauses before its next fetch. (Kafka instead
        // answers such a fetch empty, so the bytes are read again later; at coarse quota windows that wastes most
        // fetches and the client gets well below its quota.)
        context.throttle().atLeast(quotas.recordFetch(context, totalBytes, bytesByStream));
        for (int i = 0; i < n; i++) {
            Wanted w = plan.partitions.get(i);
            FetchResponseData.PartitionData data = planned[i];
            int bytes = data.records() == null ? 0 : data.records().sizeInBytes();
            if (plan.incremental && !changed(w, data, bytes)) {
                continue;
            }
            if (w.state != null) {
                w.state.lastHighWatermark = data.highWatermark();
                w.state.lastLogStartOffset = data.logStartOffset();
            }
            if (current == null || !sameTopic(current, w.key)) {
                current = new FetchResponseData.FetchableTopicResponse()
                        .setTopic(w.key.topicName() != null ? w.key.topicName() : "")
                        .setTopicId(w.key.topicId());
                response.responses().add(current);
            }
            current.partitions().add(data);
        }
        return response;
    }

    private static boolean sameTopic(FetchResponseData.FetchableTopicResponse topic, FetchSession.Key key) {
        return key.topicName() != null ? key.topicName().equals(topic.topic()) : key.topicId().equals(topic.topicId());
    }

    private static boolean changed(Wanted w, FetchResponseData.PartitionData data, int bytes) {
        return bytes > 0 || data.errorCode() != Errors.NONE.code()
                || data.highWatermark() != w.state.lastHighWatermark
                || data.logStartOffset() != w.state.lastLogStartOffset;
    }

    /** The partition's response without records yet; sets {@code reads[i]} when there is something to read. */
    private static FetchResponseData.PartitionData planPartition(Wanted w, int maxBytes, boolean minOneBatch, boolean byId,
                                                                 boolean readCommitted, PendingRead[] reads, int i) {
        FetchResponseData.PartitionData data = new FetchResponseData.PartitionData()
                .setPartitionIndex(w.key.partition())
                .setRecords(MemoryRecords.EMPTY);
        if (w.refused) {
            return failed(data, Errors.TOPIC_AUTHORIZATION_FAILED);
        }
        if (w.log == null) {
            Errors error = byId && w.topic == null ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
            return failed(data, error);
        }
        if (w.currentLeaderEpoch > PartitionLog.LEADER_EPOCH) {
            return failed(data, Errors.UNKNOWN_LEADER_EPOCH);
        }
        try {
            reads[i] = w.log.planRead(w.fetchOffset, maxBytes, minOneBatch, readCommitted);
            return data;
        } catch (ApiException e) {
            return failed(data, Errors.forException(e));
        }
    }

    private static FetchResponseData.PartitionData complete(FetchResponseData.PartitionData data, PendingRead read) {
        try {
            ReadResult result = read.result();
            List<StoredSlice> slices = read.slices();
            data.setHighWatermark(result.highWatermark())
                    .setLastStableOffset(result.lastStableOffset())
                    .setLogStartOffset(result.logStartOffset())
                    .setRecords(slices != null && !slices.isEmpty() ? new StoredRecords(slices)
                            : MemoryRecords.readableRecords(result.records()));
            if (result.abortedTransactions() != null) {
                List<FetchResponseData.AbortedTransaction> aborted = new ArrayList<>();
                for (AbortedTransaction txn : result.abortedTransactions()) {
                    aborted.add(new FetchResponseData.AbortedTransaction().setProducerId(txn.producerId())
                            .setFirstOffset(txn.firstOffset()));
                }
                data.setAbortedTransactions(aborted);
            }
            return data;
        } catch (ApiException e) {
            return failed(data, Errors.forException(e));
        }
    }

    private static FetchResponseData.PartitionData failed(FetchResponseData.PartitionData data, Errors error) {
        return data.setErrorCode(error.code()).setHighWatermark(-1).setLastStableOffset(-1).setLogStartOffset(-1);
    }
}

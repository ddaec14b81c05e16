package io.spillway.broker.quota;

import io.spillway.broker.RequestContext;
import io.spillway.broker.Topics;
import io.spillway.common.Time;
import io.spillway.meta.MetadataStore;
import io.spillway.meta.StreamMetadata;
import org.apache.kafka.common.quota.ClientQuotaEntity;

import java.util.Map;

/**
 * Everything a request is measured against (docs/security.md, "Quotas"): the client quotas of Kafka
 * (producer_byte_rate, consumer_byte_rate, request_percentage, controller_mutation_rate, set with
 * AlterClientQuotas for users and client-ids) and Spillway's per-stream quotas (produce and fetch byte rates shared
 * by every client of the stream, and a storage quota). A rate over its quota is answered as Kafka does: the
 * request is served, the response carries throttle_time_ms and the connection is muted for that long; nothing is
 * dropped. Usage is metered by {@link TokenBuckets}: a client may burst one quota window's worth
 * ({@code quota.window.num} x {@code quota.window.size.seconds}), then gets its quota. Thread safe.
 */
public final class Quotas {
    /** Who shares a client quota's usage (the bound is left out: a changed quota keeps its usage). */
    private record Holder(String user, String clientId) {
        static Holder of(ClientQuotaResolver.Applied applied) {
            return new Holder(applied.user(), applied.clientId());
        }
    }

    private final MetadataStore meta;
    private final Time time;
    private final ClientQuotaResolver resolver;
    private final int sampleMs;
    private final TokenBuckets<Holder> produced;
    private final TokenBuckets<Holder> fetched;
    private final TokenBuckets<Holder> requestTime;
    private final TokenBuckets<Holder> mutations;
    private final TokenBuckets<String> streamProduced;
    private final TokenBuckets<String> streamFetched;
    private final TokenBuckets<String> connectionsByIp;
    private final StreamStorage storage;

    /**
     * @param samples quota.window.num
     * @param sampleMs quota.window.size.seconds in milliseconds
     */
    public Quotas(Topics topics, Time time, int samples, int sampleMs) {
        this.meta = topics.meta();
        this.time = time;
        this.resolver = new ClientQuotaResolver(meta);
        this.sampleMs = sampleMs;
        this.produced = new TokenBuckets<>(samples, sampleMs);
        this.fetched = new TokenBuckets<>(samples, sampleMs);
        this.requestTime = new TokenBuckets<>(samples, sampleMs);
        this.mutations = new TokenBuckets<>(samples, sampleMs);
        this.streamProduced = new TokenBuckets<>(samples, sampleMs);
        this.streamFetched = new TokenBuckets<>(samples, sampleMs);
        this.connectionsByIp = new TokenBuckets<>(samples, sampleMs);
        this.storage = new StreamStorage(topics);
    }

    /**
     * Counts a produce request's bytes against the client's producer_byte_rate and each stream's produce byte rate.
     *
     * @param bytesByStream record bytes per stream path ("" for topics outside streams)
     * @return how long the client is throttled, 0 for not at all
     */
    public long recordProduce(RequestContext context, long bytes, Map<String, Long> bytesByStream) {
        long now = time.nowMs();
        long throttle = record(produced, QuotaKey.PRODUCER_BYTE_RATE, context, bytes, now);
        return Math.max(throttle, recordStreams(streamProduced, StreamMetadata.PRODUCER_BYTE_RATE, bytesByStream, now));
    }

    /** Like {@link #recordProduce} for the bytes of a fetch response (consumer_byte_rate). */
    public long recordFetch(RequestContext context, long bytes, Map<String, Long> bytesByStream) {
        long now = time.nowMs();
        long throttle = record(fetched, QuotaKey.CONSUMER_BYTE_RATE, context, bytes, now);
        return Math.max(throttle, recordStreams(streamFetched, StreamMetadata.CONSUMER_BYTE_RATE, bytesByStream, now));
    }

    /**
     * The most bytes one fetch of this client may return: one quota sample's worth of its consumer_byte_rate, else
     * no limit.
     */
    public int fetchBytesLimit(RequestContext context) {
        ClientQuotaResolver.Applied applied = applied(QuotaKey.CONSUMER_BYTE_RATE, context);
        return applied == null ? Integer.MAX_VALUE
                : (int) Math.max(1, Math.min(Integer.MAX_VALUE, applied.bound() * sampleMs / 1000.0));
    }

    /** Counts the time a request took to handle against the client's request_percentage. */
    public long recordRequestTime(RequestContext context, long nanos) {
        // request_percentage is in percent of one thread: 100 = a whole second of handling per second.
        return record(requestTime, QuotaKey.REQUEST_PERCENTAGE, context, nanos / 1e7, time.nowMs());
    }

    /**
     * Whether a topic creation or deletion must be refused with THROTTLING_QUOTA_EXCEEDED because the client is over
     * its controller_mutation_rate. As Kafka (KIP-599): only versions that know the error are refused (CreateTopics
     * v6+, CreatePartitions v3+, DeleteTopics v5+; the Java admin client waits and retries); older ones are served
     * and throttled. A refused request is throttled for the time the client must wait.
     */
    public boolean mutationRefused(RequestContext context) {
        ClientQuotaResolver.Applied applied = applied(QuotaKey.CONTROLLER_MUTATION_RATE, context);
        if (applied == null || !knowsQuotaError(context)) {
            return false;
        }
        long wait = mutations.throttleMs(Holder.of(applied), applied.bound(), time.nowMs());
        context.throttle().atLeast(wait);
        return wait > 0;
    }

    /** Counts partitions created or deleted against controller_mutation_rate, throttling the client for any debt. */
    public void recordMutations(RequestContext context, int partitions) {
        ClientQuotaResolver.Applied applied = applied(QuotaKey.CONTROLLER_MUTATION_RATE, context);
        if (applied != null && partitions > 0) {
            context.throttle().atLeast(mutations.record(Holder.of(applied), partitions,
                    applied.bound(), time.nowMs()));
        }
    }

    private static boolean knowsQuotaError(RequestContext context) {
        short version = context.apiVersion();
        return switch (context.apiKey()) {
            case CREATE_TOPICS -> version >= 6;
            case CREATE_PARTITIONS -> version >= 3;
            case DELETE_TOPICS -> version >= 5;
            default -> false;
        };
    }

    /** The message of THROTTLING_QUOTA_EXCEEDED for a refused topic. */
    public static String mutationRefusal(RequestContext context, String topic) {
        return "Not creating or deleting partitions of '" + topic + "': " + context.describeClient() + " is over its "
                + QuotaKey.CONTROLLER_MUTATION_RATE.key() + " quota; retry after the throttle time";
    }

    /**
     * Why a stream takes no more records (its {@value StreamMetadata#STORAGE_QUOTA} is reached), or null when it
     * does.
     */
    public String storageRefusal(String stream) {
        StreamMetadata metadata = stream.isEmpty() ? null : meta.stream(stream);
        String quota = metadata == null ? null : metadata.configs().get(StreamMetadata.STORAGE_QUOTA);
        if (quota == null) {
            return null;
        }
        long limit = Long.parseLong(quota.trim());
        long used = storage.bytes(stream, time.nowMs());
        return used < limit ? null : "Stream " + stream + " holds " + used + " bytes, at its storage quota of " + limit
                + " (" + StreamMetadata.STORAGE_QUOTA + "); delete records or topics, shorten retention, or raise the"
                + " quota";
    }

    /**
     * Counts a new connection from an IP address against its connection_creation_rate (set for that ip, else for
     * the default ip); false when the address is over it and the connection is to be closed.
     */
    public boolean connectionAllowed(java.net.InetAddress address) {
        String ip = address.getHostAddress();
        Double rate = meta.clientQuotas(new ClientQuotaEntity(Map.of(ClientQuotaEntity.IP, ip)))
                .get(QuotaKey.CONNECTION_CREATION_RATE.key());
        if (rate == null) {
            rate = meta.clientQuotas(new ClientQuotaEntity(java.util.Collections.singletonMap(ClientQuotaEntity.IP,
                    null))).get(QuotaKey.CONNECTION_CREATION_RATE.key());
        }
        return rate == null || connectionsByIp.record(ip, 1, rate, time.nowMs()) == 0;
    }

    private long record(TokenBuckets<Holder> meters, QuotaKey key, RequestContext context, double value, long now) {
        ClientQuotaResolver.Applied applied = applied(key, context);
        if (applied == null) {
            return 0;
        }
        return meters.record(Holder.of(applied), value, applied.bound(), now);
    }

    private long recordStreams(TokenBuckets<String> meters, String setting, Map<String, Long> bytesByStream, long now) {
        long throttle = 0;
        for (Map.Entry<String, Long> e : bytesByStream.entrySet()) {
            StreamMetadata stream = e.getKey().isEmpty() ? null : meta.stream(e.getKey());
            String bound = stream == null ? null : stream.configs().get(setting);
            if (bound != null) {
                throttle = Math.max(throttle, meters.record(e.getKey(), e.getValue(),
                        Long.parseLong(bound.trim()), now));
            }
        }
        return throttle;
    }

    private ClientQuotaResolver.Applied applied(QuotaKey key, RequestContext context) {
        return resolver.resolve(key, context.principal().getName(), context.clientId() == null ? ""
                : context.clientId());
    }
}

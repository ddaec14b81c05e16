package io.spillway.broker.handler;

import io.spillway.broker.ApiDispatcher;
import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/**
 * ApiVersions: the APIs and version ranges this broker serves, and (v3+) its features. The one feature
 * clients act on is {@code transaction.version} (KIP-890): finalized at 2, as Kafka 4.4 sets it on a new cluster,
 * producers add partitions to transactions implicitly and bump the epoch on every EndTxn; at 0 or 1 they use
 * AddPartitionsToTxn and AddOffsetsToTxn. (A request in a version newer than we know is answered by the
 * protocol layer with the v0 fallback, before it gets here.)
 */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequestData, ApiVersionsResponseData> {
    /** Kafka's feature name. */
    public static final String TRANSACTION_VERSION = "transaction.version";
    /**
     * Kafka's feature that switches share groups (KIP-932) on; finalized at 2 (renewable locks, record-limit
     * acquisition), as Kafka 4.4 sets it on a new cluster, since Spillway always serves them.
     */
    public static final String SHARE_VERSION = "share.version";
    /** The features never change while the broker runs, so their epoch does not either. */
    static final long FINALIZED_FEATURES_EPOCH = 1;

    private final ApiDispatcher dispatcher;
    private final short transactionVersion;

    public ApiVersionsHandler(ApiDispatcher dispatcher, short transactionVersion) {
        this.dispatcher = dispatcher;
        this.transactionVersion = transactionVersion;
    }

    @Override
    public CompletableFuture<ApiVersionsResponseData> handle(RequestContext context, ApiVersionsRequestData request) {
        ApiVersionsResponseData response = response(dispatcher, Errors.NONE);
        ApiVersionsResponseData.SupportedFeatureKeyCollection supported =
                new ApiVersionsResponseData.SupportedFeatureKeyCollection();
        supported.add(new ApiVersionsResponseData.SupportedFeatureKey().setName(TRANSACTION_VERSION)
                .setMinVersion((short) 0).setMaxVersion((short) 2));
        supported.add(new ApiVersionsResponseData.SupportedFeatureKey().setName(SHARE_VERSION)
                .setMinVersion((short) 0).setMaxVersion((short) 2));
        ApiVersionsResponseData.FinalizedFeatureKeyCollection finalized =
                new ApiVersionsResponseData.FinalizedFeatureKeyCollection();
        if (transactionVersion > 0) {
            // Kafka leaves a feature at level 0 out of the finalized list.
            finalized.add(new ApiVersionsResponseData.FinalizedFeatureKey().setName(TRANSACTION_VERSION)
                    .setMinVersionLevel(transactionVersion).setMaxVersionLevel(transactionVersion));
        }
        finalized.add(new ApiVersionsResponseData.FinalizedFeatureKey().setName(SHARE_VERSION)
                .setMinVersionLevel((short) 2).setMaxVersionLevel((short) 2));
        return CompletableFuture.completedFuture(response.setSupportedFeatures(supported)
                .setFinalizedFeaturesEpoch(FINALIZED_FEATURES_EPOCH).setFinalizedFeatures(finalized));
    }

    /** The response listing our versions, also used for the unsupported-version fallback. */
    public static ApiVersionsResponseData response(ApiDispatcher dispatcher, Errors error) {
        ApiVersionsResponseData response = new ApiVersionsResponseData().setErrorCode(error.code());
        ApiVersionsResponseData.ApiVersionCollection keys = new ApiVersionsResponseData.ApiVersionCollection();
        dispatcher.versions().forEach(v -> keys.add(v.duplicate()));
        response.setApiKeys(keys);
        return response;
    }
}

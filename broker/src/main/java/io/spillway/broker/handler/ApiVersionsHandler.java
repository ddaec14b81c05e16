package io.spillway.broker.handler;

import io.spillway.broker.ApiDispatcher;
import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/**
 * ApiVersions: the APIs and version ranges this broker serves. (A request in a version newer than
 * we know is answered by the protocol layer with the v0 fallback, before it gets here.)
 */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequestData, ApiVersionsResponseData> {
    private final ApiDispatcher dispatcher;

    public ApiVersionsHandler(ApiDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public CompletableFuture<ApiVersionsResponseData> handle(RequestContext context, ApiVersionsRequestData request) {
        return CompletableFuture.completedFuture(response(dispatcher, Errors.NONE));
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

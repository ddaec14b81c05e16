package io.spillway.broker;

import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The dispatcher tells its RequestMetrics about every request once it is answered, failed ones marked. */
class ApiDispatcherMetricsTest {
    private record Seen(ApiKeys api, long nanos, boolean failed) {
    }

    private static RequestContext context() {
        return new RequestContext(ApiKeys.API_VERSIONS, (short) 3, 1, "test", "127.0.0.1:1", 1);
    }

    private static ApiVersionsRequest request() {
        return new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3);
    }

    @Test
    void answeredAndFailedRequestsAreReportedWhenTheyComplete() {
        List<Seen> seen = new ArrayList<>();
        CompletableFuture<ApiVersionsResponseData> pending = new CompletableFuture<>();
        ApiDispatcher dispatcher = new ApiDispatcher().withRequestMetrics((api, nanos, failed) ->
                seen.add(new Seen(api, nanos, failed)));
        dispatcher.register(ApiKeys.API_VERSIONS, (ApiHandler<ApiVersionsRequestData, ApiVersionsResponseData>)
                (context, data) -> pending);
        CompletableFuture<?> response = dispatcher.dispatch(context(), request());
        assertThat(seen).isEmpty(); // not answered yet
        pending.complete(new ApiVersionsResponseData());
        assertThat(response).isCompleted();
        assertThat(seen).singleElement().satisfies(s -> {
            assertThat(s.api()).isEqualTo(ApiKeys.API_VERSIONS);
            assertThat(s.nanos()).isNotNegative();
            assertThat(s.failed()).isFalse();
        });

        dispatcher.register(ApiKeys.API_VERSIONS, (ApiHandler<ApiVersionsRequestData, ApiVersionsResponseData>)
                (context, data) -> {
                    throw new IllegalStateException("handler bug");
                });
        dispatcher.dispatch(context(), request()).join();
        assertThat(seen).hasSize(2);
        assertThat(seen.get(1).failed()).isTrue();
    }
}

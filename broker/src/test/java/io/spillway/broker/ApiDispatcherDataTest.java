package io.spillway.broker;

import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ApiDispatcher#dispatch(RequestContext, ApiMessage)}, the in-process entry the REST API uses: the handler gets
 * the request as the Kafka listener would parse it at the context's version, and failures become the API's error
 * response as on the wire.
 */
class ApiDispatcherDataTest {
    private static RequestContext context(short version) {
        return new RequestContext(ApiKeys.CREATE_TOPICS, version, 1, "rest", "127.0.0.1", -1);
    }

    private static CreateTopicsRequestData request() {
        CreateTopicsRequestData.CreatableTopicCollection topics = new CreateTopicsRequestData.CreatableTopicCollection();
        topics.add(new CreateTopicsRequestData.CreatableTopic().setName("t").setNumPartitions(3)
                .setReplicationFactor((short) -1));
        return new CreateTopicsRequestData().setTopics(topics).setTimeoutMs(1000);
    }

    @Test
    void theHandlerSeesTheRequestAsParsedAtTheContextsVersion() {
        AtomicReference<CreateTopicsRequestData> seen = new AtomicReference<>();
        ApiDispatcher dispatcher = new ApiDispatcher().register(ApiKeys.CREATE_TOPICS,
                (ApiHandler<CreateTopicsRequestData, CreateTopicsResponseData>) (context, data) -> {
                    seen.set(data);
                    return java.util.concurrent.CompletableFuture.completedFuture(new CreateTopicsResponseData());
                });
        short latest = dispatcher.latestVersion(ApiKeys.CREATE_TOPICS);
        assertThat(latest).isEqualTo(ApiKeys.CREATE_TOPICS.latestVersion());
        assertThat(dispatcher.latestVersion(ApiKeys.FETCH)).isEqualTo((short) -1);
        CreateTopicsRequestData sent = request();
        assertThat(dispatcher.dispatch(context(latest), sent).join()).isInstanceOf(CreateTopicsResponseData.class);
        assertThat(seen.get()).isEqualTo(sent).isNotSameAs(sent);
    }

    @Test
    void aFailingHandlerGivesTheApisErrorResponse() {
        ApiDispatcher dispatcher = new ApiDispatcher().register(ApiKeys.CREATE_TOPICS,
                (ApiHandler<CreateTopicsRequestData, CreateTopicsResponseData>) (context, data) -> {
                    throw new IllegalStateException("bug");
                });
        CreateTopicsResponseData response = (CreateTopicsResponseData) dispatcher.dispatch(
                context(ApiKeys.CREATE_TOPICS.latestVersion()), request()).join();
        assertThat(response.topics().find("t").errorCode()).isEqualTo(Errors.UNKNOWN_SERVER_ERROR.code());
    }

    @Test
    void dataOfAnotherApiIsRefused() {
        assertThatThrownBy(() -> new ApiDispatcher().dispatch(context((short) 7), new MetadataRequestData()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CREATE_TOPICS");
    }
}

package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Streams;
import io.spillway.broker.Topics;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.broker.config.BrokerSettings;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.requests.ApiError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * AlterConfigs (the legacy API): each TOPIC, GROUP or BROKER resource gets exactly the overrides the
 * request lists, every override not listed is removed. A resource is checked and stored on its
 * own, so one bad resource does not stop the others; {@code validate_only} checks everything and
 * stores nothing. BROKER_LOGGER is not supported by this API in Kafka either (INVALID_REQUEST).
 */
public final class AlterConfigsHandler implements ApiHandler<AlterConfigsRequestData, AlterConfigsResponseData> {
    private final ConfigOverrides overrides;

    public AlterConfigsHandler(Topics topics, BrokerSettings settings, Streams streams, GroupCoordinator groups) {
        this.overrides = new ConfigOverrides(topics, settings, streams, groups);
    }

    @Override
    public CompletableFuture<AlterConfigsResponseData> handle(RequestContext context, AlterConfigsRequestData request) {
        Set<AlterConfigsResource> duplicates = ConfigOverrides.duplicates(request.resources(),
                r -> Arrays.asList(r.resourceType(), r.resourceName()));
        AlterConfigsResponseData response = new AlterConfigsResponseData();
        for (AlterConfigsResource resource : request.resources()) {
            ApiError refused = ConfigOverrides.refusal(context, resource.resourceType(), resource.resourceName(), true);
            ApiError error = duplicates.contains(resource)
                    ? ConfigOverrides.duplicateResource(resource.resourceType(), resource.resourceName())
                    : refused != null ? refused : alter(context, resource, request.validateOnly());
            response.responses().add(new AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName())
                    .setErrorCode(error.error().code())
                    .setErrorMessage(error.isFailure() ? error.message() : null));
        }
        return CompletableFuture.completedFuture(response);
    }

    private ApiError alter(RequestContext context, AlterConfigsResource resource, boolean validateOnly) {
        List<String> names = new ArrayList<>();
        List<String> nullValues = new ArrayList<>();
        Map<String, String> replacement = new LinkedHashMap<>();
        for (AlterableConfig config : resource.configs()) {
            names.add(config.name());
            if (config.value() == null) {
                nullValues.add(config.name());
            }
            replacement.put(config.name(), config.value());
        }
        try {
            ConfigOverrides.checkEntries(names, nullValues);
        } catch (ApiException e) {
            return ApiError.fromThrowable(e);
        }
        return overrides.alter(context, resource.resourceType(), resource.resourceName(), current -> replacement, validateOnly);
    }
}

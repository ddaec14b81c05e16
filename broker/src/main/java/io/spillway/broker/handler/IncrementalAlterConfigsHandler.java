package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Streams;
import io.spillway.broker.Topics;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.broker.config.BrokerSettings;
import io.spillway.meta.config.ConfigKey;
import io.spillway.meta.config.ConfigType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.requests.ApiError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * IncrementalAlterConfigs: SET, DELETE, APPEND or SUBTRACT single configs of a TOPIC, GROUP or BROKER
 * resource, leaving the others as they are. APPEND and SUBTRACT work on LIST configs only and
 * start from the config's default when it has no override. A resource is checked and stored on
 * its own; {@code validate_only} checks everything and stores nothing.
 *
 * <p>BROKER_LOGGER resources are answered as Kafka answers them when it has no log4j to change
 * (its NoOp logging controller): this broker exposes no loggers, so SET and DELETE of a logger
 * fail with INVALID_CONFIG and APPEND/SUBTRACT with INVALID_REQUEST.
 */
public final class IncrementalAlterConfigsHandler
        implements ApiHandler<IncrementalAlterConfigsRequestData, IncrementalAlterConfigsResponseData> {

    /** The operations, by their wire id (the ordinal). */
    private enum Op { SET, DELETE, APPEND, SUBTRACT }

    private final ConfigOverrides overrides;
    private final BrokerSettings settings;

    public IncrementalAlterConfigsHandler(Topics topics, BrokerSettings settings, Streams streams,
                                          GroupCoordinator groups) {
        this.overrides = new ConfigOverrides(topics, settings, streams, groups);
        this.settings = settings;
    }

    @Override
    public CompletableFuture<IncrementalAlterConfigsResponseData> handle(RequestContext context,
                                                                        IncrementalAlterConfigsRequestData request) {
        Set<AlterConfigsResource> duplicates = ConfigOverrides.duplicates(request.resources(),
                r -> Arrays.asList(r.resourceType(), r.resourceName()));
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
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
        ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
        try {
            List<String> names = new ArrayList<>();
            List<String> nullValues = new ArrayList<>();
            for (AlterableConfig config : resource.configs()) {
                names.add(config.name());
                if (config.configOperation() != Op.DELETE.ordinal() && config.value() == null) {
                    nullValues.add(config.name());
                }
            }
            ConfigOverrides.checkEntries(names, nullValues);
            if (type == ConfigResource.Type.BROKER_LOGGER) {
                checkLoggerChanges(resource);
                return ApiError.NONE;
            }
        } catch (ApiException e) {
            return ApiError.fromThrowable(e);
        }
        return overrides.alter(context, resource.resourceType(), resource.resourceName(),
                current -> apply(type, resource.configs(), current), validateOnly);
    }

    private static Map<String, String> apply(ConfigResource.Type type, Collection<AlterableConfig> ops,
                                             Map<String, String> current) {
        Map<String, String> updated = new TreeMap<>(current);
        for (AlterableConfig config : ops) {
            switch (op(config)) {
                case SET -> updated.put(config.name(), config.value());
                case DELETE -> updated.remove(config.name());
                case APPEND, SUBTRACT -> updated.put(config.name(), changeList(type, config, updated.get(config.name())));
            }
        }
        return updated;
    }

    /** APPEND adds the elements not yet present; SUBTRACT removes one occurrence of each given element. */
    private static String changeList(ConfigResource.Type type, AlterableConfig config, String currentValue) {
        Op op = op(config);
        Optional<ConfigKey> key = ConfigOverrides.key(type, config.name());
        String kind = type == ConfigResource.Type.TOPIC ? "topic"
                : type == ConfigResource.Type.GROUP ? "group" : "broker";
        if (key.isEmpty()) {
            throw new InvalidConfigurationException("Cannot " + op + " to config " + config.name()
                    + ": it is not a known " + kind + " config, and only LIST-type configs support APPEND and SUBTRACT");
        }
        if (key.get().type() != ConfigType.LIST) {
            throw new InvalidConfigurationException("Cannot " + op + " to config " + config.name() + " because its type is "
                    + key.get().type() + ", not LIST; use SET to change it");
        }
        List<String> elements = split(currentValue != null ? currentValue : key.get().defaultValue());
        for (String element : split(config.value())) {
            if (op == Op.APPEND && !elements.contains(element)) {
                elements.add(element);
            } else if (op == Op.SUBTRACT) {
                elements.remove(element);
            }
        }
        return String.join(",", elements);
    }

    private static List<String> split(String list) {
        List<String> elements = new ArrayList<>();
        if (list != null) {
            for (String element : list.split(",")) {
                if (!element.isBlank()) {
                    elements.add(element.trim());
                }
            }
        }
        return elements;
    }

    private static Op op(AlterableConfig config) {
        byte id = config.configOperation();
        if (id < 0 || id >= Op.values().length) {
            throw new InvalidRequestException("Unknown operation type " + id + " for config " + config.name()
                    + "; expected 0 (SET), 1 (DELETE), 2 (APPEND) or 3 (SUBTRACT)");
        }
        return Op.values()[id];
    }

    /** Kafka's checks of log level changes, against a broker that exposes no loggers. */
    private void checkLoggerChanges(AlterConfigsResource resource) {
        String name = resource.resourceName();
        int id;
        try {
            id = Integer.parseInt(name);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Node id must be an integer, but it is: " + name);
        }
        if (id != settings.nodeId()) {
            throw new InvalidRequestException("Unexpected node id, expected " + settings.nodeId()
                    + " (this broker), but received " + name);
        }
        for (AlterableConfig config : resource.configs()) {
            Op op = op(config);
            if (op == Op.APPEND || op == Op.SUBTRACT) {
                throw new InvalidRequestException(op + " operation is not allowed for the BROKER_LOGGER resource");
            }
            // SET and DELETE name a logger, and this broker has none to offer.
            throw new InvalidConfigurationException("Logger " + config.name() + " does not exist: this broker "
                    + "does not expose its loggers for runtime log level changes");
        }
    }
}

package io.spillway.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.broker.RequestContext;
import io.spillway.broker.Streams;
import io.spillway.broker.auth.Authorizer;
import io.spillway.broker.config.ConfigSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GROUP resources in DescribeConfigs, IncrementalAlterConfigs and AlterConfigs at the handler level: sources and
 * synonyms, the errors of bad requests, broker bounds from the static config, and the ACLs on the group resource.
 */
class GroupConfigsHandlersTest {
    private static final byte GROUP = ConfigResource.Type.GROUP.id();
    private static final byte SET = 0;
    private static final byte DELETE = 1;
    private static final byte APPEND = 2;

    @TempDir
    Path dir;

    private ConfigsFixture broker;

    @BeforeEach
    void start() {
        broker = new ConfigsFixture(dir, Map.of("group.share.max.delivery.count.limit", "20"));
    }

    @AfterEach
    void close() throws Exception {
        broker.close();
    }

    /** Only DESCRIBE_CONFIGS and ALTER_CONFIGS on group "mine" (and nothing on topics or the cluster). */
    private static final Authorizer ONLY_MINE = new Authorizer() {
        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public boolean authorize(RequestContext context, AclOperation operation, ResourceType resourceType,
                                 String resourceName) {
            return resourceType == ResourceType.GROUP && resourceName.equals("mine")
                    && (operation == AclOperation.DESCRIBE_CONFIGS || operation == AclOperation.ALTER_CONFIGS);
        }
    };

    private static RequestContext context(ApiKeys api, int version, Authorizer authorizer) {
        return new RequestContext(api, (short) version, 1, "test", "127.0.0.1:1", 1, RequestContext.DEFAULT_LISTENER,
                SecurityProtocol.PLAINTEXT, new KafkaPrincipal("User", "alice"), authorizer,
                new io.spillway.broker.Throttle());
    }

    private List<AlterConfigsResourceResponse> alter(Authorizer authorizer, boolean validateOnly, String group,
                                                     AlterableConfig... ops) {
        AlterConfigsResource resource = new AlterConfigsResource().setResourceType(GROUP).setResourceName(group);
        resource.configs().addAll(List.of(ops));
        IncrementalAlterConfigsRequestData request = new IncrementalAlterConfigsRequestData()
                .setValidateOnly(validateOnly);
        request.resources().add(resource);
        return new IncrementalAlterConfigsHandler(broker.topics, broker.settings,
                new Streams(broker.topics, broker.settings), null)
                .handle(context(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 1, authorizer), request).join().responses();
    }

    private static AlterableConfig op(byte operation, String name, String value) {
        return new AlterableConfig().setConfigOperation(operation).setName(name).setValue(value);
    }

    private DescribeConfigsResult describe(Authorizer authorizer, String group, String... keys) {
        DescribeConfigsRequestData request = new DescribeConfigsRequestData().setIncludeSynonyms(true)
                .setIncludeDocumentation(true);
        request.resources().add(new DescribeConfigsResource().setResourceType(GROUP).setResourceName(group)
                .setConfigurationKeys(keys.length == 0 ? null : List.of(keys)));
        return new DescribeConfigsHandler(broker.topics, broker.settings, new Streams(broker.topics, broker.settings))
                .handle(context(ApiKeys.DESCRIBE_CONFIGS, 4, authorizer), request).join().results().get(0);
    }

    private static DescribeConfigsResourceResult entry(DescribeConfigsResult result, String name) {
        return result.configs().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void describesDefaultsWithBrokerSynonymsAndOverridesAsGroupConfig() {
        DescribeConfigsResult defaults = describe(Authorizer.ALLOW_ALL, "g");
        assertThat(defaults.errorCode()).isEqualTo(Errors.NONE.code());
        DescribeConfigsResourceResult limit = entry(defaults, "share.delivery.count.limit");
        assertThat(limit.value()).isEqualTo("5");
        assertThat(limit.configSource()).isEqualTo(ConfigSource.DEFAULT_CONFIG.id);
        assertThat(limit.readOnly()).isFalse();
        assertThat(limit.synonyms()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("group.share.delivery.count.limit");
            assertThat(s.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG.id);
        });
        DescribeConfigsResourceResult reset = entry(defaults, "share.auto.offset.reset");
        assertThat(reset.synonyms()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("share.auto.offset.reset");
            assertThat(s.value()).isEqualTo("latest");
        });
        assertThat(entry(defaults, "streams.assignor.name").value()).isNull();

        assertThat(alter(Authorizer.ALLOW_ALL, false, "g", op(SET, "share.delivery.count.limit", "15"),
                op(SET, "streams.acceptable.recovery.lag", "5")))
                .singleElement().satisfies(r -> assertThat(r.errorCode()).isEqualTo(Errors.NONE.code()));
        DescribeConfigsResult set = describe(Authorizer.ALLOW_ALL, "g", "share.delivery.count.limit",
                "streams.acceptable.recovery.lag");
        assertThat(set.configs()).extracting(DescribeConfigsResourceResult::name)
                .containsExactly("share.delivery.count.limit", "streams.acceptable.recovery.lag");
        assertThat(entry(set, "share.delivery.count.limit").configSource()).isEqualTo(ConfigSource.GROUP_CONFIG.id);
        assertThat(entry(set, "share.delivery.count.limit").synonyms()).extracting(s -> s.source())
                .containsExactly(ConfigSource.GROUP_CONFIG.id, ConfigSource.DEFAULT_CONFIG.id);
        assertThat(broker.meta.groupConfigs("g"))
                .isEqualTo(Map.of("share.delivery.count.limit", "15", "streams.acceptable.recovery.lag", "5"));

        alter(Authorizer.ALLOW_ALL, false, "g", op(DELETE, "share.delivery.count.limit", null),
                op(DELETE, "streams.acceptable.recovery.lag", null));
        assertThat(broker.meta.groupConfigs("g")).isEmpty();
    }

    @Test
    void badRequestsAndValues() {
        assertThat(describe(Authorizer.ALLOW_ALL, "").errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(alter(Authorizer.ALLOW_ALL, false, "", op(SET, "consumer.session.timeout.ms", "50000")).get(0)
                .errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        AlterConfigsResourceResponse append = alter(Authorizer.ALLOW_ALL, false, "g",
                op(APPEND, "consumer.session.timeout.ms", "50000")).get(0);
        assertThat(append.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        // the broker's static bound is used: 20 is allowed here, 21 is not
        assertThat(alter(Authorizer.ALLOW_ALL, true, "g", op(SET, "share.delivery.count.limit", "20")).get(0)
                .errorCode()).isEqualTo(Errors.NONE.code());
        AlterConfigsResourceResponse tooMany = alter(Authorizer.ALLOW_ALL, false, "g",
                op(SET, "share.delivery.count.limit", "21")).get(0);
        assertThat(tooMany.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(tooMany.errorMessage()).contains("share.delivery.count.limit must be in the range 2 to 20 inclusive");
        assertThat(broker.meta.groupConfigs("g")).isEmpty();
    }

    @Test
    void legacyAlterConfigsReplacesTheGroupsOverrides() {
        alter(Authorizer.ALLOW_ALL, false, "g", op(SET, "share.isolation.level", "read_committed"));
        AlterConfigsRequestData request = new AlterConfigsRequestData();
        AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
                .setResourceType(GROUP).setResourceName("g");
        resource.configs().add(new AlterConfigsRequestData.AlterableConfig().setName("share.renew.acknowledge.enable")
                .setValue("false"));
        request.resources().add(resource);
        AlterConfigsResponseData response = new AlterConfigsHandler(broker.topics, broker.settings,
                new Streams(broker.topics, broker.settings), null)
                .handle(ConfigsFixture.context(ApiKeys.ALTER_CONFIGS, 2), request).join();
        assertThat(response.responses().get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(broker.meta.groupConfigs("g")).isEqualTo(Map.of("share.renew.acknowledge.enable", "false"));
    }

    @Test
    void aclsAreCheckedOnTheGroupResource() {
        assertThat(describe(ONLY_MINE, "mine").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(describe(ONLY_MINE, "theirs").errorCode()).isEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.code());
        assertThat(alter(ONLY_MINE, false, "mine", op(SET, "share.delivery.count.limit", "3")).get(0).errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(alter(ONLY_MINE, false, "theirs", op(SET, "share.delivery.count.limit", "3")).get(0).errorCode())
                .isEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.code());
        assertThat(broker.meta.groupConfigs("theirs")).isEmpty();
    }
}

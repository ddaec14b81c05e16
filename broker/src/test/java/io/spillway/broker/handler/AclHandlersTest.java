package io.spillway.broker.handler;

import io.spillway.broker.RequestContext;
import io.spillway.broker.auth.AclAuthorizer;
import io.spillway.broker.auth.Authorizer;
import io.spillway.common.ManualTime;
import io.spillway.meta.MetadataStore;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.CreateAclsRequestData.AclCreation;
import org.apache.kafka.common.message.CreateAclsResponseData.AclCreationResult;
import org.apache.kafka.common.message.DeleteAclsRequestData;
import org.apache.kafka.common.message.DeleteAclsRequestData.DeleteAclsFilter;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.message.DeleteAclsResponseData.DeleteAclsFilterResult;
import org.apache.kafka.common.message.DeleteAclsResponseData.DeleteAclsMatchingAcl;
import org.apache.kafka.common.message.DescribeAclsRequestData;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.message.DescribeAclsResponseData.AclDescription;
import org.apache.kafka.common.message.DescribeAclsResponseData.DescribeAclsResource;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.spillway.broker.auth.AclFixtures.acl;
import static io.spillway.broker.auth.AclFixtures.allow;
import static io.spillway.broker.auth.AclFixtures.context;
import static org.apache.kafka.common.acl.AclOperation.ALTER;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.apache.kafka.common.acl.AclPermissionType.ALLOW;
import static org.apache.kafka.common.acl.AclPermissionType.DENY;
import static org.apache.kafka.common.resource.PatternType.LITERAL;
import static org.apache.kafka.common.resource.PatternType.PREFIXED;
import static org.apache.kafka.common.resource.ResourceType.CLUSTER;
import static org.apache.kafka.common.resource.ResourceType.GROUP;
import static org.apache.kafka.common.resource.ResourceType.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;

/** CreateAcls, DescribeAcls and DeleteAcls: Kafka's errors, validation, filters and results. */
class AclHandlersTest {
    private static final String ADMIN = "User:admin";
    private static final String ALICE = "User:alice";
    private static final RequestContext AS_ADMIN = context(ADMIN);

    @TempDir
    Path dir;

    private MetadataStore meta;
    private AclAuthorizer authorizer;

    @BeforeEach
    void open() {
        meta = MetadataStore.open(dir);
        authorizer = new AclAuthorizer(meta, Set.of(ADMIN), false, new ManualTime(0));
    }

    @AfterEach
    void close() throws Exception {
        meta.close();
    }

    private static AclCreation creation(AclBinding binding) {
        return new AclCreation().setResourceType(binding.pattern().resourceType().code())
                .setResourceName(binding.pattern().name()).setResourcePatternType(binding.pattern().patternType().code())
                .setPrincipal(binding.entry().principal()).setHost(binding.entry().host())
                .setOperation(binding.entry().operation().code())
                .setPermissionType(binding.entry().permissionType().code());
    }

    private static List<AclCreationResult> create(Authorizer authorizer, RequestContext context, AclCreation... creations) {
        return new CreateAclsHandler(authorizer).handle(context,
                new CreateAclsRequestData().setCreations(new ArrayList<>(List.of(creations)))).join().results();
    }

    private List<AclCreationResult> create(AclBinding... bindings) {
        return create(authorizer, AS_ADMIN, java.util.Arrays.stream(bindings).map(AclHandlersTest::creation)
                .toArray(AclCreation[]::new));
    }

    private static DescribeAclsRequestData describeFilter(ResourceType type, String name, PatternType patternType,
                                                          String principal, String host, AclOperation operation,
                                                          AclPermissionType permission) {
        return new DescribeAclsRequestData().setResourceTypeFilter(type.code()).setResourceNameFilter(name)
                .setPatternTypeFilter(patternType.code()).setPrincipalFilter(principal).setHostFilter(host)
                .setOperation(operation.code()).setPermissionType(permission.code());
    }

    private static DescribeAclsRequestData describeAll() {
        return describeFilter(ResourceType.ANY, null, PatternType.ANY, null, null, AclOperation.ANY,
                AclPermissionType.ANY);
    }

    private static DescribeAclsResponseData describe(Authorizer authorizer, RequestContext context,
                                                     DescribeAclsRequestData request) {
        return new DescribeAclsHandler(authorizer).handle(context, request).join();
    }

    /** The ACLs described, as "type:patternType:name principal host operation permission", in order. */
    private List<String> described(DescribeAclsRequestData request) {
        DescribeAclsResponseData response = describe(authorizer, AS_ADMIN, request);
        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        List<String> acls = new ArrayList<>();
        for (DescribeAclsResource resource : response.resources()) {
            for (AclDescription acl : resource.acls()) {
                acls.add(ResourceType.fromCode(resource.resourceType()) + ":"
                        + PatternType.fromCode(resource.patternType()) + ":" + resource.resourceName() + " "
                        + acl.principal() + " " + acl.host() + " " + AclOperation.fromCode(acl.operation()) + " "
                        + AclPermissionType.fromCode(acl.permissionType()));
            }
        }
        return acls;
    }

    private static DeleteAclsFilter deleteFilter(ResourceType type, String name, PatternType patternType,
                                                 String principal, AclOperation operation) {
        return new DeleteAclsFilter().setResourceTypeFilter(type.code()).setResourceNameFilter(name)
                .setPatternTypeFilter(patternType.code()).setPrincipalFilter(principal).setHostFilter(null)
                .setOperation(operation.code()).setPermissionType(AclPermissionType.ANY.code());
    }

    private static List<DeleteAclsFilterResult> delete(Authorizer authorizer, RequestContext context,
                                                       DeleteAclsFilter... filters) {
        DeleteAclsResponseData response = new DeleteAclsHandler(authorizer).handle(context,
                new DeleteAclsRequestData().setFilters(new ArrayList<>(List.of(filters)))).join();
        return response.filterResults();
    }

    private static String matched(DeleteAclsMatchingAcl acl) {
        return ResourceType.fromCode(acl.resourceType()) + ":" + PatternType.fromCode(acl.patternType()) + ":"
                + acl.resourceName() + " " + acl.principal() + " " + AclOperation.fromCode(acl.operation());
    }

    @Test
    void withoutAnAuthorizerEveryAclApiAnswersSecurityDisabled() {
        RequestContext anyone = context("User:ANONYMOUS");
        List<AclCreationResult> created = create(Authorizer.ALLOW_ALL, anyone,
                creation(allow(TOPIC, "t", LITERAL, ALICE, READ)), creation(allow(TOPIC, "u", LITERAL, ALICE, READ)));
        assertThat(created).hasSize(2).allSatisfy(result -> {
            assertThat(result.errorCode()).isEqualTo(Errors.SECURITY_DISABLED.code());
            assertThat(result.errorMessage()).isEqualTo("No Authorizer is configured.");
        });
        DescribeAclsResponseData described = describe(Authorizer.ALLOW_ALL, anyone, describeAll());
        assertThat(described.errorCode()).isEqualTo(Errors.SECURITY_DISABLED.code());
        assertThat(described.errorMessage()).isEqualTo("No Authorizer is configured on the broker");
        assertThat(delete(Authorizer.ALLOW_ALL, anyone, deleteFilter(TOPIC, null, PatternType.ANY, null,
                AclOperation.ANY))).singleElement().satisfies(result -> {
                    assertThat(result.errorCode()).isEqualTo(Errors.SECURITY_DISABLED.code());
                    assertThat(result.errorMessage()).isEqualTo("No Authorizer is configured.");
                });
        assertThat(meta.acls()).isEmpty();
    }

    @Test
    void managingAclsNeedsAlterAndDescribingNeedsDescribeOnTheCluster() {
        RequestContext alice = context(ALICE);
        assertThat(create(authorizer, alice, creation(allow(TOPIC, "t", LITERAL, ALICE, READ))))
                .singleElement().extracting(AclCreationResult::errorCode)
                .isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
        assertThat(describe(authorizer, alice, describeAll()).errorCode())
                .isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
        assertThat(delete(authorizer, alice, deleteFilter(TOPIC, null, PatternType.ANY, null, AclOperation.ANY)))
                .singleElement().extracting(DeleteAclsFilterResult::errorCode)
                .isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
        assertThat(meta.acls()).isEmpty();

        create(allow(CLUSTER, "kafka-cluster", LITERAL, ALICE, DESCRIBE));
        assertThat(describe(authorizer, alice, describeAll()).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(create(authorizer, alice, creation(allow(TOPIC, "t", LITERAL, ALICE, READ))))
                .singleElement().extracting(AclCreationResult::errorCode)
                .isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED.code());

        create(allow(CLUSTER, "kafka-cluster", LITERAL, ALICE, ALTER));
        assertThat(create(authorizer, alice, creation(allow(TOPIC, "t", LITERAL, ALICE, READ))))
                .singleElement().extracting(AclCreationResult::errorCode).isEqualTo(Errors.NONE.code());
        assertThat(delete(authorizer, alice, deleteFilter(TOPIC, "t", LITERAL, null, AclOperation.ANY)))
                .singleElement().satisfies(result -> assertThat(result.matchingAcls()).hasSize(1));
    }

    @Test
    void eachInvalidCreationIsRefusedWithKafkasMessageAndTheValidOnesAreCreated() {
        AclBinding valid = allow(TOPIC, "/apps/fraud:", PREFIXED, ALICE, WRITE);
        List<AclCreationResult> results = create(authorizer, AS_ADMIN,
                creation(valid),
                creation(allow(CLUSTER, "my-cluster", LITERAL, ALICE, ALTER)),
                creation(allow(TOPIC, "", LITERAL, ALICE, READ)),
                creation(allow(TOPIC, "t", LITERAL, ALICE, READ)).setResourceType(ResourceType.ANY.code()),
                creation(allow(TOPIC, "t", LITERAL, ALICE, READ)).setResourceType((byte) 42),
                creation(allow(TOPIC, "t", LITERAL, ALICE, READ)).setResourcePatternType(PatternType.MATCH.code()),
                creation(allow(TOPIC, "t", LITERAL, ALICE, READ)).setResourcePatternType(PatternType.ANY.code()),
                creation(allow(TOPIC, "t", LITERAL, ALICE, READ)).setOperation(AclOperation.ANY.code()),
                creation(allow(TOPIC, "t", LITERAL, ALICE, READ)).setOperation(AclOperation.UNKNOWN.code()),
                creation(allow(TOPIC, "t", LITERAL, ALICE, READ)).setPermissionType(AclPermissionType.ANY.code()),
                creation(allow(TOPIC, "t", LITERAL, "alice", READ)),
                creation(valid),
                creation(allow(TOPIC, "*", PREFIXED, ALICE, READ)));
        assertThat(results).extracting(AclCreationResult::errorCode).containsExactly(Errors.NONE.code(),
                Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(),
                Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(),
                Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(),
                Errors.INVALID_REQUEST.code(), Errors.NONE.code(), Errors.NONE.code());
        assertThat(results).extracting(AclCreationResult::errorMessage).containsExactly(null,
                "The only valid name for the CLUSTER resource is kafka-cluster",
                "Invalid empty resource name",
                "Invalid resourceType ANY",
                "Invalid resourceType UNKNOWN (code 42)",
                "Invalid patternType MATCH",
                "Invalid patternType ANY",
                "Invalid operation ANY",
                "Invalid operation UNKNOWN (code 0)",
                "Invalid permissionType ANY",
                "Could not parse principal from `alice` (no colon is present separating the principal type from the "
                        + "principal name)",
                null, null);
        assertThat(meta.acls()).containsExactly(valid, allow(TOPIC, "*", PREFIXED, ALICE, READ));
        assertThat(authorizer.authorize(context(ALICE), WRITE, TOPIC, "/apps/fraud:cards")).isTrue();
        assertThat(create(valid)).singleElement().extracting(AclCreationResult::errorCode)
                .isEqualTo(Errors.NONE.code()); // again: fine, and stored once
        assertThat(meta.acls()).hasSize(2);
    }

    @Test
    void describeFiltersAsKafkaDoes() {
        create(allow(TOPIC, "orders", LITERAL, ALICE, READ),
                acl(TOPIC, "orders", LITERAL, "User:bob", "10.0.0.1", WRITE, DENY),
                allow(TOPIC, "*", LITERAL, "User:*", DESCRIBE),
                allow(TOPIC, "ord", PREFIXED, ALICE, WRITE),
                allow(TOPIC, "orders-eu", PREFIXED, ALICE, WRITE),
                allow(GROUP, "orders", LITERAL, ALICE, READ));
        String ordersAlice = "TOPIC:LITERAL:orders User:alice * READ ALLOW";
        String ordersBob = "TOPIC:LITERAL:orders User:bob 10.0.0.1 WRITE DENY";
        String wildcard = "TOPIC:LITERAL:* User:* * DESCRIBE ALLOW";
        String ord = "TOPIC:PREFIXED:ord User:alice * WRITE ALLOW";
        String ordersEu = "TOPIC:PREFIXED:orders-eu User:alice * WRITE ALLOW";
        String group = "GROUP:LITERAL:orders User:alice * READ ALLOW";

        assertThat(described(describeAll())).containsExactly(ordersAlice, ordersBob, wildcard, ord, ordersEu, group);
        assertThat(described(describeFilter(TOPIC, null, PatternType.ANY, null, null, AclOperation.ANY,
                AclPermissionType.ANY))).containsExactly(ordersAlice, ordersBob, wildcard, ord, ordersEu);
        assertThat(described(describeFilter(ResourceType.ANY, "orders", PatternType.ANY, null, null, AclOperation.ANY,
                AclPermissionType.ANY))).containsExactly(ordersAlice, ordersBob, group);
        assertThat(described(describeFilter(TOPIC, "orders", LITERAL, null, null, AclOperation.ANY,
                AclPermissionType.ANY))).containsExactly(ordersAlice, ordersBob);
        assertThat(described(describeFilter(TOPIC, "ord", PREFIXED, null, null, AclOperation.ANY,
                AclPermissionType.ANY))).containsExactly(ord);
        assertThat(described(describeFilter(TOPIC, "orders", PatternType.MATCH, null, null, AclOperation.ANY,
                AclPermissionType.ANY))).containsExactly(ordersAlice, ordersBob, wildcard, ord);
        assertThat(described(describeFilter(TOPIC, null, PatternType.MATCH, null, null, AclOperation.ANY,
                AclPermissionType.ANY))).containsExactly(ordersAlice, ordersBob, wildcard, ord, ordersEu);
        assertThat(described(describeFilter(ResourceType.ANY, null, PatternType.ANY, ALICE, null, AclOperation.ANY,
                AclPermissionType.ANY))).containsExactly(ordersAlice, ord, ordersEu, group);
        assertThat(described(describeFilter(ResourceType.ANY, null, PatternType.ANY, null, "10.0.0.1",
                AclOperation.ANY, AclPermissionType.ANY))).containsExactly(ordersBob);
        assertThat(described(describeFilter(ResourceType.ANY, null, PatternType.ANY, null, null, WRITE,
                AclPermissionType.ANY))).containsExactly(ordersBob, ord, ordersEu);
        assertThat(described(describeFilter(ResourceType.ANY, null, PatternType.ANY, null, null, AclOperation.ANY,
                DENY))).containsExactly(ordersBob);
        assertThat(described(describeFilter(CLUSTER, null, PatternType.ANY, null, null, AclOperation.ANY,
                AclPermissionType.ANY))).isEmpty();

        DescribeAclsResponseData unknown = describe(authorizer, AS_ADMIN, describeAll().setOperation((byte) 99));
        assertThat(unknown.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(unknown.errorMessage()).contains("operation 99");
    }

    @Test
    void deleteRemovesWhatEachFilterMatchesAndReportsItPerFilter() {
        create(allow(TOPIC, "orders", LITERAL, ALICE, READ), allow(TOPIC, "orders", LITERAL, "User:bob", WRITE),
                allow(TOPIC, "ord", PREFIXED, ALICE, WRITE), allow(GROUP, "g", LITERAL, ALICE, READ));
        List<DeleteAclsFilterResult> results = delete(authorizer, AS_ADMIN,
                deleteFilter(TOPIC, "orders", PatternType.MATCH, ALICE, AclOperation.ANY),
                deleteFilter(TOPIC, "orders", LITERAL, null, AclOperation.ANY),
                deleteFilter(ResourceType.UNKNOWN, null, PatternType.ANY, null, AclOperation.ANY),
                deleteFilter(TOPIC, null, PatternType.ANY, null, AclOperation.UNKNOWN),
                deleteFilter(CLUSTER, null, PatternType.ANY, null, AclOperation.ANY));
        assertThat(results).extracting(DeleteAclsFilterResult::errorCode).containsExactly(Errors.NONE.code(),
                Errors.NONE.code(), Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(), Errors.NONE.code());
        assertThat(results.get(0).matchingAcls()).extracting(AclHandlersTest::matched)
                .containsExactly("TOPIC:LITERAL:orders User:alice READ", "TOPIC:PREFIXED:ord User:alice WRITE");
        assertThat(results.get(1).matchingAcls()).extracting(AclHandlersTest::matched)
                .containsExactly("TOPIC:LITERAL:orders User:alice READ", "TOPIC:LITERAL:orders User:bob WRITE");
        assertThat(results.get(0).matchingAcls()).allSatisfy(acl -> {
            assertThat(acl.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(acl.host()).isEqualTo("*");
            assertThat(acl.permissionType()).isEqualTo(ALLOW.code());
        });
        assertThat(results.get(2).errorMessage()).isEqualTo("Unknown patternFilter.");
        assertThat(results.get(3).errorMessage()).isEqualTo("Unknown entryFilter.");
        assertThat(results.get(4).matchingAcls()).isEmpty();
        assertThat(authorizer.acls(AclBindingFilter.ANY)).containsExactly(allow(GROUP, "g", LITERAL, ALICE, READ));
        assertThat(authorizer.authorize(context(ALICE), READ, TOPIC, "orders")).isFalse();
        assertThat(authorizer.authorize(context(ALICE), READ, GROUP, "g")).isTrue();
    }
}

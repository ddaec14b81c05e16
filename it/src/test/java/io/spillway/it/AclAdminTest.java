package io.spillway.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateAclsResult;
import org.apache.kafka.clients.admin.DeleteAclsResult;
import org.apache.kafka.clients.admin.DeleteAclsResult.FilterResult;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ACLs through the Kafka admin API (CreateAcls, DescribeAcls, DeleteAcls) with the real Java admin client, against a
 * broker configured as Kafka is for ACLs (Kafka's StandardAuthorizer named, allow.everyone.if.no.acl.found=true so
 * that the anonymous PLAINTEXT client may manage ACLs while the CLUSTER has none), and against one without an
 * authorizer, which refuses the ACL APIs with SECURITY_DISABLED.
 */
class AclAdminTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create()
            .set("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
            .set("allow.everyone.if.no.acl.found", "true");

    @RegisterExtension
    static final EmbeddedBroker WITHOUT_AUTHORIZER = EmbeddedBroker.create();

    private static Admin admin() {
        return BROKER.admin();
    }

    private static AclBinding acl(ResourceType type, String name, PatternType patternType, String principal,
                                  String host, AclOperation operation, AclPermissionType permission) {
        return new AclBinding(new ResourcePattern(type, name, patternType),
                new AccessControlEntry(principal, host, operation, permission));
    }

    private static void create(AclBinding... acls) throws Exception {
        admin().createAcls(List.of(acls)).all().get(30, TimeUnit.SECONDS);
    }

    private static Collection<AclBinding> describe(AclBindingFilter filter) throws Exception {
        return admin().describeAcls(filter).values().get(30, TimeUnit.SECONDS);
    }

    private static AclBindingFilter resource(ResourceType type, String name, PatternType patternType) {
        return new AclBindingFilter(new ResourcePatternFilter(type, name, patternType), AccessControlEntryFilter.ANY);
    }

    private static AclBindingFilter principal(String principal) {
        return new AclBindingFilter(ResourcePatternFilter.ANY,
                new AccessControlEntryFilter(principal, null, AclOperation.ANY, AclPermissionType.ANY));
    }

    private static List<AclBinding> deleted(DeleteAclsResult result, AclBindingFilter filter) throws Exception {
        return result.values().get(filter).get(30, TimeUnit.SECONDS).values().stream().map(FilterResult::binding)
                .toList();
    }

    @Test
    void aclsAreCreatedDescribedWithFiltersAndDeleted() throws Exception {
        String topic = EmbeddedBroker.uniqueName("orders");
        String stream = "/" + EmbeddedBroker.uniqueName("apps") + "/fraud";
        String alice = "User:" + EmbeddedBroker.uniqueName("alice");
        String bob = "User:" + EmbeddedBroker.uniqueName("bob");
        AclBinding readTopic = acl(ResourceType.TOPIC, topic, PatternType.LITERAL, alice, "*", AclOperation.READ,
                AclPermissionType.ALLOW);
        AclBinding writeStream = acl(ResourceType.TOPIC, stream + ":", PatternType.PREFIXED, alice, "*",
                AclOperation.WRITE, AclPermissionType.ALLOW);
        AclBinding denyGroups = acl(ResourceType.GROUP, "*", PatternType.LITERAL, bob, "10.0.0.1", AclOperation.READ,
                AclPermissionType.DENY);
        AclBinding transactions = acl(ResourceType.TRANSACTIONAL_ID, topic, PatternType.PREFIXED, bob, "*",
                AclOperation.WRITE, AclPermissionType.ALLOW);
        create(readTopic, writeStream, denyGroups, transactions);
        create(readTopic); // again: succeeds, kept once

        assertThat(describe(AclBindingFilter.ANY)).contains(readTopic, writeStream, denyGroups, transactions)
                .containsOnlyOnce(readTopic);
        assertThat(describe(resource(ResourceType.TOPIC, topic, PatternType.LITERAL))).containsExactly(readTopic);
        assertThat(describe(resource(ResourceType.TOPIC, stream + ":cards", PatternType.MATCH)))
                .containsExactly(writeStream);
        assertThat(describe(resource(ResourceType.TOPIC, stream + ":", PatternType.PREFIXED)))
                .containsExactly(writeStream);
        assertThat(describe(resource(ResourceType.TRANSACTIONAL_ID, topic + "-txn", PatternType.MATCH)))
                .containsExactly(transactions);
        assertThat(describe(principal(alice))).containsExactlyInAnyOrder(readTopic, writeStream);
        assertThat(describe(new AclBindingFilter(ResourcePatternFilter.ANY,
                new AccessControlEntryFilter(bob, "10.0.0.1", AclOperation.READ, AclPermissionType.DENY))))
                .containsExactly(denyGroups);

        AclBindingFilter streamTopics = resource(ResourceType.TOPIC, stream + ":cards", PatternType.MATCH);
        AclBindingFilter aliceFilter = principal(alice);
        DeleteAclsResult result = admin().deleteAcls(List.of(streamTopics, aliceFilter));
        result.all().get(30, TimeUnit.SECONDS);
        assertThat(deleted(result, streamTopics)).containsExactly(writeStream);
        assertThat(deleted(result, aliceFilter)).containsExactlyInAnyOrder(readTopic, writeStream);
        assertThat(describe(principal(alice))).isEmpty();
        assertThat(describe(principal(bob))).containsExactlyInAnyOrder(denyGroups, transactions);

        assertThat(admin().deleteAcls(List.of(principal(bob))).all().get(30, TimeUnit.SECONDS))
                .containsExactlyInAnyOrder(denyGroups, transactions);
        assertThat(describe(principal(bob))).isEmpty();
        assertThat(admin().deleteAcls(List.of(principal(bob))).all().get(30, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void invalidAclsAreRefusedOneByOneWithInvalidRequest() throws Exception {
        String alice = "User:" + EmbeddedBroker.uniqueName("alice");
        AclBinding valid = acl(ResourceType.TOPIC, EmbeddedBroker.uniqueName("t"), PatternType.LITERAL, alice, "*",
                AclOperation.DESCRIBE, AclPermissionType.ALLOW);
        AclBinding otherCluster = acl(ResourceType.CLUSTER, "my-cluster", PatternType.LITERAL, alice, "*",
                AclOperation.ALTER, AclPermissionType.ALLOW);
        AclBinding emptyName = acl(ResourceType.TOPIC, "", PatternType.LITERAL, alice, "*", AclOperation.READ,
                AclPermissionType.ALLOW);
        AclBinding noPrincipalType = acl(ResourceType.TOPIC, "t", PatternType.LITERAL, "alice", "*",
                AclOperation.READ, AclPermissionType.ALLOW);
        CreateAclsResult result = admin().createAcls(List.of(valid, otherCluster, emptyName, noPrincipalType));
        Map<AclBinding, org.apache.kafka.common.KafkaFuture<Void>> values = result.values();
        values.get(valid).get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> values.get(otherCluster).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("The only valid name for the CLUSTER resource is kafka-cluster");
        assertThatThrownBy(() -> values.get(emptyName).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("Invalid empty resource name");
        assertThatThrownBy(() -> values.get(noPrincipalType).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("`alice`");
        assertThat(describe(principal(alice))).containsExactly(valid);
        assertThat(describe(principal("alice"))).isEmpty();
        admin().deleteAcls(List.of(principal(alice))).all().get(30, TimeUnit.SECONDS);
    }

    @Test
    void onceTheClusterHasAclsTheyDecideWhoManagesAcls() throws Exception {
        AclBinding anonymousMayAll = acl(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, "User:ANONYMOUS",
                "*", AclOperation.ALL, AclPermissionType.ALLOW);
        AclBinding anonymousMayNotDescribe = acl(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL,
                "User:ANONYMOUS", "127.0.0.1", AclOperation.DESCRIBE, AclPermissionType.DENY);
        create(anonymousMayAll, anonymousMayNotDescribe);
        assertThatThrownBy(() -> describe(AclBindingFilter.ANY)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ClusterAuthorizationException.class);
        // ALTER is still allowed (a DENY of DESCRIBE denies nothing else), so the deny can be taken back
        AclBindingFilter cluster = resource(ResourceType.CLUSTER, null, PatternType.ANY);
        assertThat(admin().deleteAcls(List.of(cluster)).all().get(30, TimeUnit.SECONDS))
                .containsExactlyInAnyOrder(anonymousMayAll, anonymousMayNotDescribe);
        assertThat(describe(cluster)).isEmpty();
    }

    @Test
    void withoutAnAuthorizerTheAclApisAreSecurityDisabled() {
        Admin plain = WITHOUT_AUTHORIZER.admin();
        assertThatThrownBy(() -> plain.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SecurityDisabledException.class);
        AclBinding binding = acl(ResourceType.TOPIC, "t", PatternType.LITERAL, "User:alice", "*", AclOperation.READ,
                AclPermissionType.ALLOW);
        assertThatThrownBy(() -> plain.createAcls(List.of(binding)).all().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SecurityDisabledException.class)
                .hasMessageContaining("No Authorizer is configured.");
        assertThatThrownBy(() -> plain.deleteAcls(List.of(AclBindingFilter.ANY)).all().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SecurityDisabledException.class);
    }
}

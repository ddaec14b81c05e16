package io.spillway.broker.auth;

import io.spillway.broker.RequestContext;
import io.spillway.common.ManualTime;
import io.spillway.meta.MetadataStore;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.spillway.broker.auth.AclFixtures.acl;
import static io.spillway.broker.auth.AclFixtures.allow;
import static io.spillway.broker.auth.AclFixtures.context;
import static io.spillway.broker.auth.AclFixtures.deny;
import static org.apache.kafka.common.acl.AclOperation.ALL;
import static org.apache.kafka.common.acl.AclOperation.ALTER;
import static org.apache.kafka.common.acl.AclOperation.ALTER_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.CREATE;
import static org.apache.kafka.common.acl.AclOperation.DELETE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.apache.kafka.common.acl.AclPermissionType.ALLOW;
import static org.apache.kafka.common.acl.AclPermissionType.DENY;
import static org.apache.kafka.common.resource.PatternType.LITERAL;
import static org.apache.kafka.common.resource.PatternType.PREFIXED;
import static org.apache.kafka.common.resource.ResourceType.CLUSTER;
import static org.apache.kafka.common.resource.ResourceType.GROUP;
import static org.apache.kafka.common.resource.ResourceType.TOPIC;
import static org.apache.kafka.common.resource.ResourceType.TRANSACTIONAL_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kafka's StandardAuthorizer semantics, Spillway's stream rules, durability and speed of {@link AclAuthorizer}. */
class AclAuthorizerTest {
    private static final String ALICE = "User:alice";
    private static final String BOB = "User:bob";

    @TempDir
    Path dir;

    private MetadataStore meta;
    private final ManualTime time = new ManualTime(0);

    @BeforeEach
    void open() {
        meta = MetadataStore.open(dir);
    }

    @AfterEach
    void close() throws Exception {
        meta.close();
    }

    private AclAuthorizer authorizer() {
        return new AclAuthorizer(meta, Set.of(), false, time);
    }

    private static boolean may(Authorizer authorizer, String principal, AclOperation operation, ResourceType type,
                               String name) {
        return authorizer.authorize(context(principal), operation, type, name);
    }

    @Test
    void withoutAnAclOnTheResourceTheDefaultDecidesAndWithOneOnlyTheAclsDo() {
        AclAuthorizer closed = authorizer();
        assertThat(closed.enabled()).isTrue();
        assertThat(may(closed, ALICE, READ, TOPIC, "orders")).isFalse();
        AclAuthorizer open = new AclAuthorizer(meta, Set.of(), true, time);
        assertThat(may(open, ALICE, READ, TOPIC, "orders")).isTrue();

        // an ACL on the resource for someone else, another operation or another host: no longer "no ACL found"
        open.add(List.of(allow(TOPIC, "orders", LITERAL, BOB, WRITE),
                acl(TOPIC, "/apps/fraud:", PREFIXED, ALICE, "10.9.9.9", READ, ALLOW)));
        assertThat(may(open, ALICE, READ, TOPIC, "orders")).isFalse();
        assertThat(may(open, BOB, READ, TOPIC, "orders")).isFalse();
        assertThat(may(open, BOB, WRITE, TOPIC, "orders")).isTrue();
        assertThat(may(open, ALICE, READ, TOPIC, "/apps/fraud:cards")).isFalse();
        assertThat(may(open, ALICE, READ, TOPIC, "other")).isTrue(); // still none on this one
        assertThat(may(open, ALICE, READ, GROUP, "orders")).isTrue(); // nor on a group of that name
    }

    @Test
    void aLiteralAclAppliesToItsResourceTypeNameAndPrincipalOnly() {
        AclAuthorizer authorizer = authorizer();
        authorizer.add(List.of(allow(TOPIC, "orders", LITERAL, ALICE, READ)));
        assertThat(may(authorizer, ALICE, READ, TOPIC, "orders")).isTrue();
        assertThat(may(authorizer, BOB, READ, TOPIC, "orders")).isFalse();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "orders2")).isFalse();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "order")).isFalse();
        assertThat(may(authorizer, ALICE, READ, GROUP, "orders")).isFalse();
        assertThat(may(authorizer, "Group:alice", READ, TOPIC, "orders")).isFalse();
    }

    @Test
    void theWildcardNameMatchesEveryResourceOfItsTypeAndTheWildcardPrincipalEveryPrincipal() {
        AclAuthorizer authorizer = authorizer();
        authorizer.add(List.of(allow(GROUP, "*", LITERAL, ALICE, READ), allow(TOPIC, "orders", LITERAL, "User:*", WRITE),
                allow(TRANSACTIONAL_ID, "*", LITERAL, "User:*", WRITE)));
        assertThat(may(authorizer, ALICE, READ, GROUP, "any-group")).isTrue();
        assertThat(may(authorizer, ALICE, READ, GROUP, "*")).isTrue();
        assertThat(may(authorizer, BOB, READ, GROUP, "any-group")).isFalse();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "any-topic")).isFalse();
        assertThat(may(authorizer, ALICE, WRITE, TOPIC, "orders")).isTrue();
        assertThat(may(authorizer, "User:ANONYMOUS", WRITE, TOPIC, "orders")).isTrue();
        assertThat(may(authorizer, "Group:ops", WRITE, TOPIC, "orders")).isTrue(); // as in Kafka: any type
        assertThat(may(authorizer, BOB, WRITE, TRANSACTIONAL_ID, "txn-1")).isTrue();
        assertThat(may(authorizer, BOB, WRITE, TOPIC, "other")).isFalse();
    }

    @Test
    void aPrefixedAclMatchesEveryNameStartingWithItAndTheWalkFindsEveryPrefix() {
        AclAuthorizer authorizer = authorizer();
        authorizer.add(List.of(allow(TOPIC, "fin", PREFIXED, ALICE, READ), allow(TOPIC, "finance.", PREFIXED, ALICE, WRITE),
                allow(TOPIC, "finance.eu", PREFIXED, ALICE, DELETE), allow(TOPIC, "finance.a", PREFIXED, BOB, READ),
                allow(TOPIC, "finance.eu.zz", PREFIXED, BOB, READ), allow(TOPIC, "finance.f", PREFIXED, BOB, READ),
                allow(TOPIC, "g", PREFIXED, BOB, READ), allow(TOPIC, "*", PREFIXED, BOB, WRITE)));
        String name = "finance.eu.payments";
        assertThat(may(authorizer, ALICE, READ, TOPIC, name)).isTrue();
        assertThat(may(authorizer, ALICE, WRITE, TOPIC, name)).isTrue();
        assertThat(may(authorizer, ALICE, DELETE, TOPIC, name)).isTrue();
        assertThat(may(authorizer, BOB, READ, TOPIC, name)).isFalse(); // finance.a, finance.eu.zz, finance.f, g: no
        assertThat(may(authorizer, ALICE, DELETE, TOPIC, "finance.us")).isFalse();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "fi")).isFalse();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "fin")).isTrue(); // a prefix matches the name itself
        assertThat(may(authorizer, ALICE, READ, GROUP, "finance")).isFalse();
        // PREFIXED "*" is no wildcard (Kafka stores it as it is): it matches names that start with '*'
        assertThat(may(authorizer, BOB, WRITE, TOPIC, "orders")).isFalse();
        assertThat(may(authorizer, BOB, WRITE, TOPIC, "*orders")).isTrue();
    }

    @Test
    void theHostMustBeTheClientsAddressOrTheWildcard() {
        AclAuthorizer authorizer = authorizer();
        authorizer.add(List.of(acl(TOPIC, "orders", LITERAL, ALICE, AclFixtures.HOST, READ, ALLOW),
                acl(TOPIC, "orders", LITERAL, ALICE, "0:0:0:0:0:0:0:1", WRITE, ALLOW),
                acl(TOPIC, "orders", LITERAL, ALICE, "*", DESCRIBE_CONFIGS, ALLOW)));
        assertThat(authorizer.authorize(context(ALICE, "/10.0.0.1:5555"), READ, TOPIC, "orders")).isTrue();
        assertThat(authorizer.authorize(context(ALICE, "client.example.com/10.0.0.1:5555"), READ, TOPIC, "orders"))
                .isTrue();
        assertThat(authorizer.authorize(context(ALICE, "/10.0.0.2:5555"), READ, TOPIC, "orders")).isFalse();
        assertThat(authorizer.authorize(context(ALICE, "/10.0.0.11:5555"), READ, TOPIC, "orders")).isFalse();
        assertThat(authorizer.authorize(context(ALICE, "/[0:0:0:0:0:0:0:1]:5555"), WRITE, TOPIC, "orders")).isTrue();
        assertThat(authorizer.authorize(context(ALICE, "/10.0.0.1:5555"), WRITE, TOPIC, "orders")).isFalse();
        assertThat(authorizer.authorize(context(ALICE, "/10.0.0.99:1"), DESCRIBE_CONFIGS, TOPIC, "orders")).isTrue();
        assertThat(AclAuthorizer.hostOf("/127.0.0.1:53422")).isEqualTo("127.0.0.1");
        assertThat(AclAuthorizer.hostOf("/[::1]:53422")).isEqualTo("::1");
        assertThat(AclAuthorizer.hostOf("unknown")).isEqualTo("unknown");
    }

    @Test
    void aMatchingDenyBeatsEveryAllow() {
        AclAuthorizer authorizer = authorizer();
        authorizer.add(List.of(allow(TOPIC, "*", LITERAL, "User:*", ALL), allow(TOPIC, "orders", LITERAL, ALICE, READ),
                deny(TOPIC, "ord", PREFIXED, ALICE, READ), deny(TOPIC, "payments", LITERAL, "User:*", WRITE),
                acl(TOPIC, "audit", LITERAL, BOB, "10.0.0.1", ALL, DENY)));
        assertThat(may(authorizer, ALICE, READ, TOPIC, "orders")).isFalse();
        assertThat(may(authorizer, ALICE, WRITE, TOPIC, "orders")).isTrue();
        assertThat(may(authorizer, BOB, READ, TOPIC, "orders")).isTrue();
        assertThat(may(authorizer, ALICE, WRITE, TOPIC, "payments")).isFalse();
        assertThat(may(authorizer, BOB, WRITE, TOPIC, "payments")).isFalse();
        assertThat(may(authorizer, BOB, READ, TOPIC, "payments")).isTrue();
        assertThat(may(authorizer, BOB, DESCRIBE, TOPIC, "audit")).isFalse();
        assertThat(authorizer.authorize(context(BOB, "/10.0.0.2:1"), DESCRIBE, TOPIC, "audit")).isTrue();
    }

    @Test
    void superUsersMayDoEverythingEvenWhereDenied() {
        AclAuthorizer authorizer = new AclAuthorizer(meta, AclAuthorizer.superUsers(" User:admin ; User:bob;"), false,
                time);
        authorizer.add(List.of(deny(TOPIC, "*", LITERAL, "User:*", ALL)));
        assertThat(may(authorizer, "User:admin", WRITE, TOPIC, "orders")).isTrue();
        assertThat(may(authorizer, BOB, ALTER, CLUSTER, "kafka-cluster")).isTrue();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "orders")).isFalse();
        assertThat(may(authorizer, "Group:admin", READ, TOPIC, "orders")).isFalse();
    }

    @Test
    void allImpliesEverythingAndAllowsImplyDescribeAsInKafka() {
        AclAuthorizer authorizer = authorizer();
        authorizer.add(List.of(allow(TOPIC, "all", LITERAL, ALICE, ALL), allow(TOPIC, "read", LITERAL, ALICE, READ),
                allow(TOPIC, "write", LITERAL, ALICE, WRITE), allow(TOPIC, "delete", LITERAL, ALICE, DELETE),
                allow(TOPIC, "alter", LITERAL, ALICE, ALTER), allow(TOPIC, "alter-configs", LITERAL, ALICE, ALTER_CONFIGS),
                allow(TOPIC, "describe", LITERAL, ALICE, DESCRIBE), allow(TOPIC, "create", LITERAL, ALICE, CREATE)));
        for (AclOperation operation : EnumSet.complementOf(EnumSet.of(AclOperation.ANY, AclOperation.UNKNOWN))) {
            assertThat(may(authorizer, ALICE, operation, TOPIC, "all")).as(operation.toString()).isTrue();
        }
        for (String name : List.of("read", "write", "delete", "alter", "describe")) {
            assertThat(may(authorizer, ALICE, DESCRIBE, TOPIC, name)).as(name).isTrue();
        }
        assertThat(may(authorizer, ALICE, DESCRIBE, TOPIC, "alter-configs")).isFalse();
        assertThat(may(authorizer, ALICE, DESCRIBE, TOPIC, "create")).isFalse();
        assertThat(may(authorizer, ALICE, DESCRIBE_CONFIGS, TOPIC, "alter-configs")).isTrue();
        assertThat(may(authorizer, ALICE, DESCRIBE_CONFIGS, TOPIC, "alter")).isFalse();
        assertThat(may(authorizer, ALICE, ALTER_CONFIGS, TOPIC, "alter")).isFalse();
        assertThat(may(authorizer, ALICE, WRITE, TOPIC, "read")).isFalse();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "describe")).isFalse();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "write")).isFalse();
    }

    @Test
    void denyImpliesNothingButDenyAllDeniesEverything() {
        AclAuthorizer authorizer = authorizer();
        authorizer.add(List.of(allow(TOPIC, "*", LITERAL, ALICE, ALL), deny(TOPIC, "read", LITERAL, ALICE, READ),
                deny(TOPIC, "alter-configs", LITERAL, ALICE, ALTER_CONFIGS), deny(TOPIC, "all", LITERAL, ALICE, ALL)));
        assertThat(may(authorizer, ALICE, READ, TOPIC, "read")).isFalse();
        assertThat(may(authorizer, ALICE, DESCRIBE, TOPIC, "read")).isTrue();
        assertThat(may(authorizer, ALICE, DESCRIBE_CONFIGS, TOPIC, "alter-configs")).isTrue();
        assertThat(may(authorizer, ALICE, DESCRIBE, TOPIC, "all")).isFalse();
        assertThat(may(authorizer, ALICE, DESCRIBE_CONFIGS, TOPIC, "all")).isFalse();
    }

    @Test
    void aPrefixedTopicAclOnStreamColonCoversItsTopicsAndTheStreamItself() {
        AclAuthorizer authorizer = authorizer();
        authorizer.add(List.of(allow(TOPIC, "/apps/fraud:", PREFIXED, ALICE, ALL)));
        assertThat(may(authorizer, ALICE, READ, TOPIC, "/apps/fraud:cards")).isTrue();
        assertThat(may(authorizer, ALICE, WRITE, TOPIC, "/apps/fraud:__consumer_offsets")).isTrue();
        assertThat(may(authorizer, ALICE, ALTER_CONFIGS, TOPIC, "/apps/fraud")).isTrue(); // the stream
        assertThat(may(authorizer, ALICE, DELETE, TOPIC, "/apps/fraud")).isTrue();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "/apps/fraudulent:cards")).isFalse();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "/apps/fraudulent")).isFalse();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "/apps/fraud/eu:cards")).isFalse(); // another stream
        assertThat(may(authorizer, ALICE, READ, TOPIC, "/apps")).isFalse();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "cards")).isFalse();
        assertThat(may(authorizer, BOB, READ, TOPIC, "/apps/fraud:cards")).isFalse();
        assertThat(may(authorizer, ALICE, READ, GROUP, "/apps/fraud")).isFalse(); // the stream rules are for topics
    }

    @Test
    void aLiteralTopicAclOnTheStreamPathCoversTheStreamAndEveryTopicInIt() {
        AclAuthorizer authorizer = authorizer();
        authorizer.add(List.of(allow(TOPIC, "/apps/fraud", LITERAL, ALICE, READ),
                allow(GROUP, "/apps/fraud", LITERAL, ALICE, READ)));
        assertThat(may(authorizer, ALICE, READ, TOPIC, "/apps/fraud")).isTrue();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "/apps/fraud:cards")).isTrue();
        assertThat(may(authorizer, ALICE, DESCRIBE, TOPIC, "/apps/fraud:cards")).isTrue();
        assertThat(may(authorizer, ALICE, WRITE, TOPIC, "/apps/fraud:cards")).isFalse();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "/apps/fraud/eu:cards")).isFalse();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "/apps/fraudulent:cards")).isFalse();
        assertThat(may(authorizer, ALICE, READ, GROUP, "/apps/fraud:group")).isFalse(); // only TOPIC resources
    }

    @Test
    void aPrefixedAclWithoutTheColonAlsoCoversStreamsThatStartLikeIt() {
        AclAuthorizer authorizer = authorizer();
        authorizer.add(List.of(allow(TOPIC, "/apps/fraud", PREFIXED, ALICE, READ)));
        assertThat(may(authorizer, ALICE, READ, TOPIC, "/apps/fraud")).isTrue();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "/apps/fraud:cards")).isTrue();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "/apps/fraudulent:cards")).isTrue(); // Kafka's prefix rule
        assertThat(may(authorizer, ALICE, READ, TOPIC, "/apps/fraud/eu:cards")).isTrue();
    }

    @Test
    void aDenyOnTheStreamBeatsAnAllowOnItsTopicAndTheOtherWayRound() {
        AclAuthorizer authorizer = authorizer();
        authorizer.add(List.of(allow(TOPIC, "/apps/fraud:cards", LITERAL, ALICE, WRITE),
                deny(TOPIC, "/apps/fraud", LITERAL, ALICE, WRITE), allow(TOPIC, "/apps/iot", LITERAL, BOB, ALL),
                deny(TOPIC, "/apps/iot:", PREFIXED, BOB, DELETE), deny(TOPIC, "/apps/iot:pumps", LITERAL, BOB, READ)));
        assertThat(may(authorizer, ALICE, WRITE, TOPIC, "/apps/fraud:cards")).isFalse();
        assertThat(may(authorizer, BOB, DELETE, TOPIC, "/apps/iot")).isFalse(); // the stream, by PREFIXED "/apps/iot:"
        assertThat(may(authorizer, BOB, DELETE, TOPIC, "/apps/iot:pumps")).isFalse();
        assertThat(may(authorizer, BOB, READ, TOPIC, "/apps/iot:pumps")).isFalse();
        assertThat(may(authorizer, BOB, READ, TOPIC, "/apps/iot:stations")).isTrue();
        assertThat(may(authorizer, BOB, ALTER_CONFIGS, TOPIC, "/apps/iot")).isTrue();
    }

    @Test
    void aclsAreDurableAndRemovedByFiltersWithTheMatchesOfEachFilter() throws Exception {
        AclBinding readOrders = allow(TOPIC, "orders", LITERAL, ALICE, READ);
        AclBinding writeOrders = allow(TOPIC, "orders", LITERAL, BOB, WRITE);
        AclBinding group = allow(GROUP, "g", PREFIXED, ALICE, READ);
        AclAuthorizer authorizer = authorizer();
        authorizer.add(List.of(readOrders, writeOrders, group, readOrders));
        assertThat(authorizer.acls(AclBindingFilter.ANY)).containsExactly(readOrders, writeOrders, group);
        meta.close();
        meta = MetadataStore.open(dir);
        authorizer = authorizer();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "orders")).isTrue();
        assertThat(may(authorizer, ALICE, READ, GROUP, "g1")).isTrue();

        AclBindingFilter ordersTopic = new AclBindingFilter(new ResourcePatternFilter(TOPIC, "orders", LITERAL),
                AccessControlEntryFilter.ANY);
        AclBindingFilter alice = new AclBindingFilter(ResourcePatternFilter.ANY,
                new AccessControlEntryFilter(ALICE, null, AclOperation.ANY, AclPermissionType.ANY));
        AclBindingFilter nothing = new AclBindingFilter(new ResourcePatternFilter(CLUSTER, null, PatternType.ANY),
                AccessControlEntryFilter.ANY);
        assertThat(authorizer.remove(List.of(ordersTopic, alice, nothing)))
                .containsExactly(List.of(readOrders, writeOrders), List.of(readOrders, group), List.of());
        assertThat(authorizer.acls(AclBindingFilter.ANY)).isEmpty();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "orders")).isFalse();
        assertThat(may(authorizer, BOB, WRITE, TOPIC, "orders")).isFalse();
        assertThat(may(authorizer, ALICE, READ, GROUP, "g1")).isFalse();
        assertThat(new AclAuthorizer(meta, Set.of(), true, time).authorize(context(ALICE), READ, TOPIC, "orders"))
                .isTrue(); // no ACL left on it at all
    }

    @Test
    void addRefusesAPrincipalWithoutTypeAndNothingOfTheListIsAdded() {
        AclAuthorizer authorizer = authorizer();
        assertThatThrownBy(() -> authorizer.add(List.of(allow(TOPIC, "a", LITERAL, ALICE, READ),
                allow(TOPIC, "b", LITERAL, "alice", READ)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alice");
        assertThat(meta.acls()).isEmpty();
        assertThat(may(authorizer, ALICE, READ, TOPIC, "a")).isFalse();
    }

    @Test
    void theSettingsChooseTheAuthorizer() {
        assertThat(AclAuthorizer.fromSettings(Map.of(), meta)).isSameAs(Authorizer.ALLOW_ALL);
        assertThat(AclAuthorizer.fromSettings(Map.of("authorizer.class.name", " "), meta)).isSameAs(Authorizer.ALLOW_ALL);
        Authorizer standard = AclAuthorizer.fromSettings(Map.of("authorizer.class.name",
                "org.apache.kafka.metadata.authorizer.StandardAuthorizer", "super.users", "User:admin;User:bob"), meta);
        assertThat(standard).isInstanceOf(AclAuthorizer.class);
        assertThat(standard.enabled()).isTrue();
        assertThat(may(standard, "User:admin", ALTER, CLUSTER, "kafka-cluster")).isTrue();
        assertThat(may(standard, BOB, ALTER, CLUSTER, "kafka-cluster")).isTrue();
        assertThat(may(standard, ALICE, DESCRIBE, TOPIC, "orders")).isFalse();
        Authorizer open = AclAuthorizer.fromSettings(Map.of("authorizer.class.name", "com.example.Custom",
                "allow.everyone.if.no.acl.found", " TRUE "), meta);
        assertThat(may(open, ALICE, DESCRIBE, TOPIC, "orders")).isTrue();
        assertThatThrownBy(() -> AclAuthorizer.fromSettings(Map.of("authorizer.class.name", "x",
                "super.users", "User:admin;bob"), meta)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bob'").hasMessageContaining("super.users");
        assertThat(AclAuthorizer.superUsers(";; User:a ;")).containsExactly("User:a");
    }

    @Test
    void aCheckCostsAFewLookupsWithAHundredThousandAcls() {
        List<AclBinding> acls = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            acls.add(allow(TOPIC, "topic-" + i, LITERAL, "User:user-" + (i % 100), READ));
            acls.add(allow(TOPIC, "/apps/s" + i + ":", PREFIXED, "User:user-" + (i % 100), WRITE));
        }
        AclAuthorizer authorizer = authorizer();
        authorizer.add(acls);
        assertThat(meta.acls()).hasSize(100_000);
        RequestContext user7 = context("User:user-7");
        int checks = 200_000;
        int allowed = 0;
        long startNs = System.nanoTime();
        for (int i = 0; i < checks; i++) {
            int n = i % 50_000;
            if (authorizer.authorize(user7, READ, TOPIC, "topic-" + n)) {
                allowed++;
            }
            if (authorizer.authorize(user7, WRITE, TOPIC, "/apps/s" + n + ":events")) {
                allowed++;
            }
        }
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        assertThat(allowed).isEqualTo(2 * checks / 100);
        // 400,000 checks (most of them denied and logged at most once a minute each) in well under a second on a
        // laptop; the bound is loose for a busy shared machine, a scan of the ACLs would take minutes
        assertThat(elapsedMs).isLessThan(10_000);
    }
}

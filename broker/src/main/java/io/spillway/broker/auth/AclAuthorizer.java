package io.spillway.broker.auth;

import io.spillway.broker.RequestContext;
import io.spillway.common.Time;
import io.spillway.meta.MetadataStore;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Kafka's ACL authorizer, with the semantics of Kafka's {@code StandardAuthorizer}, over the ACL bindings kept in the
 * {@link MetadataStore}, plus Spillway's stream rules (docs/security.md, "ACLs and streams").
 *
 * <p>A check, as in Kafka: a {@link #SUPER_USERS_CONFIG super user} may do everything. Otherwise the ACLs that match
 * the resource are those of its type that are LITERAL with its name or with the name {@code *}, or PREFIXED with a
 * prefix of its name; for a topic of a stream ({@code /path/stream:topic}) also the LITERAL ACLs on the stream path,
 * and for a stream itself (a TOPIC resource named by the bare path) also the PREFIXED ACLs on {@code path:}. Of
 * those, an ACL applies when its principal is the request's or {@code User:*}, its host the client's IP address or
 * {@code *}, and its operation the one asked for or ALL; an ALLOW ACL for READ, WRITE, DELETE or ALTER also allows
 * DESCRIBE, one for ALTER_CONFIGS also DESCRIBE_CONFIGS. Any DENY that applies denies; else any ALLOW allows; else,
 * when no ACL matched the resource at all, {@link #ALLOW_EVERYONE_IF_NO_ACL_FOUND_CONFIG} decides (default deny), and
 * when some did, the answer is deny.
 *
 * <p>Checks cost a few map lookups whatever the number of ACLs: LITERAL ACLs are in a hash map by resource type and
 * name, PREFIXED ones in a sorted map per resource type, walked from the resource name down through only the keys
 * that are prefixes of it (and the ones skipping to them).
 *
 * <p>Thread safe. Checks read the indexes without locking. Changes ({@link #add}, {@link #remove}) are serialised by
 * this object's monitor: each writes the metadata store first (durably) and then the index, so a check never allows
 * by an ACL that a crash could take back; this object is the only writer of the store's ACLs.
 */
public final class AclAuthorizer implements Authorizer {
    private static final Logger log = LoggerFactory.getLogger(AclAuthorizer.class);

    /** Kafka's setting that turns ACLs on; any class name selects this authorizer. */
    public static final String AUTHORIZER_CLASS_NAME_CONFIG = "authorizer.class.name";
    /** Principals ({@code User:admin;User:bob}) that may do everything. */
    public static final String SUPER_USERS_CONFIG = "super.users";
    /** Whether a resource without any ACL is open to everyone (default false, as in Kafka). */
    public static final String ALLOW_EVERYONE_IF_NO_ACL_FOUND_CONFIG = "allow.everyone.if.no.acl.found";
    /** The resource name and host that match any. */
    public static final String WILDCARD = ResourcePattern.WILDCARD_RESOURCE;
    /** The principal that matches any principal. */
    public static final String WILDCARD_PRINCIPAL = "User:*";

    private static final AccessControlEntry[] NONE = new AccessControlEntry[0];

    private final MetadataStore meta;
    private final Set<String> superUsers;
    private final boolean allowEveryoneIfNoAclFound;
    private final DenialLog denials;
    /** One index per concrete resource type; the map itself never changes. */
    private final Map<ResourceType, TypeIndex> index = new EnumMap<>(ResourceType.class);

    /** The ACLs of one resource type. */
    private static final class TypeIndex {
        /** LITERAL ACLs by resource name ({@code *} included); the arrays are replaced, never changed. */
        final Map<String, AccessControlEntry[]> literal = new ConcurrentHashMap<>();
        /** PREFIXED ACLs by prefix, in name order; the arrays are replaced, never changed. */
        final ConcurrentNavigableMap<String, AccessControlEntry[]> prefixed = new ConcurrentSkipListMap<>();

        Map<String, AccessControlEntry[]> of(PatternType patternType) {
            return patternType == PatternType.PREFIXED ? prefixed : literal;
        }
    }

    /**
     * Loads the store's ACLs.
     *
     * @param superUsers principals as {@code type:name} that may do everything
     */
    public AclAuthorizer(MetadataStore meta, Set<String> superUsers, boolean allowEveryoneIfNoAclFound, Time time) {
        this.meta = meta;
        this.superUsers = Set.copyOf(superUsers);
        this.allowEveryoneIfNoAclFound = allowEveryoneIfNoAclFound;
        this.denials = new DenialLog(time);
        for (ResourceType type : ResourceType.values()) {
            if (type != ResourceType.ANY && type != ResourceType.UNKNOWN) {
                index.put(type, new TypeIndex());
            }
        }
        meta.acls().forEach(this::index);
    }

    /**
     * The authorizer that the broker settings ask for: none ({@link Authorizer#ALLOW_ALL}) without
     * {@link #AUTHORIZER_CLASS_NAME_CONFIG}, else this one with {@link #SUPER_USERS_CONFIG} and
     * {@link #ALLOW_EVERYONE_IF_NO_ACL_FOUND_CONFIG}, whatever class is named (Kafka's
     * {@code org.apache.kafka.metadata.authorizer.StandardAuthorizer}, typically).
     *
     * @throws IllegalArgumentException for a super user that is not {@code type:name}
     */
    public static Authorizer fromSettings(Map<String, String> brokerSettings, MetadataStore meta) {
        return fromSettings(brokerSettings, meta, Time.SYSTEM);
    }

    static Authorizer fromSettings(Map<String, String> brokerSettings, MetadataStore meta, Time time) {
        String className = brokerSettings.getOrDefault(AUTHORIZER_CLASS_NAME_CONFIG, "").trim();
        if (className.isEmpty()) {
            return ALLOW_ALL;
        }
        Set<String> superUsers = superUsers(brokerSettings.getOrDefault(SUPER_USERS_CONFIG, ""));
        boolean allowEveryone = Boolean.parseBoolean(
                brokerSettings.getOrDefault(ALLOW_EVERYONE_IF_NO_ACL_FOUND_CONFIG, "false").trim());
        AclAuthorizer authorizer = new AclAuthorizer(meta, superUsers, allowEveryone, time);
        log.info("{}={}: ACLs are enforced by Spillway's own authorizer, with the semantics of Kafka's "
                        + "StandardAuthorizer ({} ACLs, super users {}, {}={})", AUTHORIZER_CLASS_NAME_CONFIG, className,
                authorizer.meta.acls().size(), new TreeSet<>(superUsers), ALLOW_EVERYONE_IF_NO_ACL_FOUND_CONFIG,
                allowEveryone);
        return authorizer;
    }

    /** Parses {@link #SUPER_USERS_CONFIG} as Kafka does: principals separated by ';', blanks ignored. */
    static Set<String> superUsers(String value) {
        Set<String> users = new LinkedHashSet<>();
        for (String part : value.split(";")) {
            String user = part.trim();
            if (user.isEmpty()) {
                continue;
            }
            if (user.indexOf(':') < 0) {
                throw new IllegalArgumentException("Invalid principal '" + user + "' in " + SUPER_USERS_CONFIG
                        + ": write type:name, e.g. User:admin, separated by ';'");
            }
            users.add(user);
        }
        return users;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public boolean authorize(RequestContext context, AclOperation operation, ResourceType resourceType,
                             String resourceName) {
        String principal = context.principal().toString();
        if (superUsers.contains(principal)) {
            return true;
        }
        Check check = new Check(principal, context.clientAddress(), operation);
        TypeIndex acls = index.get(resourceType);
        if (acls != null && !check.denies(acls, resourceType, resourceName)) {
            if (check.allowed || (!check.hasAcls && allowEveryoneIfNoAclFound)) {
                return true;
            }
        }
        logDenial(context, check, resourceType, resourceName);
        return false;
    }

    /**
     * Kafka's authorizeByResourceType: whether some ALLOW ACL lets the principal perform the operation on at least
     * one resource of the type that no DENY ACL of the same pattern (or on every resource, LITERAL "*") takes back.
     */
    @Override
    public boolean authorizeAny(RequestContext context, AclOperation operation, ResourceType resourceType) {
        String principal = context.principal().toString();
        if (superUsers.contains(principal)) {
            return true;
        }
        TypeIndex acls = index.get(resourceType);
        if (acls == null) {
            return false;
        }
        if (acls.literal.isEmpty() && acls.prefixed.isEmpty()) {
            return allowEveryoneIfNoAclFound;
        }
        if (new Check(principal, context.clientAddress(), operation)
                .denies(acls.literal.get(WILDCARD), resourceType, WILDCARD, PatternType.LITERAL)) {
            return false;
        }
        for (Map<String, AccessControlEntry[]> byName : List.of(acls.literal, acls.prefixed)) {
            for (Map.Entry<String, AccessControlEntry[]> e : byName.entrySet()) {
                Check check = new Check(principal, context.clientAddress(), operation);
                PatternType pattern = byName == acls.prefixed ? PatternType.PREFIXED : PatternType.LITERAL;
                if (!check.denies(e.getValue(), resourceType, e.getKey(), pattern) && check.allowed) {
                    return true;
                }
            }
        }
        return false;
    }

    /** One check's state: what it asks and what it found so far. */
    private static final class Check {
        final String principal;
        final String clientAddress;
        final AclOperation operation;
        /** The client's IP address, worked out only when an ACL names a host. */
        String host;
        boolean hasAcls;
        boolean allowed;
        AclBinding deniedBy;

        Check(String principal, String clientAddress, AclOperation operation) {
            this.principal = principal;
            this.clientAddress = clientAddress;
            this.operation = operation;
        }

        /** Looks at every ACL that matches the resource; true as soon as one denies. */
        boolean denies(TypeIndex acls, ResourceType type, String name) {
            if (denies(acls.literal.get(name), type, name, PatternType.LITERAL)
                    || denies(acls.literal.get(WILDCARD), type, WILDCARD, PatternType.LITERAL)
                    || deniesByPrefix(acls.prefixed, type, name)) {
                return true;
            }
            if (type == ResourceType.TOPIC && name.startsWith("/")) {
                int colon = name.lastIndexOf(':');
                if (colon > 0) { // a topic of a stream: also the LITERAL ACLs on the stream
                    String stream = name.substring(0, colon);
                    return denies(acls.literal.get(stream), type, stream, PatternType.LITERAL);
                }
                String topics = name + ":"; // a stream: also the PREFIXED ACLs on all its topics
                return denies(acls.prefixed.get(topics), type, topics, PatternType.PREFIXED);
            }
            return false;
        }

        /**
         * The PREFIXED ACLs whose prefix starts {@code name}. From the greatest key not after the name: a key that
         * is a prefix of the name matches, and the next candidate is the greatest key before it; a key that is not
         * shares only a shorter prefix with the name, and every key between that prefix and this key is no prefix
         * either, so the walk jumps to the greatest key not after that shared prefix.
         */
        private boolean deniesByPrefix(ConcurrentNavigableMap<String, AccessControlEntry[]> prefixed,
                                       ResourceType type, String name) {
            if (prefixed.isEmpty()) {
                return false;
            }
            Map.Entry<String, AccessControlEntry[]> entry = prefixed.floorEntry(name);
            while (entry != null) {
                String prefix = entry.getKey();
                int shared = sharedPrefixLength(name, prefix);
                if (shared == prefix.length()) {
                    if (denies(entry.getValue(), type, prefix, PatternType.PREFIXED)) {
                        return true;
                    }
                    entry = prefixed.lowerEntry(prefix);
                } else {
                    entry = shared == 0 ? null : prefixed.floorEntry(name.substring(0, shared));
                }
            }
            return false;
        }

        private static int sharedPrefixLength(String a, String b) {
            int max = Math.min(a.length(), b.length());
            int i = 0;
            while (i < max && a.charAt(i) == b.charAt(i)) {
                i++;
            }
            return i;
        }

        private boolean denies(AccessControlEntry[] entries, ResourceType type, String name, PatternType patternType) {
            if (entries == null) {
                return false;
            }
            hasAcls = true;
            for (AccessControlEntry entry : entries) {
                if (!applies(entry)) {
                    continue;
                }
                if (entry.permissionType() == AclPermissionType.DENY) {
                    deniedBy = new AclBinding(new ResourcePattern(type, name, patternType), entry);
                    return true;
                }
                allowed = true;
            }
            return false;
        }

        /** Kafka's rule: principal, host, then operation, where only ALLOW ACLs imply DESCRIBE(_CONFIGS). */
        private boolean applies(AccessControlEntry entry) {
            String aclPrincipal = entry.principal();
            if (!aclPrincipal.equals(principal) && !aclPrincipal.equals(WILDCARD_PRINCIPAL)) {
                return false;
            }
            if (!entry.host().equals(WILDCARD) && !entry.host().equals(host())) {
                return false;
            }
            AclOperation granted = entry.operation();
            if (granted == AclOperation.ALL || granted == operation) {
                return true;
            }
            if (entry.permissionType() != AclPermissionType.ALLOW) {
                return false;
            }
            return switch (operation) {
                case DESCRIBE -> granted == AclOperation.READ || granted == AclOperation.WRITE
                        || granted == AclOperation.DELETE || granted == AclOperation.ALTER;
                case DESCRIBE_CONFIGS -> granted == AclOperation.ALTER_CONFIGS;
                default -> false;
            };
        }

        String host() {
            if (host == null) {
                host = hostOf(clientAddress);
            }
            return host;
        }
    }

    /**
     * The IP address of a client address as the protocol layer writes it ({@code /1.2.3.4:5678},
     * {@code name/1.2.3.4:5678}, {@code /[::1]:5678}), in the form Kafka compares with an ACL's host.
     */
    static String hostOf(String clientAddress) {
        if (clientAddress == null) {
            return "";
        }
        String address = clientAddress.substring(clientAddress.lastIndexOf('/') + 1);
        int port = address.lastIndexOf(':');
        if (port > 0 && (address.startsWith("[") ? address.charAt(port - 1) == ']' : address.indexOf(':') == port)) {
            address = address.substring(0, port);
        }
        if (address.startsWith("[") && address.endsWith("]")) {
            address = address.substring(1, address.length() - 1);
        }
        return address;
    }

    private void logDenial(RequestContext context, Check check, ResourceType resourceType, String resourceName) {
        if (!log.isInfoEnabled()) {
            return;
        }
        long unlogged = denials.admit(new DenialLog.Key(check.principal, check.operation, resourceType, resourceName));
        if (unlogged < 0) {
            return;
        }
        log.info("Principal = {} is Denied operation = {} from host = {} on resource = {}:LITERAL:{} for request = {} "
                        + "based on rule {}{}", check.principal, check.operation, check.host(),
                resourceTypeName(resourceType), resourceName,
                context.apiKey() == null ? "?" : context.apiKey().name,
                check.deniedBy != null ? "MatchingAcl(acl=" + check.deniedBy + ")" : "DefaultDeny",
                unlogged == 0 ? "" : " (" + unlogged + " more denials were not logged, at most one line per principal, "
                        + "operation and resource a minute)");
    }

    /** The resource type as Kafka's authorizer log writes it: Topic, Group, Cluster, TransactionalId, ... */
    static String resourceTypeName(ResourceType type) {
        return switch (type) {
            case TOPIC -> "Topic";
            case GROUP -> "Group";
            case CLUSTER -> "Cluster";
            case TRANSACTIONAL_ID -> "TransactionalId";
            case DELEGATION_TOKEN -> "DelegationToken";
            case USER -> "User";
            default -> type.name();
        };
    }

    /**
     * Adds ACL bindings: durably to the metadata store first, then to the checks. A binding that exists already is
     * kept once, without an error (as in Kafka).
     *
     * @throws IllegalArgumentException for a binding that is not one concrete ACL (resource type, pattern type
     *     LITERAL or PREFIXED, operation, ALLOW or DENY; a non-empty name; a principal {@code type:name}); then none
     *     is added
     */
    public synchronized void add(List<AclBinding> bindings) {
        for (AclBinding binding : bindings) {
            String principal = binding.entry().principal();
            if (principal.indexOf(':') < 0) {
                throw new IllegalArgumentException("Could not parse principal from `" + principal + "` (no colon "
                        + "separates the principal type from the principal name)");
            }
        }
        meta.createAcls(bindings).forEach(this::index);
    }

    /**
     * Removes every ACL binding that matches any of the filters: durably from the metadata store first, then from the
     * checks.
     *
     * @return for each filter, in order, the bindings it matched (a binding matched by several filters is in each)
     */
    public synchronized List<List<AclBinding>> remove(List<AclBindingFilter> filters) {
        List<AclBinding> all = meta.acls();
        List<List<AclBinding>> matched = new ArrayList<>(filters.size());
        Set<AclBinding> removed = new LinkedHashSet<>();
        for (AclBindingFilter filter : filters) {
            List<AclBinding> matches = all.stream().filter(filter::matches).toList();
            matched.add(matches);
            removed.addAll(matches);
        }
        meta.deleteAcls(List.copyOf(removed)).forEach(this::unindex);
        return matched;
    }

    /** The ACL bindings that match the filter, in the order they were created. */
    public List<AclBinding> acls(AclBindingFilter filter) {
        return meta.acls().stream().filter(filter::matches).toList();
    }

    private void index(AclBinding binding) {
        TypeIndex acls = index.get(binding.pattern().resourceType());
        if (acls == null) {
            return; // not a concrete resource type (the store refuses those): matches nothing
        }
        acls.of(binding.pattern().patternType()).compute(binding.pattern().name(), (name, entries) -> {
            AccessControlEntry[] current = entries == null ? NONE : entries;
            AccessControlEntry[] updated = Arrays.copyOf(current, current.length + 1);
            updated[current.length] = binding.entry();
            return updated;
        });
    }

    private void unindex(AclBinding binding) {
        TypeIndex acls = index.get(binding.pattern().resourceType());
        if (acls == null) {
            return;
        }
        acls.of(binding.pattern().patternType()).computeIfPresent(binding.pattern().name(), (name, entries) -> {
            AccessControlEntry[] kept = Arrays.stream(entries).filter(e -> !e.equals(binding.entry()))
                    .toArray(AccessControlEntry[]::new);
            return kept.length == 0 ? null : kept;
        });
    }
}

package io.spillway.server.cli;

import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code spillway group ...}: consumer groups (classic and KIP-848) and share groups: list, describe with lag,
 * reset committed offsets (dry run unless --execute, as kafka-consumer-groups does), delete.
 */
@Command(name = "group", description = "List, describe (with lag), reset offsets of and delete consumer and share groups.",
        mixinStandardHelpOptions = true)
public final class GroupCommand {

    private static final Comparator<TopicPartition> BY_TOPIC_PARTITION =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    @Command(name = "list", description = "Every group with its type (consumer, classic, share, streams) and state.",
            mixinStandardHelpOptions = true)
    int list(@Mixin ClientOptions options) {
        try (BrokerConnection broker = new BrokerConnection(options)) {
            List<GroupListing> groups = new ArrayList<>(listings(broker));
            groups.sort(Comparator.comparing(GroupListing::groupId));
            List<Map<String, Object>> rows = new ArrayList<>();
            Table table = new Table("GROUP", "TYPE", "STATE");
            for (GroupListing g : groups) {
                String type = g.type().map(GroupCommand::typeName).orElse("unknown");
                String state = g.groupState().map(GroupState::toString).orElse("unknown");
                rows.add(Output.object("group", g.groupId(), "type", type, "state", state, "protocol", g.protocol()));
                table.row(g.groupId(), type, state);
            }
            new Output(options).print(Output.object("groups", rows), table);
        }
        return ExitCodes.OK;
    }

    @Command(name = "describe", description = "Per partition: committed offset, end offset, lag and the member "
            + "it is assigned to.", mixinStandardHelpOptions = true)
    int describe(@Mixin ClientOptions options, @Parameters(paramLabel = "GROUP") String group) {
        try (BrokerConnection broker = new BrokerConnection(options)) {
            GroupListing listing = find(broker, group).orElseThrow(() -> notFound(group));
            GroupType type = listing.type().orElse(GroupType.CLASSIC);
            GroupView view = switch (type) {
                case SHARE -> shareView(broker, group);
                case CONSUMER, CLASSIC -> consumerView(broker, group);
                default -> throw CliException.failed("group '" + group + "' is a " + typeName(type)
                        + " group; the CLI describes consumer, classic and share groups");
            };
            Map<TopicPartition, Long> ends = Topics.offsets(broker, view.partitions(), OffsetSpec.latest());
            List<Map<String, Object>> rows = new ArrayList<>();
            Table table = new Table("TOPIC", "PARTITION", "COMMITTED-OFFSET", "END-OFFSET", "LAG", "MEMBER", "CLIENT-ID");
            long totalLag = 0;
            for (TopicPartition tp : view.partitions()) {
                Long committed = view.committed().get(tp);
                Long end = ends.get(tp);
                Long lag = view.lag().containsKey(tp) ? view.lag().get(tp)
                        : committed != null && end != null ? Math.max(0, end - committed) : null;
                totalLag += lag == null ? 0 : lag;
                Member m = view.members().get(tp);
                rows.add(Output.object("topic", tp.topic(), "partition", tp.partition(), "committedOffset", committed,
                        "endOffset", end, "lag", lag, "memberId", m == null ? null : m.id(),
                        "clientId", m == null ? null : m.clientId(), "host", m == null ? null : m.host()));
                table.row(tp.topic(), tp.partition(), committed, end, lag, m == null ? null : m.id(),
                        m == null ? null : m.clientId());
            }
            long lagSum = totalLag;
            Map<String, Object> doc = Output.object("group", group, "type", typeName(type), "state", view.state(),
                    "coordinator", view.coordinator(), "members", view.memberCount(), "totalLag", lagSum,
                    "partitions", rows);
            new Output(options).print(doc, out -> {
                out.println("Group: " + group + "  type: " + typeName(type) + "  state: " + view.state()
                        + "  members: " + view.memberCount() + "  total lag: " + lagSum);
                if (rows.isEmpty()) {
                    out.println("(no committed offsets and no assigned partitions)");
                } else {
                    table.print(out);
                }
            });
        }
        return ExitCodes.OK;
    }

    @Command(name = "reset-offsets", description = {"Moves a group's committed offsets on one topic.",
            "Prints the plan only, unless --execute. The group must have no active members."},
            mixinStandardHelpOptions = true)
    int resetOffsets(@Mixin ClientOptions options, @Parameters(paramLabel = "GROUP") String group,
                     @Option(names = {"-t", "--topic"}, required = true, paramLabel = "TOPIC",
                             description = "Topic whose partitions are reset (all of them).") String topic,
                     @Option(names = "--to-earliest", description = "To the first offset still in the log.")
                     boolean toEarliest,
                     @Option(names = "--to-latest", description = "To the end: skip everything not yet consumed.")
                     boolean toLatest,
                     @Option(names = "--to-offset", paramLabel = "N",
                             description = "To offset N (kept within each partition's earliest..latest).")
                     Long toOffset,
                     @Option(names = "--execute", description = "Apply the reset (default: dry run).")
                     boolean execute) {
        int targets = (toEarliest ? 1 : 0) + (toLatest ? 1 : 0) + (toOffset != null ? 1 : 0);
        if (targets != 1) {
            throw new CliException(ExitCodes.USAGE, "give exactly one of --to-earliest, --to-latest, --to-offset N");
        }
        try (BrokerConnection broker = new BrokerConnection(options)) {
            Optional<GroupListing> listing = find(broker, group);
            GroupType type = listing.flatMap(GroupListing::type).orElse(GroupType.CLASSIC);
            if (type != GroupType.CONSUMER && type != GroupType.CLASSIC && type != GroupType.SHARE) {
                throw CliException.failed("group '" + group + "' is a " + typeName(type)
                        + " group; the CLI resets consumer, classic and share groups");
            }
            String state = listing.flatMap(GroupListing::groupState).map(GroupState::toString).orElse("Empty");
            if (execute && listing.isPresent() && !isInactive(listing.get())) {
                throw CliException.failed("cannot reset the offsets of group '" + group + "': it is " + state
                        + " with active members; stop its consumers first");
            }
            List<TopicPartition> partitions = Topics.partitions(Topics.describe(broker, topic));
            Map<TopicPartition, Long> earliest = Topics.offsets(broker, partitions, OffsetSpec.earliest());
            Map<TopicPartition, Long> latest = Topics.offsets(broker, partitions, OffsetSpec.latest());
            Map<TopicPartition, Long> current = listing.isEmpty() ? Map.of()
                    : type == GroupType.SHARE ? shareView(broker, group).committed()
                    : consumerView(broker, group).committed();
            Map<TopicPartition, Long> target = new HashMap<>();
            for (TopicPartition tp : partitions) {
                long lo = earliest.get(tp);
                long hi = latest.get(tp);
                target.put(tp, toEarliest ? lo : toLatest ? hi : Math.max(lo, Math.min(hi, toOffset)));
            }
            if (execute) {
                String what = "reset the offsets of group '" + group + "'";
                if (type == GroupType.SHARE) {
                    broker.await(broker.admin().alterShareGroupOffsets(group, target).all(), what, "group '" + group + "'");
                } else {
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    target.forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
                    broker.await(broker.admin().alterConsumerGroupOffsets(group, offsets).all(), what,
                            "group '" + group + "'");
                }
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            Table table = new Table("TOPIC", "PARTITION", "CURRENT-OFFSET", "NEW-OFFSET");
            for (TopicPartition tp : partitions) {
                rows.add(Output.object("topic", tp.topic(), "partition", tp.partition(),
                        "currentOffset", current.get(tp), "newOffset", target.get(tp)));
                table.row(tp.topic(), tp.partition(), current.get(tp), target.get(tp));
            }
            new Output(options).print(Output.object("group", group, "topic", topic, "executed", execute,
                    "partitions", rows), table);
            if (!execute) {
                System.err.println("Dry run: nothing changed. Add --execute to apply.");
            }
        }
        return ExitCodes.OK;
    }

    @Command(name = "delete", description = "Deletes a group and its committed offsets (it must have no members).",
            mixinStandardHelpOptions = true)
    int delete(@Mixin ClientOptions options, @Parameters(paramLabel = "GROUP") String group) {
        try (BrokerConnection broker = new BrokerConnection(options)) {
            GroupListing listing = find(broker, group).orElseThrow(() -> notFound(group));
            String what = "delete group '" + group + "'";
            if (listing.type().orElse(GroupType.CLASSIC) == GroupType.SHARE) {
                broker.await(broker.admin().deleteShareGroups(List.of(group)).all(), what, "group '" + group + "'");
            } else {
                broker.await(broker.admin().deleteConsumerGroups(List.of(group)).all(), what, "group '" + group + "'");
            }
            new Output(options).done("deleted group '" + group + "'", Output.object("group", group));
        }
        return ExitCodes.OK;
    }

    private static boolean isInactive(GroupListing listing) {
        GroupState state = listing.groupState().orElse(GroupState.UNKNOWN);
        return state == GroupState.EMPTY || state == GroupState.DEAD;
    }

    private static CliException notFound(String group) {
        return CliException.failed("group '" + group + "' does not exist");
    }

    static String typeName(GroupType type) {
        return type.toString().toLowerCase(java.util.Locale.ROOT);
    }

    private static List<GroupListing> listings(BrokerConnection broker) {
        return new ArrayList<>(broker.await(broker.admin().listGroups(new ListGroupsOptions()).all(), "list groups", null));
    }

    private static Optional<GroupListing> find(BrokerConnection broker, String group) {
        return listings(broker).stream().filter(g -> g.groupId().equals(group)).findFirst();
    }

    private record Member(String id, String clientId, String host) {
    }

    /** What describe prints, whichever the group type. */
    private record GroupView(String state, String coordinator, int memberCount, Set<TopicPartition> partitions,
                             Map<TopicPartition, Long> committed, Map<TopicPartition, Long> lag,
                             Map<TopicPartition, Member> members) {
    }

    private static GroupView consumerView(BrokerConnection broker, String group) {
        String subject = "group '" + group + "'";
        ConsumerGroupDescription d = broker.await(broker.admin().describeConsumerGroups(List.of(group)).all(),
                "describe " + subject, subject).get(group);
        Map<TopicPartition, OffsetAndMetadata> offsets = broker.await(broker.admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata(), "list the offsets of " + subject, subject);
        Set<TopicPartition> partitions = new TreeSet<>(BY_TOPIC_PARTITION);
        Map<TopicPartition, Long> committed = new HashMap<>();
        offsets.forEach((tp, o) -> {
            partitions.add(tp);
            if (o != null) {
                committed.put(tp, o.offset());
            }
        });
        Map<TopicPartition, Member> members = new HashMap<>();
        for (MemberDescription m : d.members()) {
            for (TopicPartition tp : m.assignment().topicPartitions()) {
                partitions.add(tp);
                members.put(tp, new Member(m.consumerId(), m.clientId(), m.host()));
            }
        }
        return new GroupView(d.groupState().toString(), d.coordinator() == null ? null : d.coordinator().idString(),
                d.members().size(), partitions, committed, Map.of(), members);
    }

    private static GroupView shareView(BrokerConnection broker, String group) {
        String subject = "group '" + group + "'";
        ShareGroupDescription d = broker.await(broker.admin().describeShareGroups(List.of(group)).all(),
                "describe " + subject, subject).get(group);
        Map<TopicPartition, SharePartitionOffsetInfo> offsets = broker.await(broker.admin().listShareGroupOffsets(
                        Map.of(group, new ListShareGroupOffsetsSpec())).partitionsToOffsetInfo(group),
                "list the offsets of " + subject, subject);
        Set<TopicPartition> partitions = new TreeSet<>(BY_TOPIC_PARTITION);
        Map<TopicPartition, Long> committed = new HashMap<>();
        Map<TopicPartition, Long> lag = new HashMap<>();
        offsets.forEach((tp, o) -> {
            partitions.add(tp);
            if (o != null) {
                committed.put(tp, o.startOffset());
                o.lag().ifPresent(l -> lag.put(tp, l));
            }
        });
        Map<TopicPartition, Member> members = new HashMap<>();
        for (ShareMemberDescription m : d.members()) {
            for (TopicPartition tp : m.assignment().topicPartitions()) {
                partitions.add(tp);
                members.put(tp, new Member(m.consumerId(), m.clientId(), m.host()));
            }
        }
        return new GroupView(d.groupState().toString(), d.coordinator() == null ? null : d.coordinator().idString(),
                d.members().size(), partitions, committed, lag, members);
    }
}

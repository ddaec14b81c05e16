package io.spillway.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;

/**
 * Adds the client subcommands (topic, stream, group, produce, consume, status, config) to the launcher's
 * {@code spillway} command line, with their exit codes in the help and their error handling. The broker's own
 * {@code serve} is left as it is.
 */
public final class Cli {

    /** The client commands, in the order the help lists them. */
    static final List<Class<?>> COMMANDS = List.of(StatusCommand.class, TopicCommand.class, StreamCommand.class,
            GroupCommand.class, ProduceCommand.class, ConsumeCommand.class, ConfigCommand.class);

    private Cli() {
    }

    /** Registers the client commands on {@code root}; returns it. */
    public static CommandLine install(CommandLine root) {
        for (Class<?> command : COMMANDS) {
            root.addSubcommand(command);
        }
        root.setExecutionExceptionHandler(new CliErrors());
        root.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes of the client commands:%n")
                .exitCodeList(ExitCodes.HELP);
        for (CommandLine sub : root.getSubcommands().values()) {
            if (isClientCommand(sub)) {
                withExitCodes(sub);
            }
        }
        return root;
    }

    private static void withExitCodes(CommandLine command) {
        command.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.HELP);
        command.getSubcommands().values().forEach(Cli::withExitCodes);
    }

    /** Whether {@code command} is one of the client commands or below one. */
    static boolean isClientCommand(CommandLine command) {
        for (CommandLine c = command; c != null; c = c.getParent()) {
            CommandSpec spec = c.getCommandSpec();
            Object user = spec.userObject();
            if (user != null && COMMANDS.contains(user.getClass())) {
                return true;
            }
        }
        return false;
    }
}

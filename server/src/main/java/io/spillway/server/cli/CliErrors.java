package io.spillway.server.cli;

import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * Turns a client command's failure into one line on stderr and its exit code ({@link ExitCodes}); the stack trace
 * only with --verbose. Failures of commands that are not client commands (serve) keep picocli's behaviour.
 */
final class CliErrors implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) throws Exception {
        if (!Cli.isClientCommand(command)) {
            throw ex;
        }
        CliException failure = classify(ex);
        PrintWriter err = command.getErr();
        err.println("spillway " + qualifiedName(command) + ": " + failure.getMessage());
        if (failure.exitCode() == ExitCodes.USAGE) {
            err.println("Try 'spillway " + qualifiedName(command) + " --help' for usage.");
        }
        if (verbose(parseResult)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return failure.exitCode();
    }

    static CliException classify(Throwable ex) {
        if (ex instanceof CliException c) {
            return c;
        }
        if (ex instanceof KafkaException) {
            return BrokerConnection.translate(ex, "complete the request", null);
        }
        if (ex instanceof IOException || ex instanceof UncheckedIOException) {
            return new CliException(ExitCodes.FAILED, "I/O error: " + BrokerConnection.rootMessage(ex), ex);
        }
        return new CliException(ExitCodes.FAILED, "unexpected error: " + ex, ex);
    }

    private static String qualifiedName(CommandLine command) {
        String name = command.getCommandSpec().qualifiedName(" ");
        int space = name.indexOf(' ');
        return space < 0 ? name : name.substring(space + 1);
    }

    private static boolean verbose(ParseResult result) {
        for (ParseResult r = result; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}

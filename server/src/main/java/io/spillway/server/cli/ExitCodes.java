package io.spillway.server.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of every client subcommand. Scripts rely on them, so they are listed in each command's
 * {@code --help} (from {@link #HELP}) and in docs/cli.md, and never change meaning.
 */
public final class ExitCodes {

    public static final int OK = 0;
    /** The broker answered with an error, or reading/writing a file failed. */
    public static final int FAILED = 1;
    /** Bad usage: unknown option, missing argument (picocli's own code for usage errors). */
    public static final int USAGE = 2;
    /** No answer from the broker within the timeout (not running, wrong address, firewall). */
    public static final int UNREACHABLE = 3;

    /** Lines of the "Exit codes:" section of the help. */
    public static final Map<String, String> HELP = help();

    private ExitCodes() {
    }

    private static Map<String, String> help() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(" " + OK, "success");
        m.put(" " + FAILED, "the broker refused the request, or a file could not be read or written");
        m.put(" " + USAGE, "bad usage (unknown option, missing or invalid argument)");
        m.put(" " + UNREACHABLE, "the broker could not be reached within --timeout-ms");
        return m;
    }
}

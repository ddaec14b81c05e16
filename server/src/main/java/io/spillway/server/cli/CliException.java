package io.spillway.server.cli;

/**
 * A failure the CLI explains to the operator in one line, with the exit code a script can branch on
 * ({@link ExitCodes}). Thrown by the commands; {@link CliErrors} prints it.
 */
public final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The broker refused or failed the request, or a file could not be read or written: exit 1. */
    public static CliException failed(String message) {
        return new CliException(ExitCodes.FAILED, message);
    }

    /** The broker could not be reached in time: exit 3. */
    public static CliException unreachable(String message, Throwable cause) {
        return new CliException(ExitCodes.UNREACHABLE, message, cause);
    }

    public int exitCode() {
        return exitCode;
    }
}

package io.spillway.bench;

/** A broker the harness started and can kill with SIGKILL and start again on the same data and port. */
interface CrashRestartable {

    /** Kills the broker with SIGKILL and waits until it is gone; returns its exit code. */
    int kill9();

    /** Starts the broker again on the same data directory and port; returns once it says it is ready. */
    void restart();
}

package io.spillway.server;

import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator line for each kind of start failure; the launcher itself is run by StartupErrorsTest (module it). */
class StartupFailureTest {

    private static final Path DATA = Path.of("/srv/spillway/data");

    @Test
    void configurationErrorsAreTheirMessage() {
        assertThat(StartupFailure.describe(new InvalidConfigurationException(
                "Invalid value maybe for configuration spillway.fsync: must be true or false"), DATA))
                .isEqualTo("Spillway cannot start: Invalid value maybe for configuration spillway.fsync: "
                        + "must be true or false");
        assertThat(StartupFailure.describe(new CompletionException(new IllegalArgumentException(
                "Listener X in listeners has no port")), DATA))
                .isEqualTo("Spillway cannot start: Listener X in listeners has no port");
    }

    @Test
    void permissionDeniedNamesTheDataDirectory() {
        assertThat(StartupFailure.describe(new AccessDeniedException("/srv/spillway/data/meta"), DATA))
                .isEqualTo("Spillway cannot start: cannot use data directory /srv/spillway/data/meta: permission "
                        + "denied; choose a data directory (--data-dir, SPILLWAY_DATA_DIR, data.dir or log.dirs) this "
                        + "user can create and write, whose contents Spillway made");
        // a store that cannot open a path of the data directory says which path and why
        assertThat(StartupFailure.describe(new IllegalStateException("Cannot open the metadata store",
                new java.nio.file.FileSystemException("/srv/spillway/data/meta", null, "Not a directory")), DATA))
                .startsWith("Spillway cannot start: cannot use data directory /srv/spillway/data/meta: a regular file "
                        + "is in the way");
        assertThat(StartupFailure.describe(new UncheckedIOException(new AccessDeniedException("/etc/x.jks")), DATA))
                .startsWith("Spillway cannot start: cannot use /etc/x.jks: permission denied; check the file's");
    }

    @Test
    void bindFailuresWithoutContextStillSayWhatToDo() {
        assertThat(StartupFailure.describe(new BindException("Address already in use"), DATA))
                .startsWith("Spillway cannot start: a listener cannot bind its address (Address already in use)")
                .contains("--port");
    }

    @Test
    void unknownFailuresNameTheTypeAndHowToSeeTheStackTrace() {
        assertThat(StartupFailure.describe(new IOException("disk on fire\nsecond line"), DATA))
                .isEqualTo("Spillway cannot start: IOException: disk on fire second line "
                        + "(run with SPILLWAY_LOG_LEVEL=DEBUG for the stack trace)");
    }
}

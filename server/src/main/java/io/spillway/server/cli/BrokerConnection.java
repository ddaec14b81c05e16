package io.spillway.server.cli;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The CLI's link to one broker: client properties from the common options, one Admin client made on first use
 * and checked to answer (so "broker not reachable" is told apart from every later failure, exit code 3 versus 1),
 * and the translation of Kafka's exceptions into one line an operator can act on.
 */
public final class BrokerConnection implements AutoCloseable {

    private final ClientOptions options;
    private final int timeoutMs;
    private Admin admin;
    private String clusterId;

    public BrokerConnection(ClientOptions options) {
        this(options, options.timeoutMs());
    }

    /** With a timeout other than --timeout-ms for reaching the broker and for each request. */
    public BrokerConnection(ClientOptions options, int timeoutMs) {
        this.options = options;
        this.timeoutMs = timeoutMs;
        ClientLogging.configure(options.verbose());
    }

    /** How long to wait for the broker, in milliseconds. */
    public int timeoutMs() {
        return timeoutMs;
    }

    public ClientOptions options() {
        return options;
    }

    /** bootstrap.servers, client.id and the --command-config properties (which win). */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "spillway-cli");
        props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs));
        props.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs));
        if (options.commandConfig != null) {
            Properties file = new Properties();
            try (InputStream in = Files.newInputStream(options.commandConfig)) {
                file.load(in);
            } catch (IOException e) {
                throw CliException.failed("cannot read --command-config " + options.commandConfig + ": " + ioMessage(e));
            }
            file.stringPropertyNames().forEach(k -> props.put(k, file.getProperty(k).trim()));
        }
        return props;
    }

    /** The Admin client, created on first use after checking that the broker answers within --timeout-ms. */
    public Admin admin() {
        if (admin == null) {
            Properties props = clientProperties();
            props.put(AdminClientConfig.RETRIES_CONFIG, "3");
            try {
                admin = Admin.create(props);
            } catch (KafkaException e) {
                throw CliException.unreachable("cannot connect to " + options.bootstrap() + ": " + rootMessage(e), e);
            }
            clusterId = probe();
        }
        return admin;
    }

    /** Fails with exit code 3 unless the broker answers; the cluster id it reported. */
    public String checkReachable() {
        admin();
        return clusterId;
    }

    private String probe() {
        try {
            return admin.describeCluster().clusterId().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failed("interrupted");
        } catch (java.util.concurrent.TimeoutException e) {
            throw unreachable(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TimeoutException) {
                throw unreachable(cause);
            }
            if (cause instanceof AuthenticationException) {
                throw CliException.failed("authentication with " + options.bootstrap() + " failed: " + cause.getMessage());
            }
            throw CliException.unreachable("cannot reach the broker at " + options.bootstrap() + ": "
                    + rootMessage(cause), cause);
        }
    }

    private CliException unreachable(Throwable cause) {
        return CliException.unreachable("cannot reach the broker at " + options.bootstrap() + " within "
                + timeoutMs + " ms (is it running? see --bootstrap-server, SPILLWAY_BOOTSTRAP)", cause);
    }

    /**
     * Waits for an admin result and turns a failure into a {@link CliException}.
     *
     * @param what    the action, for messages, e.g. "describe topic 'orders'"
     * @param subject what the action is about, e.g. "topic 'orders'", used in "... does not exist"
     */
    public <T> T await(KafkaFuture<T> future, String what, String subject) {
        try {
            return future.get(timeoutMs + 5_000L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failed("interrupted while waiting to " + what);
        } catch (java.util.concurrent.TimeoutException e) {
            throw CliException.failed("the broker did not answer in time to " + what);
        } catch (ExecutionException e) {
            throw translate(e.getCause(), what, subject);
        }
    }

    /** One operator-facing line for a Kafka failure. */
    public static CliException translate(Throwable cause, String what, String subject) {
        String about = subject != null ? subject : "it";
        String message;
        if (cause instanceof UnknownTopicOrPartitionException) {
            message = about + " does not exist";
        } else if (cause instanceof TopicExistsException) {
            message = about + " already exists";
        } else if (cause instanceof GroupIdNotFoundException) {
            message = about + " does not exist";
        } else if (cause instanceof GroupNotEmptyException || cause instanceof UnknownMemberIdException) {
            message = "cannot " + what + ": " + about + " has active members; stop its consumers first";
        } else if (cause instanceof AuthorizationException) {
            message = "not authorized to " + what + ": " + cause.getMessage();
        } else if (cause instanceof TimeoutException) {
            message = "the broker did not answer in time to " + what;
        } else if (cause instanceof ApiException) {
            message = "cannot " + what + ": " + cause.getMessage();
        } else {
            message = "cannot " + what + ": " + rootMessage(cause);
        }
        return new CliException(ExitCodes.FAILED, message, cause);
    }

    /** An I/O failure in words: "no such file" rather than the bare path Java puts in the message. */
    static String ioMessage(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m != null ? m : root.getClass().getSimpleName();
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
        }
    }
}

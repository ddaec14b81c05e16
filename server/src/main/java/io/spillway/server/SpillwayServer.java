package io.spillway.server;

import io.spillway.broker.ApiDispatcher;
import io.spillway.broker.BrokerApis;
import io.spillway.broker.auth.AclAuthorizer;
import io.spillway.broker.auth.Authorizer;
import io.spillway.broker.BrokerIdentity;
import io.spillway.broker.Topics;
import io.spillway.broker.share.ShareService;
import io.spillway.broker.config.BrokerSettings;
import io.spillway.broker.config.TopicConfigResolver;
import io.spillway.broker.fetch.FetchPurgatory;
import io.spillway.common.HostPort;
import io.spillway.common.Time;
import io.spillway.broker.txn.TransactionMarkers;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.coordinator.share.ShareCoordinator;
import io.spillway.coordinator.share.ShareStateStore;
import io.spillway.coordinator.txn.TransactionConfig;
import io.spillway.coordinator.txn.TransactionCoordinator;
import io.spillway.log.CheckpointTask;
import io.spillway.log.LogManager;
import io.spillway.log.PartitionCheckpoint;
import io.spillway.log.RetentionTask;
import io.spillway.meta.MetadataStore;
import io.spillway.meta.TopicMetadata;
import io.spillway.meta.config.BrokerConfigCatalog;
import io.spillway.meta.config.ConfigType;
import io.spillway.meta.config.StaticSettingsCheck;
import io.spillway.broker.config.ResolvedConfig;
import io.spillway.broker.ScramCredentials;
import io.spillway.broker.quota.Quotas;
import io.spillway.broker.TopicTraffic;
import io.spillway.http.BrokerHttp;
import io.spillway.http.console.ConsoleFiles;
import io.spillway.http.rest.BasicAuthenticator;
import io.spillway.http.rest.BrokerFacts;
import io.spillway.http.rest.KafkaGateway;
import io.spillway.http.rest.RestApi;
import io.spillway.http.HttpSettings;
import io.spillway.http.Readiness;
import io.spillway.http.metrics.BrokerMetrics;
import io.spillway.http.metrics.MetricsSettings;
import io.spillway.protocol.KafkaServer;
import io.spillway.protocol.ListenerSpec;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import io.spillway.protocol.security.SaslOutsideExchange;
import io.spillway.protocol.security.SaslServers;
import io.spillway.storage.RecoverySummary;
import io.spillway.storage.local.LocalSharedLog;
import io.spillway.storage.local.LocalSharedLogConfig;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A complete single-node Spillway: metadata store, shared log, partition logs, Kafka listener, HTTP listener
 * (/health, /ready, /metrics, see docs/metrics.md; the REST admin API /api/v1/, see docs/rest-api.md) and background tasks, wired by constructors. Start with
 * {@link #start}, stop with {@link #close}.
 */
public final class SpillwayServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SpillwayServer.class);
    /** Spillway's version, as {@code spillway --version} and the REST API's status tell it. */
    public static final String VERSION = "0.1.0";

    private final ServerConfig config;
    private final DataDirLock lock;
    private final MetadataStore meta;
    private final LogManager logs;
    private final ScheduledExecutorService scheduler;
    private final ScheduledExecutorService checkpoints;
    private final StorageMaintenance maintenance;
    private final ExecutorService workers;
    private final ExecutorService groupEvents;
    private final ExecutorService txnEvents;
    private final ExecutorService shareEvents;
    private final GroupCoordinator groups;
    private final TransactionCoordinator transactions;
    private final ShareCoordinator shareStates;
    private final KafkaServer listener;
    private final BrokerIdentity identity;
    private final Topics topics;
    /** What /ready answers; set ready once the Kafka listener is bound, not ready from the start of close. */
    private final Readiness readiness = new Readiness();
    /** The metrics, or null when the HTTP listener is off (nothing could read them). */
    private volatile BrokerMetrics metrics;
    /** The HTTP listener (/health, /ready, /metrics), or null when off. */
    private volatile BrokerHttp http;

    private SpillwayServer(ServerConfig config, DataDirLock lock, MetadataStore meta, LogManager logs,
                           StorageMaintenance maintenance, ScheduledExecutorService checkpoints,
                           ScheduledExecutorService scheduler, ExecutorService workers, ExecutorService groupEvents,
                           ExecutorService txnEvents, ExecutorService shareEvents, GroupCoordinator groups,
                           TransactionCoordinator transactions, ShareCoordinator shareStates, KafkaServer listener,
                           BrokerIdentity identity, Topics topics) {
        this.config = config;
        this.lock = lock;
        this.meta = meta;
        this.logs = logs;
        this.scheduler = scheduler;
        this.checkpoints = checkpoints;
        this.maintenance = maintenance;
        this.workers = workers;
        this.groupEvents = groupEvents;
        this.txnEvents = txnEvents;
        this.shareEvents = shareEvents;
        this.groups = groups;
        this.transactions = transactions;
        this.shareStates = shareStates;
        this.listener = listener;
        this.identity = identity;
        this.topics = topics;
    }

    public static SpillwayServer start(ServerConfig config) throws IOException, InterruptedException {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            return start(config, opened);
        } catch (Throwable e) {
            releaseAfterFailedStart(opened, e);
            throw e;
        }
    }

    /**
     * The start; adds to {@code opened} what a failure before the server exists must release (the data directory
     * lock, the metadata store, the shared log, the thread pools, the Kafka listener), and clears it once the server
     * owns them (from there {@link #close} releases everything).
     */
    private static SpillwayServer start(ServerConfig config, List<AutoCloseable> opened)
            throws IOException, InterruptedException {
        Time time = Time.SYSTEM;
        // Listener settings first: a mistake in them stops the broker before it opens and locks the data directory.
        // First line of every start: which Spillway on which JVM, with how much heap (what an operator asks first).
        log.info("Spillway {} starting: Java {} ({}), max heap {} MiB, {} processors, data in {}", VERSION,
                Runtime.version(), System.getProperty("java.vm.name"), Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors(), config.dataDir().toAbsolutePath());
        checkSettings(config);
        List<ListenerSpec> listenerSpecs = Listeners.specs(config, time);
        // A broker whose Kafka ports are all picked by the OS (tests, tools) gets a picked HTTP port by default too.
        HttpSettings httpSettings = HttpSettings.parse(config.settings(),
                listenerSpecs.stream().allMatch(spec -> spec.port() == 0));
        MetricsSettings metricsSettings = MetricsSettings.parse(config.settings());
        Files.createDirectories(config.dataDir());
        DataDirLock lock = DataDirLock.acquire(config.dataDir());
        opened.add(lock);
        int nodeId = config.getInt("node.id", config.getInt("broker.id", 0)); // Kafka's older name for it
        long startNanos = System.nanoTime();
        MetadataStore meta = MetadataStore.open(config.dataDir().resolve("meta"));
        opened.add(meta);
        long metaNanos = System.nanoTime();
        LocalSharedLog wal = new LocalSharedLog(LocalSharedLogConfig.defaults(config.dataDir().resolve("wal"))
                .withFsync(config.getBoolean(ServerConfig.FSYNC, true))
                .withSegmentBytes(config.getLong(ServerConfig.WAL_SEGMENT_BYTES, LocalSharedLogConfig.DEFAULT_SEGMENT_BYTES))
                .withDeleteDelayMs(config.getLong("log.segment.delete.delay.ms", LocalSharedLogConfig.DEFAULT_DELETE_DELAY_MS)));
        opened.add(wal::close);
        // Metrics exist only to be scraped: without the HTTP listener nothing records them.
        BrokerMetrics metrics = httpSettings.enabled() ? BrokerMetrics.create(metricsSettings) : null;
        if (metrics != null) {
            opened.add(metrics);
            wal.syncListener(metrics.walSyncs());
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(new NamedThreads("spillway-scheduler"));
        opened.add(scheduler::shutdownNow);
        FetchPurgatory purgatory = new FetchPurgatory(scheduler);
        boolean fsync = config.getBoolean(ServerConfig.FSYNC, true);
        long checkpointIntervalMs = config.getLong(ServerConfig.CHECKPOINT_INTERVAL_MS, 60_000L);
        PartitionCheckpoint checkpoint = new PartitionCheckpoint(config.dataDir().resolve("wal").resolve("partitions.checkpoint"));
        if (!fsync || checkpointIntervalMs <= 0) {
            // Without fsync every segment is checksummed in full at a restart anyway, and a checkpoint could refer
            // to bytes an OS crash took back; a left-over one from a run with fsync must not be used later either.
            checkpoint.delete();
            checkpoint = null;
        }
        LogManager logs = new LogManager(wal, time, purgatory,
                (int) Math.min(Integer.MAX_VALUE / 2, meta.topics().stream().mapToLong(TopicMetadata::partitionCount).sum()),
                checkpoint);
        BrokerSettings settings = new BrokerSettings(nodeId, config.settings(), meta);
        Topics topics = new Topics(meta, logs, new TopicConfigResolver(settings));
        topics.openAll();
        long openNanos = System.nanoTime();
        LogManager.Recovery recovered = logs.recover();
        long recoverNanos = System.nanoTime();
        log.info("Recovered {} topics in {} ms (metadata {} ms, opening partitions {} ms, log scan {} ms): {}",
                meta.topics().size(), (recoverNanos - startNanos) / 1_000_000, (metaNanos - startNanos) / 1_000_000,
                (openNanos - metaNanos) / 1_000_000, (recoverNanos - openNanos) / 1_000_000, recovered.detail());

        ExecutorService groupEvents = Executors.newSingleThreadExecutor(new NamedThreads("spillway-group-coordinator"));
        opened.add(groupEvents::shutdownNow);
        GroupCoordinator groups = GroupCoordinators.start(config, topics, meta, groupEvents, scheduler, time);
        ExecutorService txnEvents = Executors.newSingleThreadExecutor(new NamedThreads("spillway-txn-coordinator"));
        opened.add(txnEvents::shutdownNow);
        TransactionMarkers markers = new TransactionMarkers(topics, groups, GroupCoordinators.OFFSETS_TOPIC, scheduler,
                TransactionConfig.DEFAULT.markerRetryMs());
        TransactionCoordinator transactions = TransactionCoordinators.start(config, topics, meta, markers, txnEvents,
                scheduler, time);
        ExecutorService shareEvents = Executors.newSingleThreadExecutor(new NamedThreads("spillway-share-coordinator"));
        opened.add(shareEvents::shutdownNow);
        ShareCoordinator shareStates = ShareCoordinators.start(topics, meta, shareEvents, scheduler, time);

        // Thread counts changed with AlterConfigs (stored as dynamic broker configs) apply from the next start.
        int ioThreads = threadCount(settings, "num.io.threads", 8);
        ExecutorService workers = Executors.newFixedThreadPool(ioThreads, new NamedThreads("spillway-worker"));
        opened.add(workers::shutdownNow);
        ScramCredentials scramCredentials = new ScramCredentials(meta);
        SaslBootstrapUsers.apply(config, scramCredentials);
        LinkedHashMap<String, String> advertisedHosts = new LinkedHashMap<>();
        Map<String, Integer> advertisedPorts = new HashMap<>();
        Listeners.advertised(config, listenerSpecs).forEach((name, address) -> {
            advertisedHosts.put(name, address.host());
            advertisedPorts.put(name, address.port());
        });
        BrokerIdentity identity = new BrokerIdentity(nodeId, meta.clusterId(), advertisedHosts, advertisedPorts);
        Authorizer authorizer = AclAuthorizer.fromSettings(config.settings(), meta);
        Quotas quotas = new Quotas(topics, time, config.getInt("quota.window.num", 11),
                config.getInt("quota.window.size.seconds", 1) * 1000);
        ShareService shares = ShareService.create(shareStates, config.settings(), meta::groupConfigs, purgatory, scheduler,
                workers, time);
        groups.shareGroupListener(shares::memberLeft);
        ApiDispatcher dispatcher = BrokerApis.create(topics, settings, identity, purgatory, groups, shares,
                transactions, markers, new TopicPartition(GroupCoordinators.OFFSETS_TOPIC, 0), workers, time, authorizer,
                quotas, metrics != null ? metrics.topicTraffic() : TopicTraffic.NONE);
        if (metrics != null) {
            dispatcher.withRequestMetrics(metrics.requests());
        }
        int networkThreads = threadCount(settings, "num.network.threads",
                Math.min(3, Runtime.getRuntime().availableProcessors()));
        log.info("Serving requests with {} I/O threads (num.io.threads) and {} network threads (num.network.threads)",
                ioThreads, networkThreads);
        SaslOutsideExchange.register(dispatcher);
        SaslServers saslServers = new SaslServers(scramCredentials::lookup, time);
        KafkaServer listener = new KafkaServer(listenerSpecs, config.getInt("socket.request.max.bytes", 104857600),
                config.getInt("sasl.server.max.receive.size", KafkaServer.DEFAULT_SASL_MAX_RECEIVE_BYTES), dispatcher,
                workers, networkThreads, saslServers, authorizer, Listeners.connectionLimits(config, listenerSpecs).withCreationRate(quotas::connectionAllowed));
        opened.add(listener);
        Map<String, Integer> boundPorts = listener.start();
        boundPorts.forEach(identity::bound);
        reportInForce(settings, config, listenerSpecs, boundPorts, identity, ioThreads, networkThreads);
        TlsReloads.schedule(listenerSpecs, scheduler, config.getLong(TlsReloads.CHECK_INTERVAL_MS, 30_000L));

        // One thread for checkpoints, compaction and reorganisation: each rewrite is made safe by the next checkpoint,
        // and none of them may run on the shared log's flusher or delay the shared scheduler.
        ScheduledExecutorService checkpoints = Executors.newSingleThreadScheduledExecutor(new NamedThreads("spillway-checkpoint"));
        opened.add(checkpoints::shutdownNow);
        if (logs.keepsCheckpoints()) {
            checkpoints.scheduleWithFixedDelay(new CheckpointTask(logs), checkpointIntervalMs, checkpointIntervalMs,
                    TimeUnit.MILLISECONDS);
        }
        StorageMaintenance maintenance = StorageMaintenance.schedule(config, logs, time, checkpoints);

        long retentionCheckMs = config.getLong("log.retention.check.interval.ms", 300_000L);
        RetentionTask retention = new RetentionTask(logs, meta::persistLogStarts, time);
        scheduler.scheduleWithFixedDelay(retention, retentionCheckMs, retentionCheckMs, TimeUnit.MILLISECONDS);

        SpillwayServer server = new SpillwayServer(config, lock, meta, logs, maintenance, checkpoints, scheduler, workers,
                groupEvents, txnEvents, shareEvents, groups, transactions, shareStates, listener, identity, topics);
        opened.clear(); // the server owns it all now: its close() releases everything
        // The coordinators loaded before the Kafka listener was bound: clients can be served from here on.
        server.readiness.ready();
        if (httpSettings.enabled()) {
            try {
                server.startHttp(httpSettings, metrics, listener, groups);
                settings.inForce(HttpSettings.LISTENER, server.http.describe()); // the bound port of a port-0 setting
                server.startRestApi(dispatcher, authorizer, scramCredentials, listenerSpecs, boundPorts);
            } catch (RuntimeException | InterruptedException e) {
                // no log line here: the exception carries the message (spillway serve reports it as one line)
                server.close();
                throw e;
            }
        }
        // Tools and tests read the first "Kafka listener on host:port" of this line (and "HTTP on host:port").
        BrokerHttp http = server.http;
        log.info("Spillway is ready: Kafka listener on {}, {}, data in {}, fsync before ack {}",
                describe(listenerSpecs, boundPorts), http != null ? "HTTP on " + http.describe() : "HTTP off",
                config.dataDir().toAbsolutePath(), config.getBoolean(ServerConfig.FSYNC, true) ? "on" : "off");
        return server;
    }

    /**
     * Stops the start on a setting that is not valid or an unknown {@code spillway.*} name; logs the other unknown
     * names with the nearest known one, and the Kafka settings that have no effect here.
     */
    private static void checkSettings(ServerConfig config) {
        StaticSettingsCheck.Result checked = StaticSettingsCheck.check(config.settings());
        checked.warnings().forEach(log::warn);
        if (!checked.withoutEffect().isEmpty()) {
            log.info("Kafka settings with no effect in Spillway (accepted, ignored): {}",
                    String.join(", ", checked.withoutEffect()));
        }
    }

    private static void setInForce(BrokerSettings settings, String name, String value, boolean given) {
        if (given) {
            settings.givenAtStart(name, value);
        } else {
            settings.inForce(name, value);
        }
    }

    /** A thread count as set (dynamic for this node, cluster default, then static), else {@code fallback}. */
    private static int threadCount(BrokerSettings settings, String name, int fallback) {
        List<ResolvedConfig.Synonym> set = settings.brokerValues(name);
        return set.isEmpty() ? fallback : (Integer) ConfigType.INT.parse(name, set.get(0).value());
    }

    /**
     * Tells DescribeConfigs what is in force where the settings' text does not say it: the bound ports, the
     * advertised addresses, the node id, the data directory, the thread counts and the single copy a node keeps.
     */
    private static void reportInForce(BrokerSettings settings, ServerConfig config, List<ListenerSpec> specs,
                                      Map<String, Integer> boundPorts, BrokerIdentity identity, int ioThreads,
                                      int networkThreads) {
        List<String> listeners = new ArrayList<>();
        List<String> advertised = new ArrayList<>();
        for (ListenerSpec spec : specs) {
            listeners.add(spec.name() + "://" + HostPort.format(spec.host(), boundPorts.get(spec.name())));
            advertised.add(spec.name() + "://" + HostPort.format(identity.host(spec.name()), identity.port(spec.name())));
        }
        settings.inForce("listeners", String.join(",", listeners));
        settings.inForce("advertised.listeners", String.join(",", advertised));
        // --host/--port (or SPILLWAY_HOST/PORT) are static settings as listener.host/listener.port in a file would be
        setInForce(settings, "listener.host", specs.get(0).host(), !ServerConfig.DEFAULT_HOST.equals(config.host()));
        setInForce(settings, "listener.port", Integer.toString(boundPorts.get(specs.get(0).name())),
                config.port() != ServerConfig.DEFAULT_PORT);
        String nodeId = Integer.toString(settings.nodeId());
        settings.inForce("node.id", nodeId);
        settings.inForce("broker.id", nodeId);
        String dataDir = config.dataDir().toAbsolutePath().toString();
        boolean dataDirGiven = !config.dataDir().equals(ServerConfig.DEFAULT_DATA_DIR);
        for (String name : List.of("log.dirs", "log.dir", "data.dir")) {
            setInForce(settings, name, dataDir, dataDirGiven);
        }
        settings.inForce("num.io.threads", Integer.toString(ioThreads));
        settings.inForce("num.network.threads", Integer.toString(networkThreads));
        BrokerConfigCatalog.ONE_COPY_SETTINGS.forEach(oneCopy -> settings.inForce(oneCopy, "1"));
    }

    /** Releases, newest first, what a start that failed had taken; problems doing so go with {@code failure}. */
    private static void releaseAfterFailedStart(List<AutoCloseable> opened, Throwable failure) {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
        opened.clear();
    }

    /** Binds the HTTP listener, after the Kafka listener, with the metrics that need the running broker. */
    private void startHttp(HttpSettings settings, BrokerMetrics brokerMetrics, KafkaServer kafka, GroupCoordinator groups)
            throws InterruptedException {
        this.metrics = brokerMetrics;
        brokerMetrics.bindStorage(logs, meta);
        brokerMetrics.bindConnections(kafka.listenerNames(), kafka::connections);
        brokerMetrics.bindGroupLag(groups, topics);
        http = BrokerHttp.start(settings, readiness, brokerMetrics);
    }

    /**
     * Adds the REST admin API and the web console to the HTTP listener. The API's calls run through the dispatcher as
     * the Kafka listener's do; they ask for a password (HTTP Basic, checked against the SCRAM users) once the broker
     * has any security: a SCRAM user, a listener other than PLAINTEXT, or an authorizer.
     */
    private void startRestApi(ApiDispatcher dispatcher, Authorizer authorizer, ScramCredentials scramCredentials,
                              List<ListenerSpec> listenerSpecs, Map<String, Integer> boundPorts) {
        boolean securityConfigured = authorizer.enabled()
                || listenerSpecs.stream().anyMatch(spec -> spec.protocol() != SecurityProtocol.PLAINTEXT);
        BasicAuthenticator authenticator = new BasicAuthenticator(scramCredentials,
                () -> securityConfigured || scramCredentials.hasUsers());
        KafkaGateway gateway = new KafkaGateway(dispatcher, authorizer, listenerSpecs.get(0).name(), workers);
        List<String> listeners = new ArrayList<>();
        for (ListenerSpec spec : listenerSpecs) {
            listeners.add(spec.name() + " " + spec.protocol() + " " + spec.host() + ":" + boundPorts.get(spec.name()));
        }
        listeners.add("HTTP " + http.describe());
        BrokerFacts facts = new BrokerFacts() {
            @Override
            public int topicCount() {
                return meta.topics().size();
            }

            @Override
            public long partitionCount() {
                return meta.topics().stream().mapToLong(TopicMetadata::partitionCount).sum();
            }

            @Override
            public List<String> listeners() {
                return listeners;
            }

            @Override
            public String version() {
                return VERSION;
            }
        };
        RestApi.create(gateway, facts, readiness, authenticator, workers).register(http.router());
        // The console is static files that call the REST API from the browser; the API asks for the password.
        new ConsoleFiles(ConsoleFiles.class.getClassLoader(), workers).register(http.router());
    }

    public int port() {
        return identity.port();
    }

    /** "host:port" of the first listener, for a client's bootstrap.servers. */
    public String bootstrap() {
        return bootstrap(null);
    }

    /** "host:port" of a listener by name (null: the first), for a client's bootstrap.servers. */
    public String bootstrap(String listenerName) {
        return listenerName == null ? identity.host() + ":" + identity.port()
                : identity.host(listenerName) + ":" + identity.port(listenerName);
    }

    private static String describe(List<ListenerSpec> specs, Map<String, Integer> ports) {
        StringBuilder out = new StringBuilder();
        for (ListenerSpec spec : specs) {
            out.append(out.length() == 0 ? "" : ", listener on ")
                    .append(HostPort.format(spec.host().isBlank() ? "0.0.0.0" : spec.host(), ports.get(spec.name()))).append(" (").append(spec.name())
                    .append(spec.name().equals(spec.protocol().name) ? "" : ", " + spec.protocol())
                    .append(spec.usesSasl() ? " " + spec.saslMechanisms() : "").append(')');
        }
        return out.toString();
    }

    public ServerConfig config() {
        return config;
    }

    /** The HTTP listener's bound port (the actual one when the setting asked for 0); -1 when HTTP is off. */
    public int httpPort() {
        BrokerHttp h = http;
        return h == null ? -1 : h.address().getPort();
    }

    /** For tests and tools inside the process: the topics and their logs. */
    public Topics topics() {
        return topics;
    }

    /**
     * The share coordinator's store of share-partition state (KIP-932), for the broker's share-group handlers and
     * for tests inside the process.
     */
    public ShareStateStore shareStates() {
        return shareStates;
    }

    @Override
    public void close() {
        readiness.stopping();
        BrokerHttp h = http;
        if (h != null) {
            h.close(); // first: a scrape must not read a broker being taken apart
        }
        listener.close();
        scheduler.shutdownNow();
        transactions.unload();
        txnEvents.shutdown();
        shareStates.unload();
        shareEvents.shutdown();
        groups.unload();
        groupEvents.shutdown();
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
            txnEvents.awaitTermination(10, TimeUnit.SECONDS);
            shareEvents.awaitTermination(10, TimeUnit.SECONDS);
            groupEvents.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        maintenance.stop(); // a compaction or reorganisation under way is abandoned; it is redone after the restart
        checkpoints.shutdown(); // a checkpoint being written is let finish: interrupting it would only waste it
        try {
            checkpoints.awaitTermination(30, TimeUnit.SECONDS);
            // a clean stop leaves a checkpoint of everything, so the next start replays nothing
            logs.checkpoint();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.warn("Could not write the partition checkpoint at shutdown ({}); the next start replays the shared log",
                    e.getMessage());
        }
        try {
            logs.close();
            meta.close();
            lock.close();
        } catch (IOException e) {
            log.warn("Error while closing storage: {}", e.getMessage());
        }
        BrokerMetrics m = metrics;
        if (m != null) {
            m.close();
        }
        log.info("Spillway stopped (data in {})", config.dataDir().toAbsolutePath());
    }
}

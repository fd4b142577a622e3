package io.cxstream.kafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real single-node Kafka broker in KRaft mode (no ZooKeeper, no Docker) running inside this JVM.
 *
 * <p>One {@link KafkaRaftServer} plays both roles ({@code process.roles=broker,controller},
 * {@code node.id=1}) with a static one-voter quorum. It listens on 127.0.0.1 only: a {@code PLAINTEXT}
 * listener for clients and inter-broker traffic, a {@code CONTROLLER} listener for the quorum, and any
 * extra listeners added with {@link Builder#listener(String, String, int)}. Every replication factor
 * and minimum ISR is 1, the group rebalance delay is 0, {@code transaction.max.timeout.ms} is one hour
 * (the default transaction timeout of Flink's exactly-once {@code KafkaSink}), automatic topic creation
 * is off and controlled shutdown is skipped, so the broker stops in well under a second.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().start()) {
 *     kafka.createTopics(2, "events", "alerts");
 *     Properties producerProps = kafka.clientProperties();  // bootstrap.servers=127.0.0.1:<port>
 *     ...
 * }
 * }</pre>
 *
 * <h2>Extra listeners (e.g. SASL)</h2>
 * The {@code PLAINTEXT} listener always exists (the broker talks to itself and is probed through it).
 * Add another listener with {@link Builder#listener(String, String, int)}; it is appended to
 * {@code listeners}, {@code advertised.listeners} and {@code listener.security.protocol.map}. Configure
 * it with {@link Builder#brokerProperty(String, String)}, using Kafka's per-listener
 * {@code listener.name.<lower-case name>.} prefix:
 * <pre>{@code
 * EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder()
 *     .listener("SASL_PLAINTEXT", "SASL_PLAINTEXT", 0)           // 0 = any free port
 *     .brokerProperty("sasl.enabled.mechanisms", "PLAIN")
 *     .brokerProperty("listener.name.sasl_plaintext.plain.sasl.jaas.config",
 *         "org.apache.kafka.common.security.plain.PlainLoginModule required "
 *             + "user_alice=\"alice-secret\";")
 *     .start();
 * String saslBootstrap = kafka.bootstrapServers("SASL_PLAINTEXT");
 * }</pre>
 * The keys derived from the listeners ({@code listeners}, {@code advertised.listeners},
 * {@code listener.security.protocol.map}, {@code controller.listener.names}, the quorum keys,
 * {@code process.roles}, {@code node.id} and the log directories) cannot be set through
 * {@code brokerProperty}; everything else can, and overrides the defaults above.
 *
 * <h2>Outages</h2>
 * {@link #stop()} takes the broker down but keeps its ports and log directory; {@link #restart()}
 * brings the same broker back on the same ports with the same data (topics, records, committed
 * offsets, transactions), so clients reconnect to it by themselves:
 * <pre>{@code
 * kafka.stop();      // clients see the broker unreachable
 * ...
 * kafka.restart();   // back on the same ports, waits until it answers
 * }</pre>
 *
 * <h2>Logging</h2>
 * This class logs through SLF4J. The broker itself logs a great deal at INFO; to quiet it, set these
 * loggers to WARN: {@code kafka}, {@code org.apache.kafka} (also quiets the clients' config dumps),
 * {@code state.change.logger} and {@code io.cxstream.kafka} if even start/stop lines are too many.
 * {@code org.apache.kafka.controller.QuorumController} warns on every fresh start that the metadata log
 * is empty; ERROR hides that. The standalone {@link EmbeddedKafkaMain} does all this by default with
 * {@value EmbeddedKafkaMain#DEFAULT_LOG4J2_CONFIG}.
 *
 * <p>Instances are thread-safe. Several brokers may run in one JVM at once on different ports, and
 * a JVM may start and close brokers one after the other. Note that, like any {@code KafkaRaftServer},
 * the broker halts the JVM on a fatal internal fault (e.g. a corrupt metadata log).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** The listener for clients and inter-broker traffic; always present. */
    public static final String PLAINTEXT_LISTENER = "PLAINTEXT";
    /** The listener of the KRaft controller quorum. */
    public static final String CONTROLLER_LISTENER = "CONTROLLER";

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    /** Ports picked by this class (port 0) lie between this and the system's ephemeral port range. */
    private static final int FIRST_PICKED_PORT = 10_000;
    private static final Pattern LISTENER_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");

    /** Broker configuration that is derived from the builder's listeners and directories. */
    private static final Set<String> DERIVED_KEYS = Set.of(
            "listeners", "advertised.listeners", "listener.security.protocol.map",
            "controller.listener.names", "controller.quorum.voters", "controller.quorum.bootstrap.servers",
            "process.roles", "node.id", "log.dir", "log.dirs", "metadata.log.dir");

    /** All listeners by name with their actual ports: PLAINTEXT, the extra ones, CONTROLLER. */
    private final Map<String, Listener> listeners;
    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private final Duration timeout;
    /** The complete broker configuration, kept so that {@link #restart()} brings back the same broker. */
    private final Map<String, String> config;
    /** Null while stopped (between {@link #stop()} and {@link #restart()}) and after close. */
    private KafkaRaftServer server;
    private Admin admin;
    private boolean closed;

    private EmbeddedKafkaBroker(Builder builder) {
        this.timeout = builder.timeout;
        this.listeners = resolvePorts(builder);
        this.deleteDataDirOnClose = builder.logDir == null;
        this.dataDir = builder.logDir != null ? createDirectories(builder.logDir) : createTempDirectory();
        this.config = brokerConfig(builder.brokerProperties);

        long startNanos = System.nanoTime();
        try {
            formatStorage(new KafkaConfig(config, false));
            startServer();
        } catch (RuntimeException | Error e) {
            deleteDataDirIfOwned();
            throw e;
        }
        LOG.info("Kafka broker started at {} in {} ms (data in {})",
                bootstrapServers(), elapsedMillis(startNanos), dataDir);
    }

    /** Starts the server on the formatted storage and waits until it answers; on failure leaves nothing running. */
    private void startServer() {
        KafkaRaftServer startedServer = null;
        Admin startedAdmin = null;
        try {
            startedServer = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
            startedServer.startup();
            startedAdmin = Admin.create(clientProperties());
            awaitClusterAnswers(startedAdmin);
        } catch (RuntimeException | Error e) {
            stopQuietly(startedAdmin, startedServer);
            throw e;
        }
        this.server = startedServer;
        this.admin = startedAdmin;
    }

    /** Returns a builder for a broker on a free port with a fresh temporary log directory. */
    public static Builder builder() {
        return new Builder();
    }

    /** The {@code PLAINTEXT} bootstrap address, e.g. {@code 127.0.0.1:9092}. */
    public String bootstrapServers() {
        return bootstrapServers(PLAINTEXT_LISTENER);
    }

    /** The bootstrap address of the given listener (e.g. one added with {@link Builder#listener}). */
    public String bootstrapServers(String listenerName) {
        return HOST + ":" + port(listenerName);
    }

    /** The port of the {@code PLAINTEXT} listener. */
    public int port() {
        return port(PLAINTEXT_LISTENER);
    }

    /** The port of the given listener, including {@link #CONTROLLER_LISTENER}. */
    public int port(String listenerName) {
        Listener listener = listeners.get(listenerName);
        if (listener == null) {
            throw new IllegalArgumentException(
                    "No listener named " + listenerName + "; listeners: " + listeners.keySet());
        }
        return listener.port();
    }

    /** The directory holding the broker's data and metadata logs. */
    public Path logDir() {
        return dataDir;
    }

    /**
     * Base properties for any Kafka client of this broker: only {@code bootstrap.servers} of the
     * {@code PLAINTEXT} listener. A fresh, mutable copy on each call.
     */
    public Properties clientProperties() {
        Properties properties = new Properties();
        properties.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return properties;
    }

    /** Properties for {@link Admin#create(Properties)}; the same as {@link #clientProperties()}. */
    public Properties adminConfig() {
        return clientProperties();
    }

    /**
     * Creates topics with the given number of partitions (replication factor 1) and waits until every
     * partition has a leader. Topics that already exist are left as they are.
     *
     * @throws IllegalStateException if the topics are not usable within the builder's timeout, or the
     *                               broker is closed or stopped
     */
    public void createTopics(int partitions, String... names) {
        createTopics(partitions, Map.of(), names);
    }

    /**
     * Creates compacted topics (one partition each, {@code cleanup.policy=compact}): a topic that keeps
     * the latest record per key, such as the rules topic. Topics that already exist are left as they are.
     */
    public void createCompactedTopics(String... names) {
        createTopics(1, Map.of("cleanup.policy", "compact"), names);
    }

    private void createTopics(int partitions, Map<String, String> topicConfig, String... names) {
        Admin admin = runningAdmin();
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
        }
        List<String> topics = List.of(names);
        List<NewTopic> newTopics = topics.stream()
                .map(name -> new NewTopic(name, partitions, (short) 1).configs(topicConfig))
                .collect(Collectors.toList());
        admin.createTopics(newTopics).values().forEach((topic, future) -> {
            try {
                future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Could not create topic " + topic, e.getCause());
                }
                LOG.debug("Topic {} already exists", topic);
            } catch (InterruptedException | TimeoutException e) {
                throw failure("Could not create topic " + topic, e);
            }
        });
        awaitCondition("topics " + topics + " to have leaders", () -> allPartitionsHaveLeaders(admin, topics));
    }

    /**
     * Deletes topics and waits until they are gone. Topics that do not exist are ignored.
     *
     * @throws IllegalStateException if the topics are not gone within the builder's timeout, or the
     *                               broker is closed or stopped
     */
    public void deleteTopics(String... names) {
        Admin admin = runningAdmin();
        List<String> topics = List.of(names);
        admin.deleteTopics(topics).topicNameValues().forEach((topic, future) -> {
            try {
                future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("Could not delete topic " + topic, e.getCause());
                }
            } catch (InterruptedException | TimeoutException e) {
                throw failure("Could not delete topic " + topic, e);
            }
        });
        awaitCondition("topics " + topics + " to be deleted", () -> {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return topics.stream().noneMatch(existing::contains);
        });
    }

    /**
     * Stops the broker, as in an outage, but keeps its ports and log directory (even a temporary
     * one) for {@link #restart()}. Clients lose their connections and see the broker as unreachable;
     * topics, records, committed offsets and open transactions stay on disk. The shutdown itself is
     * an orderly one (logs flushed), not a crash. Does nothing if already stopped.
     *
     * <p>Another process may bind a port while the broker is stopped; ports picked by this class
     * (port 0) therefore lie below the system's ephemeral port range, where outgoing connections
     * do not take them.
     *
     * @throws IllegalStateException if the broker is closed
     */
    public synchronized void stop() {
        ensureOpen();
        if (server == null) {
            return;
        }
        long stopNanos = System.nanoTime();
        stopQuietly(admin, server);
        server = null;
        admin = null;
        LOG.info("Kafka broker at {} stopped in {} ms (ports and data kept for a restart)",
                bootstrapServers(), elapsedMillis(stopNanos));
    }

    /**
     * Starts the broker again on the same ports with the same log directory and waits until it
     * answers, so that clients reconnect to it by themselves and find their topics, committed
     * offsets and transactions. A running broker is stopped first.
     *
     * <p>By default {@link #stop()} skips the controlled shutdown, like a crash: the controller then
     * keeps the old broker registration until its session expires ({@code broker.session.timeout.ms},
     * 9 s), and only then lets the restarted broker register, so this takes about ten seconds. With
     * {@code brokerProperty("controlled.shutdown.enable", "true")} the broker deregisters when it
     * stops (which takes a little longer) and restarts in a second or two.
     *
     * @throws IllegalStateException if the broker is closed, or does not answer within the builder's timeout
     */
    public synchronized void restart() {
        ensureOpen();
        stop();
        long startNanos = System.nanoTime();
        startServer();
        LOG.info("Kafka broker restarted at {} in {} ms (data in {})",
                bootstrapServers(), elapsedMillis(startNanos), dataDir);
    }

    /** Whether the broker is running: started and neither {@link #stop() stopped} nor closed. */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * Stops the broker (if running) and, unless the log directory was given to the builder, deletes
     * it. Safe to call more than once.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long stopNanos = System.nanoTime();
        stopQuietly(admin, server);
        server = null;
        admin = null;
        deleteDataDirIfOwned();
        LOG.info("Kafka broker at {} closed in {} ms", bootstrapServers(), elapsedMillis(stopNanos));
    }

    private synchronized void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The Kafka broker at " + bootstrapServers() + " is closed");
        }
    }

    /** The admin client of the running broker. */
    private synchronized Admin runningAdmin() {
        ensureOpen();
        if (admin == null) {
            throw new IllegalStateException("The Kafka broker at " + bootstrapServers() + " is stopped");
        }
        return admin;
    }

    private Map<String, String> brokerConfig(Map<String, String> overrides) {
        int controllerPort = port(CONTROLLER_LISTENER);
        List<String> brokerListeners = listeners.values().stream()
                .filter(listener -> !listener.name().equals(CONTROLLER_LISTENER))
                .map(Listener::address)
                .collect(Collectors.toList());
        String allListeners = listeners.values().stream().map(Listener::address).collect(Collectors.joining(","));
        String protocolMap = listeners.values().stream()
                .map(listener -> listener.name() + ":" + listener.securityProtocol())
                .collect(Collectors.joining(","));

        Map<String, String> config = new LinkedHashMap<>();
        // Roles, quorum and listeners (not overridable).
        config.put("process.roles", "broker,controller");
        config.put("node.id", Integer.toString(NODE_ID));
        config.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        config.put("controller.listener.names", CONTROLLER_LISTENER);
        config.put("listeners", allListeners);
        config.put("advertised.listeners", String.join(",", brokerListeners));
        config.put("listener.security.protocol.map", protocolMap);
        config.put("log.dirs", dataDir.resolve("logs").toString());
        config.put("metadata.log.dir", dataDir.resolve("metadata").toString());
        // Defaults for a single node (overridable).
        config.put("inter.broker.listener.name", PLAINTEXT_LISTENER);
        config.put("default.replication.factor", "1");
        config.put("min.insync.replicas", "1");
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("transaction.max.timeout.ms", Long.toString(Duration.ofHours(1).toMillis()));
        config.put("auto.create.topics.enable", "false");
        config.put("controlled.shutdown.enable", "false");
        // The log cleaner allocates this buffer up front (128 MiB by default); a test broker needs little.
        config.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        config.putAll(overrides);
        return config;
    }

    private static Map<String, Listener> resolvePorts(Builder builder) {
        Set<Integer> taken = new HashSet<>();
        taken.add(builder.port);
        taken.add(builder.controllerPort);
        builder.listeners.values().forEach(listener -> taken.add(listener.port()));
        List<Listener> all = new ArrayList<>();
        all.add(new Listener(PLAINTEXT_LISTENER, "PLAINTEXT", portOrFree(builder.port, taken)));
        for (Listener extra : builder.listeners.values()) {
            all.add(new Listener(extra.name(), extra.securityProtocol(), portOrFree(extra.port(), taken)));
        }
        all.add(new Listener(CONTROLLER_LISTENER, "PLAINTEXT", portOrFree(builder.controllerPort, taken)));
        Map<String, Listener> byName = new LinkedHashMap<>();
        for (Listener listener : all) {
            if (byName.values().stream().anyMatch(other -> other.port() == listener.port())) {
                throw new IllegalArgumentException("Port " + listener.port() + " is given to two listeners");
            }
            byName.put(listener.name(), listener);
        }
        return Collections.unmodifiableMap(byName);
    }

    private void formatStorage(KafkaConfig config) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(output, true, StandardCharsets.UTF_8))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setMetadataLogDirectory(config.metadataLogDir())
                .setDirectories(config.logDirs())
                .addDirectory(config.metadataLogDir())
                // A log directory given to the builder may hold a broker from an earlier run: reuse it.
                .setIgnoreFormatted(true);
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format Kafka storage in " + dataDir, e);
        }
        LOG.debug("Formatted Kafka storage: {}", output.toString(StandardCharsets.UTF_8).trim());
    }

    private void awaitClusterAnswers(Admin startedAdmin) {
        int callTimeoutMs = (int) Math.min(timeout.toMillis(), 2_000);
        awaitCondition("the broker at " + bootstrapServers() + " to answer", () -> {
            Collection<Node> nodes = startedAdmin.describeCluster(new DescribeClusterOptions().timeoutMs(callTimeoutMs))
                    .nodes().get(callTimeoutMs, TimeUnit.MILLISECONDS);
            return nodes.stream().anyMatch(node -> node.id() == NODE_ID);
        });
    }

    private boolean allPartitionsHaveLeaders(Admin admin, List<String> topics) throws Exception {
        Map<String, TopicDescription> descriptions;
        try {
            descriptions = admin.describeTopics(topics).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;   // not yet in the broker's metadata
            }
            throw e;
        }
        return descriptions.values().stream()
                .flatMap(description -> description.partitions().stream())
                .map(TopicPartitionInfo::leader)
                .allMatch(leader -> leader != null && !leader.isEmpty());
    }

    /** A check that may fail while the broker is getting ready; failures count as "not yet". */
    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private void awaitCondition(String description, Condition condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastFailure = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (InterruptedException e) {
                throw failure("Interrupted while waiting for " + description, e);
            } catch (Exception e) {
                lastFailure = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException(
                        "Timed out after " + timeout.toMillis() + " ms waiting for " + description, lastFailure);
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());   // back-off between polls, bounded by the deadline
            } catch (InterruptedException e) {
                throw failure("Interrupted while waiting for " + description, e);
            }
        }
    }

    private static IllegalStateException failure(String message, Exception cause) {
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new IllegalStateException(message, cause);
    }

    private static void stopQuietly(Admin admin, KafkaRaftServer server) {
        if (admin != null) {
            try {
                admin.close(Duration.ZERO);
            } catch (RuntimeException e) {
                LOG.warn("Could not close the admin client", e);
            }
        }
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                LOG.warn("Kafka broker did not shut down cleanly", e);
            }
        }
    }

    private void deleteDataDirIfOwned() {
        if (!deleteDataDirOnClose || !Files.exists(dataDir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.warn("Could not delete Kafka data directory {}", dataDir, e);
        }
    }

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("cx-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a temporary Kafka data directory", e);
        }
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create Kafka data directory " + dir, e);
        }
    }

    /**
     * The given port, or if it is 0 a free one that is not in {@code taken} (and is added to it).
     * Free ports are looked for below the system's ephemeral port range first: the OS hands ports of
     * that range to outgoing connections, so while the broker is {@link #stop() stopped} one of them
     * could take its port (or a client reconnecting to it could connect to itself) before the restart.
     */
    private static int portOrFree(int port, Set<Integer> taken) {
        if (port != 0) {
            return port;
        }
        int ephemeralLow = ephemeralPortRangeStart();
        if (ephemeralLow > FIRST_PICKED_PORT) {
            for (int attempt = 0; attempt < 100; attempt++) {
                int candidate = ThreadLocalRandom.current().nextInt(FIRST_PICKED_PORT, ephemeralLow);
                if (!taken.contains(candidate) && isFree(candidate)) {
                    taken.add(candidate);
                    return candidate;
                }
            }
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                if (taken.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not find a free port on " + HOST, e);
            }
        }
        throw new IllegalStateException("Could not find a free port on " + HOST);
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of Linux's ephemeral range, or 0 where it cannot be read (then the OS picks ports). */
    private static int ephemeralPortRangeStart() {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        try {
            if (Files.isReadable(range)) {   // a procfs file claims size 0: read it by lines, not readString
                return Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not read {}", range, e);
        }
        return 0;
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private record Listener(String name, String securityProtocol, int port) {
        String address() {
            return name + "://" + HOST + ":" + port;
        }
    }

    /** Configures and starts an {@link EmbeddedKafkaBroker}. */
    public static final class Builder {
        private int port;
        private int controllerPort;
        private Path logDir;
        private Duration timeout = Duration.ofSeconds(30);
        private final Map<String, Listener> listeners = new LinkedHashMap<>();
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /** Port of the {@code PLAINTEXT} listener; 0 (the default) picks a free port. */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** Port of the {@code CONTROLLER} listener; 0 (the default) picks a free port. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = checkPort(controllerPort);
            return this;
        }

        /**
         * Adds a listener on 127.0.0.1, e.g. {@code listener("SASL_PLAINTEXT", "SASL_PLAINTEXT", 0)}.
         * Configure it with {@link #brokerProperty} keys prefixed {@code listener.name.<lower-case name>.}.
         *
         * @param name             upper-case listener name, other than PLAINTEXT and CONTROLLER
         * @param securityProtocol PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL
         * @param port             the port, or 0 for a free one
         */
        public Builder listener(String name, String securityProtocol, int port) {
            if (!LISTENER_NAME.matcher(name).matches()
                    || name.equals(PLAINTEXT_LISTENER) || name.equals(CONTROLLER_LISTENER)) {
                throw new IllegalArgumentException("Invalid extra listener name: " + name);
            }
            String protocol = securityProtocol.toUpperCase(Locale.ROOT);
            if (!Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL").contains(protocol)) {
                throw new IllegalArgumentException("Unknown security protocol: " + securityProtocol);
            }
            listeners.put(name, new Listener(name, protocol, checkPort(port)));
            return this;
        }

        /**
         * Sets a broker configuration entry, overriding this class's defaults. Keys derived from the
         * listeners and directories (see the class documentation) are rejected.
         */
        public Builder brokerProperty(String key, String value) {
            if (DERIVED_KEYS.contains(key)) {
                throw new IllegalArgumentException(key + " is derived by EmbeddedKafkaBroker; use port(), "
                        + "controllerPort(), listener() or logDir() instead");
            }
            brokerProperties.put(key, value);
            return this;
        }

        /**
         * Keeps the broker's data in this directory (created if missing, reused if already formatted,
         * not deleted on close). By default a fresh temporary directory is used and deleted on close.
         */
        public Builder logDir(Path logDir) {
            this.logDir = logDir;
            return this;
        }

        /** How long {@link #start()} and topic operations may wait for the broker (default 30 s). */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Formats the storage, starts the broker and waits until it answers an admin request.
         *
         * @throws IllegalStateException if the broker does not answer within the timeout
         */
        public EmbeddedKafkaBroker start() {
            return new EmbeddedKafkaBroker(this);
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("Invalid port: " + port);
            }
            return port;
        }
    }
}

package io.cxstream.kafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node Kafka broker in KRaft mode (no ZooKeeper, no Docker) running inside this JVM.
 *
 * <p>One {@link KafkaRaftServer} plays both roles ({@code process.roles=broker,controller},
 * {@code node.id=1}) with a static one-voter quorum. It listens on 127.0.0.1 only: a {@code PLAINTEXT}
 * listener for clients and inter-broker traffic, a {@code CONTROLLER} listener for the quorum, and any
 * extra listeners added with {@link EmbeddedKafkaBrokerBuilder#listener(String, String, int)}. Every replication factor
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
 * Add another listener with {@link EmbeddedKafkaBrokerBuilder#listener(String, String, int)}; it is appended to
 * {@code listeners}, {@code advertised.listeners} and {@code listener.security.protocol.map}. Configure
 * it with {@link EmbeddedKafkaBrokerBuilder#brokerProperty(String, String)}, using Kafka's per-listener
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
 *
 * <p>The builder ({@link EmbeddedKafkaBrokerBuilder}), the port picking ({@link BrokerPorts}), the broker
 * configuration ({@link BrokerConfig}) and the admin requests with their polling ({@link BrokerAdmin}) live in
 * their own files; this class holds the lifecycle (over 300 lines only because of the manual above).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** The listener for clients and inter-broker traffic; always present. */
    public static final String PLAINTEXT_LISTENER = "PLAINTEXT";
    /** The listener of the KRaft controller quorum. */
    public static final String CONTROLLER_LISTENER = "CONTROLLER";

    /** All listeners by name with their actual ports: PLAINTEXT, the extra ones, CONTROLLER. */
    private final Map<String, BrokerPorts.Listener> listeners;

    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private final Duration timeout;
    /** The complete broker configuration, kept so that {@link #restart()} brings back the same broker. */
    private final Map<String, String> config;
    /** Null while stopped (between {@link #stop()} and {@link #restart()}) and after close. */
    private KafkaRaftServer server;

    private Admin adminClient;
    private BrokerAdmin admin;
    private boolean closed;

    EmbeddedKafkaBroker(EmbeddedKafkaBrokerBuilder builder) {
        this.timeout = builder.timeout();
        this.listeners = BrokerPorts.resolve(builder.port(), builder.extraListeners(), builder.controllerPort());
        this.deleteDataDirOnClose = builder.logDir() == null;
        this.dataDir = builder.logDir() != null ? createDirectories(builder.logDir()) : createTempDirectory();
        this.config = BrokerConfig.of(listeners, dataDir, builder.brokerProperties());

        long startNanos = System.nanoTime();
        try {
            BrokerConfig.formatStorage(new KafkaConfig(config, false), dataDir);
            startServer();
        } catch (RuntimeException | Error e) {
            deleteDataDirIfOwned();
            throw e;
        }
        LOG.info(
                "Kafka broker started at {} in {} ms (data in {})",
                bootstrapServers(),
                elapsedMillis(startNanos),
                dataDir);
    }

    /** Starts the server on the formatted storage and waits until it answers; on failure leaves nothing running. */
    private void startServer() {
        KafkaRaftServer startedServer = null;
        Admin startedAdmin = null;
        try {
            startedServer = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
            startedServer.startup();
            startedAdmin = Admin.create(clientProperties());
            new BrokerAdmin(startedAdmin, timeout).awaitClusterAnswers(bootstrapServers());
        } catch (RuntimeException | Error e) {
            stopQuietly(startedAdmin, startedServer);
            throw e;
        }
        this.server = startedServer;
        this.adminClient = startedAdmin;
        this.admin = new BrokerAdmin(startedAdmin, timeout);
    }

    /** Returns a builder for a broker on a free port with a fresh temporary log directory. */
    public static EmbeddedKafkaBrokerBuilder builder() {
        return new EmbeddedKafkaBrokerBuilder();
    }

    /** The {@code PLAINTEXT} bootstrap address, e.g. {@code 127.0.0.1:9092}. */
    public String bootstrapServers() {
        return bootstrapServers(PLAINTEXT_LISTENER);
    }

    /** The bootstrap address of the given listener (e.g. one added with {@link EmbeddedKafkaBrokerBuilder#listener}). */
    public String bootstrapServers(String listenerName) {
        return BrokerPorts.HOST + ":" + port(listenerName);
    }

    /** The port of the {@code PLAINTEXT} listener. */
    public int port() {
        return port(PLAINTEXT_LISTENER);
    }

    /** The port of the given listener, including {@link #CONTROLLER_LISTENER}. */
    public int port(String listenerName) {
        BrokerPorts.Listener listener = listeners.get(listenerName);
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
        runningAdmin().createTopics(partitions, topicConfig, names);
    }

    /**
     * Deletes topics and waits until they are gone. Topics that do not exist are ignored.
     *
     * @throws IllegalStateException if the topics are not gone within the builder's timeout, or the
     *                               broker is closed or stopped
     */
    public void deleteTopics(String... names) {
        runningAdmin().deleteTopics(names);
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
        stopQuietly(adminClient, server);
        server = null;
        adminClient = null;
        admin = null;
        LOG.info(
                "Kafka broker at {} stopped in {} ms (ports and data kept for a restart)",
                bootstrapServers(),
                elapsedMillis(stopNanos));
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
        LOG.info(
                "Kafka broker restarted at {} in {} ms (data in {})",
                bootstrapServers(),
                elapsedMillis(startNanos),
                dataDir);
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
        stopQuietly(adminClient, server);
        server = null;
        adminClient = null;
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
    private synchronized BrokerAdmin runningAdmin() {
        ensureOpen();
        if (admin == null) {
            throw new IllegalStateException("The Kafka broker at " + bootstrapServers() + " is stopped");
        }
        return admin;
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

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}

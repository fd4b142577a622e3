package io.cxstream.kafka;

import kafka.server.KafkaConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The single-node KRaft configuration of an {@link EmbeddedKafkaBroker}, and the formatting of its storage. */
final class BrokerConfig {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerConfig.class);

    static final int NODE_ID = 1;

    /** Broker configuration that is derived from the builder's listeners and directories. */
    static final Set<String> DERIVED_KEYS = Set.of(
            "listeners",
            "advertised.listeners",
            "listener.security.protocol.map",
            "controller.listener.names",
            "controller.quorum.voters",
            "controller.quorum.bootstrap.servers",
            "process.roles",
            "node.id",
            "log.dir",
            "log.dirs",
            "metadata.log.dir");

    private BrokerConfig() {}

    /** The complete broker configuration: derived keys, single-node defaults, then {@code overrides}. */
    static Map<String, String> of(
            Map<String, BrokerPorts.Listener> listeners, Path dataDir, Map<String, String> overrides) {
        int controllerPort =
                listeners.get(EmbeddedKafkaBroker.CONTROLLER_LISTENER).port();
        List<String> brokerListeners = listeners.values().stream()
                .filter(listener -> !listener.name().equals(EmbeddedKafkaBroker.CONTROLLER_LISTENER))
                .map(BrokerPorts.Listener::address)
                .collect(Collectors.toList());
        String allListeners =
                listeners.values().stream().map(BrokerPorts.Listener::address).collect(Collectors.joining(","));
        String protocolMap = listeners.values().stream()
                .map(listener -> listener.name() + ":" + listener.securityProtocol())
                .collect(Collectors.joining(","));

        Map<String, String> config = new LinkedHashMap<>();
        // Roles, quorum and listeners (not overridable).
        config.put("process.roles", "broker,controller");
        config.put("node.id", Integer.toString(NODE_ID));
        config.put("controller.quorum.voters", NODE_ID + "@" + BrokerPorts.HOST + ":" + controllerPort);
        config.put("controller.listener.names", EmbeddedKafkaBroker.CONTROLLER_LISTENER);
        config.put("listeners", allListeners);
        config.put("advertised.listeners", String.join(",", brokerListeners));
        config.put("listener.security.protocol.map", protocolMap);
        config.put("log.dirs", dataDir.resolve("logs").toString());
        config.put("metadata.log.dir", dataDir.resolve("metadata").toString());
        // Defaults for a single node (overridable).
        config.put("inter.broker.listener.name", EmbeddedKafkaBroker.PLAINTEXT_LISTENER);
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
        config.put(
                "transaction.max.timeout.ms", Long.toString(Duration.ofHours(1).toMillis()));
        config.put("auto.create.topics.enable", "false");
        config.put("controlled.shutdown.enable", "false");
        // The log cleaner allocates this buffer up front (128 MiB by default); a test broker needs little.
        config.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        config.putAll(overrides);
        return config;
    }

    /** Formats the storage for this configuration; a directory already formatted (an earlier run) is reused. */
    static void formatStorage(KafkaConfig config, Path dataDir) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(output, true, StandardCharsets.UTF_8))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setControllerListenerName(EmbeddedKafkaBroker.CONTROLLER_LISTENER)
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
        LOG.debug(
                "Formatted Kafka storage: {}",
                output.toString(StandardCharsets.UTF_8).trim());
    }
}

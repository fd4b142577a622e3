package io.cxstream.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Configures and starts an {@link EmbeddedKafkaBroker}; get one from {@link EmbeddedKafkaBroker#builder()}. */
public final class EmbeddedKafkaBrokerBuilder {

    private static final Pattern LISTENER_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");

    private int port;
    private int controllerPort;
    private Path logDir;
    private Duration timeout = Duration.ofSeconds(30);
    private final Map<String, BrokerPorts.Listener> listeners = new LinkedHashMap<>();
    private final Map<String, String> brokerProperties = new LinkedHashMap<>();

    EmbeddedKafkaBrokerBuilder() {}

    /** Port of the {@code PLAINTEXT} listener; 0 (the default) picks a free port. */
    public EmbeddedKafkaBrokerBuilder port(int port) {
        this.port = checkPort(port);
        return this;
    }

    /** Port of the {@code CONTROLLER} listener; 0 (the default) picks a free port. */
    public EmbeddedKafkaBrokerBuilder controllerPort(int controllerPort) {
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
    public EmbeddedKafkaBrokerBuilder listener(String name, String securityProtocol, int port) {
        if (!LISTENER_NAME.matcher(name).matches()
                || name.equals(EmbeddedKafkaBroker.PLAINTEXT_LISTENER)
                || name.equals(EmbeddedKafkaBroker.CONTROLLER_LISTENER)) {
            throw new IllegalArgumentException("Invalid extra listener name: " + name);
        }
        String protocol = securityProtocol.toUpperCase(Locale.ROOT);
        if (!Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL").contains(protocol)) {
            throw new IllegalArgumentException("Unknown security protocol: " + securityProtocol);
        }
        listeners.put(name, new BrokerPorts.Listener(name, protocol, checkPort(port)));
        return this;
    }

    /**
     * Sets a broker configuration entry, overriding the broker's defaults. Keys derived from the
     * listeners and directories (see {@link EmbeddedKafkaBroker}) are rejected.
     */
    public EmbeddedKafkaBrokerBuilder brokerProperty(String key, String value) {
        if (BrokerConfig.DERIVED_KEYS.contains(key)) {
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
    public EmbeddedKafkaBrokerBuilder logDir(Path logDir) {
        this.logDir = logDir;
        return this;
    }

    /** How long {@link #start()} and topic operations may wait for the broker (default 30 s). */
    public EmbeddedKafkaBrokerBuilder timeout(Duration timeout) {
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

    int port() {
        return port;
    }

    int controllerPort() {
        return controllerPort;
    }

    /** The log directory given, or null for a fresh temporary one. */
    Path logDir() {
        return logDir;
    }

    Duration timeout() {
        return timeout;
    }

    Collection<BrokerPorts.Listener> extraListeners() {
        return listeners.values();
    }

    Map<String, String> brokerProperties() {
        return brokerProperties;
    }

    private static int checkPort(int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("Invalid port: " + port);
        }
        return port;
    }
}

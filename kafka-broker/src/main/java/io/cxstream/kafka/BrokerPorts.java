package io.cxstream.kafka;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Port picking for {@link EmbeddedKafkaBroker}: the listeners with their actual ports, port 0 replaced by a free
 * one. Free ports are looked for below the system's ephemeral port range first: the OS hands ports of that range to
 * outgoing connections, so while the broker is {@link EmbeddedKafkaBroker#stop() stopped} one of them could take its
 * port (or a client reconnecting to it could connect to itself) before the restart.
 */
final class BrokerPorts {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerPorts.class);

    static final String HOST = "127.0.0.1";
    /** Ports picked by this class (port 0) lie between this and the system's ephemeral port range. */
    private static final int FIRST_PICKED_PORT = 10_000;

    private BrokerPorts() {}

    /** A listener on {@link #HOST}: its name, security protocol and port (0 = not yet picked). */
    record Listener(String name, String securityProtocol, int port) {
        String address() {
            return name + "://" + HOST + ":" + port;
        }
    }

    /**
     * All listeners by name with their actual ports, in the order PLAINTEXT, the extra ones, CONTROLLER.
     *
     * @throws IllegalArgumentException if two listeners are given the same port
     */
    static Map<String, Listener> resolve(int plaintextPort, Collection<Listener> extraListeners, int controllerPort) {
        Set<Integer> taken = new HashSet<>();
        taken.add(plaintextPort);
        taken.add(controllerPort);
        extraListeners.forEach(listener -> taken.add(listener.port()));
        List<Listener> all = new ArrayList<>();
        all.add(new Listener(EmbeddedKafkaBroker.PLAINTEXT_LISTENER, "PLAINTEXT", portOrFree(plaintextPort, taken)));
        for (Listener extra : extraListeners) {
            all.add(new Listener(extra.name(), extra.securityProtocol(), portOrFree(extra.port(), taken)));
        }
        all.add(new Listener(EmbeddedKafkaBroker.CONTROLLER_LISTENER, "PLAINTEXT", portOrFree(controllerPort, taken)));
        Map<String, Listener> byName = new LinkedHashMap<>();
        for (Listener listener : all) {
            if (byName.values().stream().anyMatch(other -> other.port() == listener.port())) {
                throw new IllegalArgumentException("Port " + listener.port() + " is given to two listeners");
            }
            byName.put(listener.name(), listener);
        }
        return Collections.unmodifiableMap(byName);
    }

    /** The given port, or if it is 0 a free one that is not in {@code taken} (and is added to it). */
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
            if (Files.isReadable(range)) { // a procfs file claims size 0: read it by lines, not readString
                return Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not read {}", range, e);
        }
        return 0;
    }
}

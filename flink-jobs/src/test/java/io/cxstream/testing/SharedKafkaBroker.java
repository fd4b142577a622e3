package io.cxstream.testing;

import io.cxstream.kafka.EmbeddedKafkaBroker;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.UUID;

/**
 * One real KRaft broker per test JVM, started on first use and stopped when the JVM's tests end.
 * Tests isolate themselves with fresh topics ({@link #freshTopic(String)}).
 *
 * <pre>{@code @RegisterExtension static final SharedKafkaBroker KAFKA = new SharedKafkaBroker();}</pre>
 */
public final class SharedKafkaBroker implements BeforeAllCallback {
    private static EmbeddedKafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker();
        context.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SharedKafkaBroker.class.getName(), k -> new Stopper());
    }

    /** Stops the broker when the root test context closes (after all test classes of this JVM). */
    private static final class Stopper implements AutoCloseable {
        @Override
        public void close() {
            stop();
        }
    }

    public static synchronized EmbeddedKafkaBroker broker() {
        if (broker == null) {
            broker = EmbeddedKafkaBroker.builder().start();
        }
        return broker;
    }

    private static synchronized void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /** A topic name no other test uses, created with {@code partitions} partitions. */
    public String freshTopic(String base, int partitions) {
        String name = base + "-" + UUID.randomUUID().toString().substring(0, 8);
        broker().createTopics(partitions, name);
        return name;
    }

    public String freshTopic(String base) {
        return freshTopic(base, 2);
    }

    /** A fresh compacted topic with one partition (e.g. for rules). */
    public String freshCompactedTopic(String base) {
        String name = base + "-" + UUID.randomUUID().toString().substring(0, 8);
        broker().createCompactedTopics(name);
        return name;
    }
}

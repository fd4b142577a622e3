package io.cxstream.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The admin requests {@link EmbeddedKafkaBroker} makes of itself (the cluster answers, topics created and deleted),
 * each polled until it holds or the builder's timeout passes.
 */
final class BrokerAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerAdmin.class);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private final Admin admin;
    private final Duration timeout;

    BrokerAdmin(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** Waits until the broker at {@code bootstrapServers} answers a describe-cluster request. */
    void awaitClusterAnswers(String bootstrapServers) {
        int callTimeoutMs = (int) Math.min(timeout.toMillis(), 2_000);
        awaitCondition("the broker at " + bootstrapServers + " to answer", () -> {
            Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(callTimeoutMs))
                    .nodes()
                    .get(callTimeoutMs, TimeUnit.MILLISECONDS);
            return nodes.stream().anyMatch(node -> node.id() == BrokerConfig.NODE_ID);
        });
    }

    void createTopics(int partitions, Map<String, String> topicConfig, String... names) {
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
        awaitCondition("topics " + topics + " to have leaders", () -> allPartitionsHaveLeaders(topics));
    }

    void deleteTopics(String... names) {
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

    private boolean allPartitionsHaveLeaders(List<String> topics) throws Exception {
        Map<String, TopicDescription> descriptions;
        try {
            descriptions = admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false; // not yet in the broker's metadata
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
                Thread.sleep(POLL_INTERVAL.toMillis()); // back-off between polls, bounded by the deadline
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
}

package io.cxstream.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Tells when a completed checkpoint covers what was sent: the job's Kafka source commits its
 * offsets to its consumer group only when a checkpoint completes, so once the committed offsets
 * reach the end offsets a topic had at some moment, every record sent before that moment has been
 * processed before a completed checkpoint's barrier — its effect is in that checkpoint's state.
 */
public final class CommittedOffsets implements AutoCloseable {
    private final Admin admin;

    public CommittedOffsets(String bootstrapServers) {
        this(bootstrapProperties(bootstrapServers));
    }

    /** With a full admin client configuration (e.g. an embedded broker's {@code adminConfig()}). */
    public CommittedOffsets(Properties adminConfig) {
        this.admin = Admin.create(adminConfig);
    }

    private static Properties bootstrapProperties(String bootstrapServers) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }

    /** Waits until {@code groupId} has committed at least the current end offsets of {@code topics}. */
    public void awaitCheckpointed(String groupId, Collection<String> topics, Duration timeout) throws Exception {
        Map<TopicPartition, Long> ends = endOffsets(topics);
        Poll.until(
                "a completed checkpoint (committed offsets of group " + groupId + ") to cover " + ends,
                timeout,
                () -> lagging(groupId, ends),
                Map::isEmpty);
    }

    /** The partitions whose committed offset is still below {@code ends}, with what is committed (-1: nothing). */
    private Map<TopicPartition, Long> lagging(String groupId, Map<TopicPartition, Long> ends) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        Map<TopicPartition, Long> lagging = new HashMap<>();
        ends.forEach((tp, end) -> {
            OffsetAndMetadata c = committed.get(tp);
            long offset = c == null ? -1 : c.offset();
            if (end > 0 && offset < end) {
                lagging.put(tp, offset);
            }
        });
        return lagging;
    }

    private Map<TopicPartition, Long> endOffsets(Collection<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (TopicDescription d : admin.describeTopics(topics)
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .values()) {
            d.partitions().forEach(p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e :
                admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).entrySet()) {
            ends.put(e.getKey(), e.getValue().offset());
        }
        return ends;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}

package io.cxstream.voc;

import io.cxstream.avro.Channel;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.VocAggregate;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.io.Outputs;
import io.cxstream.testing.CxJobCluster;
import io.cxstream.testing.CxTopics;
import io.cxstream.testing.Events;
import io.cxstream.testing.TestKafkaClient;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Voice-of-the-Customer branch of the real job on the MiniCluster (parallelism 2) against the real broker:
 * the aggregate counts on {@code cx.voc} reconcile exactly with the answers sent, for every metric, dimension
 * and value, in the minute records and in the rolling windows; each record is stamped with its window end
 * and keyed as documented; no customer id or comment leaves.
 */
class VocITCase {
    /** The last answers' minute closes up to 60 s after they are sent, plus job start on busy cores. */
    private static final Duration WITHIN = Duration.ofSeconds(120);

    @RegisterExtension
    static final CxJobCluster CX = new CxJobCluster();

    @Test
    void aggregateCountsReconcileExactlyWithTheAnswersSent() throws Exception {
        CxTopics topics = CX.topics();
        Map<String, String> settings = topics.jobSettings();
        settings.put("voc.min-sample", "10");
        CX.start(settings, 2);

        // Answers stamped when sent, so none can fall behind the watermark: a quiet partition follows the clock
        // (now - out-of-orderness), and answers stamped further in the past could be behind it when read.
        Random random = new Random(11);
        String[] touchpoints = {"delivery", "support", "checkout"};
        Channel[] channels = {Channel.EMAIL, Channel.WEB};
        Map<String, long[]> expected = new HashMap<>();
        int answers = 150;
        try (TestKafkaClient kafka = new TestKafkaClient(CX.bootstrapServers())) {
            for (int i = 0; i < answers; i++) {
                FeedbackMetric metric = i % 3 == 0 ? FeedbackMetric.CSAT : FeedbackMetric.NPS;
                int score = metric == FeedbackMetric.NPS ? random.nextInt(11) : 1 + random.nextInt(5);
                String customer = "voc-customer-" + i;
                FeedbackEvent e = Events.feedback(customer, System.currentTimeMillis(), metric, score);
                e.setTouchpoint(touchpoints[random.nextInt(touchpoints.length)]);
                e.setChannel(channels[random.nextInt(channels.length)]);
                e.setAgentId(random.nextBoolean() ? "a-" + random.nextInt(3) : null);
                e.setSurveyId(metric == FeedbackMetric.NPS ? "nps-relationship" : "csat-transactional");
                kafka.send(topics.feedback, customer, e, i % 2 == 0 ? WireFormat.AVRO : WireFormat.JSON);
                int bin = metric == FeedbackMetric.NPS ? score : score - 1;
                int bins = metric == FeedbackMetric.NPS ? 11 : 5;
                for (String key : keys(e)) {
                    expected.computeIfAbsent(metric + "/" + key, k -> new long[bins])[bin]++;
                }
            }
            Map<String, ConsumerRecord<byte[], byte[]>> latest;
            // Nothing else is sent: the input is quiet, so event time follows the clock and the last minute closes.
            latest = readUntilReconciled(topics.voc, expected, answers);
            assertThat(kafka.readUntil(
                            topics.deadLetter, io.cxstream.avro.DeadLetter.class, Duration.ofSeconds(2), seen -> false))
                    .as("no answer dead-lettered")
                    .isEmpty();
            WireCodec<VocAggregate> codec = WireCodec.of(VocAggregate.class);
            Map<String, long[]> minuteSums = new HashMap<>();
            Map<String, VocAggregate> hourly = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : latest.values()) {
                VocAggregate a = codec.decode(r.value());
                String id = a.getMetric() + "/" + a.getDimension() + "/" + a.getValue();
                assertThat(r.timestamp())
                        .as("record timestamp = window end")
                        .isEqualTo(a.getWindowEnd().toEpochMilli());
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(Outputs.vocAggregateKey(a));
                String payload = new String(r.value(), StandardCharsets.ISO_8859_1);
                assertThat(payload).doesNotContain("voc-customer-").doesNotContain("a personal comment");
                if (a.getWindow().equals("1m")) {
                    long[] sum = minuteSums.computeIfAbsent(
                            id, k -> new long[a.getDistribution().size()]);
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] += a.getDistribution().get(i);
                    }
                } else if (a.getWindow().equals("1h")) {
                    hourly.put(id, a);
                }
            }
            assertThat(minuteSums.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                assertThat(minuteSums.get(e.getKey()))
                        .as("minute records of " + e.getKey())
                        .containsExactly(e.getValue());
                long n = 0;
                for (long c : e.getValue()) {
                    n += c;
                }
                VocAggregate hour = hourly.get(e.getKey());
                assertThat(hour.getCount()).as("latest 1h of " + e.getKey()).isEqualTo(n);
                assertThat(hour.getSufficient()).isEqualTo(n >= 10);
                assertThat(hour.getScore() == null).isEqualTo(n < 10);
            }
            assertThat(expected.get("NPS/overall/all")).isNotNull();
        }
    }

    /** The dimension/value ids an answer counts under. */
    private static List<String> keys(FeedbackEvent e) {
        List<String> keys = new java.util.ArrayList<>(List.of(
                "overall/all",
                "touchpoint/" + e.getTouchpoint(),
                "channel/" + e.getChannel(),
                "segment/NEW",
                "survey/" + e.getSurveyId(),
                "touchpoint_channel/" + e.getTouchpoint() + "|" + e.getChannel()));
        if (e.getAgentId() != null) {
            keys.add("agent/" + e.getAgentId());
        }
        return keys;
    }

    /**
     * Reads the aggregate topic (read_committed) until, for every expected key, the newest 1h record counts all
     * its answers; returns the newest record per Kafka key (what compaction keeps).
     */
    private static Map<String, ConsumerRecord<byte[], byte[]>> readUntilReconciled(
            String topic, Map<String, long[]> expected, int answers) {
        WireCodec<VocAggregate> codec = WireCodec.of(VocAggregate.class);
        Map<String, ConsumerRecord<byte[], byte[]>> latest = new LinkedHashMap<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, CX.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "voc-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WITHIN.toNanos();
            Map<String, Long> hourCounts = new HashMap<>();
            while (System.nanoTime() < deadline && !complete(hourCounts, expected)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    latest.put(new String(r.key(), StandardCharsets.UTF_8), r);
                    VocAggregate a = codec.decode(r.value());
                    if (a.getWindow().equals("1h")) {
                        hourCounts.put(a.getMetric() + "/" + a.getDimension() + "/" + a.getValue(), a.getCount());
                    }
                }
            }
            List<String> minutes = new java.util.ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : latest.values()) {
                VocAggregate a = codec.decode(r.value());
                if (a.getWindow().equals("1m") && a.getDimension().equals("overall")) {
                    minutes.add(a.getMetric() + " " + a.getWindowStart() + " n=" + a.getCount());
                }
            }
            assertThat(complete(hourCounts, expected))
                    .as("every key's 1h aggregate counts all its answers within " + WITHIN + " (" + answers
                            + " answers sent): " + hourCounts + "; overall minutes seen: " + minutes)
                    .isTrue();
        } catch (io.cxstream.avro.wire.WireFormatException e) {
            throw new AssertionError(e);
        }
        return latest;
    }

    private static boolean complete(Map<String, Long> hourCounts, Map<String, long[]> expected) {
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            long n = 0;
            for (long c : e.getValue()) {
                n += c;
            }
            Long seen = hourCounts.get(e.getKey());
            if (seen == null || seen != n) {
                return false;
            }
        }
        return true;
    }
}

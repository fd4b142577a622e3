package io.cxstream.io;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.TriggerType;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.testing.CxJobCluster;
import io.cxstream.testing.CxTopics;
import io.cxstream.testing.Events;
import io.cxstream.testing.MetricsCapture;
import io.cxstream.testing.Poll;
import io.cxstream.testing.SharedKafkaBroker;
import io.cxstream.testing.TestKafkaClient;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input, contained: thousands of hostile records on each input topic (random bytes, truncated and
 * bit-flipped Avro, unknown fingerprints, malformed and 10,000-deep JSON, wrong types, empty customer
 * ids, out-of-range scores, 1970 and 2200, 5 MiB values), interleaved with good ones, through the real
 * job on the MiniCluster and a real broker. The job must keep running without a restart, dead-letter
 * each bad record with its reason, process each good one, and account for every record in its metrics:
 * {@code cx_records_in == cx_events_in + cx_records_dead_lettered}, per input.
 */
class BadInputITCase {
    private static final Duration WITHIN = Duration.ofSeconds(90);
    /** Good records per input topic. */
    private static final int GOOD = 1000;
    /** Bad records of most kinds per input topic (see {@link BadRecords}): about 2,700 bad records per topic. */
    private static final int PER_KIND = 250;

    private static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    @RegisterExtension
    static final CxJobCluster CX = new CxJobCluster(MetricsCapture.configure(new Configuration()));

    private JobClient job;

    /** Input topics that take 5 MiB records (the broker's default limit is 1 MiB). */
    private static Map<String, String> bigRecordTopics() throws Exception {
        Map<String, String> names = new HashMap<>();
        List<NewTopic> topics = new ArrayList<>();
        for (String input : List.of(
                CxRecordDeserializer.INTERACTIONS, CxRecordDeserializer.FEEDBACK, CxRecordDeserializer.CONSENTS)) {
            String name = "cx." + input + "-big-" + UUID.randomUUID().toString().substring(0, 8);
            names.put(input, name);
            topics.add(new NewTopic(name, 2, (short) 1)
                    .configs(Map.of("max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES))));
        }
        try (Admin admin = Admin.create(SharedKafkaBroker.broker().adminConfig())) {
            admin.createTopics(topics).all().get();
            Poll.until(
                    "leaders of " + names.values(),
                    Duration.ofSeconds(30),
                    () -> admin.describeTopics(names.values()).allTopicNames().get().values().stream()
                            .allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null)),
                    ready -> ready);
        }
        return names;
    }

    private static KafkaProducer<byte[], byte[]> bigRecordProducer() {
        Properties p = SharedKafkaBroker.broker().clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_MESSAGE_BYTES));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(p);
    }

    @Test
    void everyBadRecordIsDeadLetteredWithItsReasonEveryGoodOneIsProcessedAndTheCountsReconcile() throws Exception {
        CxTopics topics = CX.topics();
        Map<String, String> inputs = bigRecordTopics();
        Map<String, String> settings = topics.jobSettings();
        settings.put("topic.interactions", inputs.get(CxRecordDeserializer.INTERACTIONS));
        settings.put("topic.feedback", inputs.get(CxRecordDeserializer.FEEDBACK));
        settings.put("topic.consents", inputs.get(CxRecordDeserializer.CONSENTS));
        job = CX.start(settings, 2);
        JobID jobId = job.getJobID();

        long now = System.currentTimeMillis();
        // Every good record carries the same event time, a minute ahead of the wall clock (within
        // validation.max-future-skew): event time never runs past the clock minus out-of-orderness,
        // so none can be behind the watermark (LATE_EVENT) however long reading them all takes.
        // Their outreach leaves once the clock has passed that time; nothing else is sent.
        long goodTime = now + 60_000;
        BadRecords bad = new BadRecords(20261123L, now);
        Map<String, List<BadRecords.Sample>> samples = new TreeMap<>();
        samples.put(CxRecordDeserializer.INTERACTIONS, bad.interactions(PER_KIND));
        samples.put(CxRecordDeserializer.FEEDBACK, bad.feedback(PER_KIND));
        samples.put(CxRecordDeserializer.CONSENTS, bad.consents(PER_KIND));
        Map<String, Map<DeadLetterReason, Long>> expectedReasons = new TreeMap<>();
        samples.forEach((input, list) -> expectedReasons.put(input, reasons(list, BadRecords.Sample::expected)));

        WireCodec<FeedbackEvent> feedbackCodec = WireCodec.of(FeedbackEvent.class);
        Set<String> detractors = new java.util.TreeSet<>();
        for (int i = 0; i < GOOD; i++) {
            WireFormat format = i % 2 == 0 ? WireFormat.AVRO : WireFormat.JSON;
            String c = "good-i-" + i;
            samples.get(CxRecordDeserializer.INTERACTIONS)
                    .add(new BadRecords.Sample(
                            c,
                            encode(Events.interaction(c, goodTime, InteractionType.PAGE_VIEW, "home"), format),
                            null));
            String f = "good-f-" + i;
            FeedbackEvent detractor = Events.feedback(f, goodTime, FeedbackMetric.NPS, i % 7);
            if (i % 10 == 0) {
                detractor.setComment(bad.letters(20_000)); // cut to validation.max-comment-length, still processed
            }
            samples.get(CxRecordDeserializer.FEEDBACK)
                    .add(new BadRecords.Sample(f, feedbackCodec.encode(detractor, format), null));
            detractors.add(f);
            String k = "good-c-" + i;
            samples.get(CxRecordDeserializer.CONSENTS)
                    .add(new BadRecords.Sample(
                            k,
                            encode(Events.consent(k, goodTime, ConsentAction.OPT_IN, ConsentPurpose.SERVICE), format),
                            null));
        }
        Map<String, Integer> sent = new TreeMap<>();
        samples.forEach((input, list) -> {
            Collections.shuffle(list, bad.random());
            sent.put(input, list.size());
        });

        try (KafkaProducer<byte[], byte[]> producer = bigRecordProducer()) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            int longest = samples.values().stream().mapToInt(List::size).max().orElse(0);
            for (int i = 0; i < longest; i++) { // interleave the three topics
                for (Map.Entry<String, List<BadRecords.Sample>> e : samples.entrySet()) {
                    if (i < e.getValue().size()) {
                        BadRecords.Sample s = e.getValue().get(i);
                        acks.add(producer.send(new ProducerRecord<>(
                                inputs.get(e.getKey()), s.key().getBytes(StandardCharsets.UTF_8), s.value())));
                    }
                }
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get(); // every record, the 5 MiB ones included, is on the broker
            }

            // Every record is read: counted by the job, bad or good.
            Poll.until(
                    "cx_records_in to reach what was sent " + sent,
                    WITHIN,
                    () -> MetricsCapture.byLabel(jobId, Metrics.RECORDS_IN, "input"),
                    toLongs(sent)::equals);

            List<OutreachEvent> outreach;
            try (TestKafkaClient reader = new TestKafkaClient(CX.bootstrapServers())) {
                outreach = reader.readUntil(
                        topics.contactCenter,
                        OutreachEvent.class,
                        WITHIN.plusMillis(goodTime - now),
                        seen -> detractorsOf(seen).size() >= detractors.size());

                assertThat(detractorsOf(outreach))
                        .as("one outreach per good detractor")
                        .containsExactlyElementsOf(detractors);
                assertThat(outreach).as("and nothing else").hasSize(detractors.size());

                int expectedDead = expectedReasons.values().stream()
                        .mapToInt(m -> (int)
                                m.values().stream().mapToLong(Long::longValue).sum())
                        .sum();
                List<DeadLetter> dead = reader.readUntil(
                        topics.deadLetter, DeadLetter.class, WITHIN, seen -> seen.size() >= expectedDead);
                Map<String, Map<DeadLetterReason, Long>> actualReasons = new TreeMap<>();
                for (Map.Entry<String, String> input : inputs.entrySet()) {
                    actualReasons.put(
                            input.getKey(),
                            reasons(
                                    dead.stream()
                                            .filter(d -> d.getSourceTopic().equals(input.getValue()))
                                            .collect(Collectors.toList()),
                                    DeadLetter::getReason));
                }
                assertThat(actualReasons)
                        .as("dead-letter reasons per input topic")
                        .isEqualTo(expectedReasons);
                assertThat(dead).hasSize(expectedDead);
                assertThat(dead)
                        .filteredOn(d -> d.getReason() == DeadLetterReason.TOO_LARGE)
                        .allSatisfy(d -> {
                            assertThat(d.getPayloadTruncated()).isTrue();
                            assertThat(d.getPayload().remaining()).isEqualTo(64 * 1024);
                        });
            }
        }

        // The metrics account for every record, per input.
        Map<String, Long> recordsIn = Poll.until(
                "cx_records_in to count every record",
                WITHIN,
                () -> MetricsCapture.byLabel(jobId, Metrics.RECORDS_IN, "input"),
                m -> m.equals(toLongs(sent)));
        Map<String, Long> eventsIn = MetricsCapture.byLabel(jobId, Metrics.EVENTS_IN, "input");
        Map<String, Long> deadLettered = MetricsCapture.byLabel(jobId, Metrics.RECORDS_DEAD_LETTERED, "input");
        Map<String, Long> expectedDeadLettered = new TreeMap<>();
        expectedReasons.forEach((input, reasons) -> expectedDeadLettered.put(
                input, reasons.values().stream().mapToLong(Long::longValue).sum()));
        assertThat(deadLettered).isEqualTo(expectedDeadLettered);
        assertThat(eventsIn)
                .isEqualTo(Map.of(
                        CxRecordDeserializer.INTERACTIONS, (long) GOOD,
                        CxRecordDeserializer.FEEDBACK, (long) GOOD,
                        CxRecordDeserializer.CONSENTS, (long) GOOD));
        for (String input : recordsIn.keySet()) {
            assertThat(recordsIn.get(input))
                    .as("records in = events in + dead-lettered, for %s", input)
                    .isEqualTo(eventsIn.get(input) + deadLettered.get(input));
        }
        Map<DeadLetterReason, Long> allReasons = new TreeMap<>();
        expectedReasons.values().forEach(m -> m.forEach((r, n) -> allReasons.merge(r, n, Long::sum)));
        Map<String, Long> byReason = MetricsCapture.byLabel(jobId, Metrics.DEAD_LETTERS, "reason");
        assertThat(byReason)
                .isEqualTo(allReasons.entrySet().stream()
                        .collect(Collectors.toMap(
                                e -> e.getKey().name(), Map.Entry::getValue, (a, b) -> a, TreeMap::new)));
        assertThat(MetricsCapture.sum(jobId, Metrics.LATE_EVENTS))
                .as("no good record was late")
                .isZero();

        assertThat(job.getJobStatus().get()).as("the job keeps running").isEqualTo(JobStatus.RUNNING);
        assertThat(MetricsCapture.sum(jobId, "numRestarts"))
                .as("and never restarted")
                .isZero();
    }

    private static <T> Map<DeadLetterReason, Long> reasons(List<T> list, Function<T, DeadLetterReason> reason) {
        Map<DeadLetterReason, Long> counts = new TreeMap<>();
        for (T t : list) {
            DeadLetterReason r = reason.apply(t);
            if (r != null) {
                counts.merge(r, 1L, Long::sum);
            }
        }
        return counts;
    }

    private static Map<String, Long> toLongs(Map<String, Integer> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.longValue()));
        return out;
    }

    private static Set<String> detractorsOf(List<OutreachEvent> outreach) {
        return outreach.stream()
                .filter(o -> o.getTrigger() == TriggerType.DETRACTOR)
                .map(OutreachEvent::getCustomerId)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    @SuppressWarnings("unchecked")
    private static <T extends org.apache.avro.specific.SpecificRecordBase> byte[] encode(T record, WireFormat format) {
        return WireCodec.of((Class<T>) record.getClass()).encode(record, format);
    }
}

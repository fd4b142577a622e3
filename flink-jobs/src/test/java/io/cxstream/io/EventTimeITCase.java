package io.cxstream.io;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.avro.wire.WireFormatException;
import io.cxstream.testing.CxJobCluster;
import io.cxstream.testing.CxTopics;
import io.cxstream.testing.TestKafkaClient;

import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.cxstream.testing.Events.feedback;
import static io.cxstream.testing.Events.interaction;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Event time in the arrival orders a user meets: a stream that goes quiet after its last events, a
 * producer whose clock runs minutes fast beside a correct one, and a replay of data older than
 * {@code validation.max-event-age}. Real broker, real job (parallelism 2), no filler traffic: after
 * the events a test sends, nothing else arrives.
 */
class EventTimeITCase {
    private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(2);
    private static final Duration IDLENESS = Duration.ofSeconds(2);
    /** consent.grace, by default the out-of-orderness: a finding is decided once event time passes its evidence + this. */
    private static final Duration GRACE = OUT_OF_ORDERNESS;
    /**
     * The promise: an alert leaves within max(idleness, out-of-orderness + consent grace) + 1 s of the input going
     * quiet (event time follows the clock minus out-of-orderness once a partition is quiet for the idleness).
     */
    private static final Duration LULL_BOUND =
            max(IDLENESS, OUT_OF_ORDERNESS.plus(GRACE)).plusSeconds(1);

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
    /** How long a test waits for output at most: job start on loaded cores included, far above the bounds asserted. */
    private static final Duration WITHIN = Duration.ofSeconds(40);

    @RegisterExtension
    static final CxJobCluster CX = new CxJobCluster();

    private final CxTopics topics = CX.topics();
    private final TestKafkaClient kafka = CX.kafka();
    private JobClient job;

    private Map<String, String> settings() {
        Map<String, String> s = topics.jobSettings();
        s.put("watermark.max-out-of-orderness", OUT_OF_ORDERNESS.toMillis() + " ms");
        s.put("watermark.idleness", IDLENESS.toMillis() + " ms");
        return s;
    }

    /**
     * Starts the job and returns once it reads its input: a garbage record's dead letter (which needs
     * no watermark) has come out. So a test's stamps are not aged by the job's start.
     */
    private void startAndWaitUntilReading(Map<String, String> settings) throws Exception {
        job = CX.start(settings, 2);
        kafka.send(topics.consents, "warm-up", "not an event".getBytes(StandardCharsets.UTF_8));
        List<DeadLetter> dead = kafka.readUntil(topics.deadLetter, DeadLetter.class, WITHIN, seen -> !seen.isEmpty());
        assertThat(dead).as("the job reads its input").hasSize(1);
    }

    @Test
    void theLastAlertsBeforeALullLeaveWithoutMoreTraffic() throws Exception {
        Map<String, String> settings = settings();
        Duration abandonWindow = Duration.ofSeconds(3);
        settings.put("detect.abandonment.window", abandonWindow.toMillis() + " ms");
        startAndWaitUntilReading(settings);

        long t = System.currentTimeMillis();
        kafka.send(
                topics.feedback,
                "quiet-detractor",
                feedback("quiet-detractor", t, FeedbackMetric.NPS, 1),
                WireFormat.AVRO);
        // Payment friction and abandonment are decided only when the watermark passes their evidence.
        kafka.send(
                topics.interactions,
                "quiet-payer",
                interaction("quiet-payer", t, InteractionType.PAYMENT_FAILED, "checkout"),
                WireFormat.AVRO);
        kafka.send(
                topics.interactions,
                "quiet-payer",
                interaction("quiet-payer", t + 1, InteractionType.PAYMENT_FAILED, "checkout"),
                WireFormat.AVRO);
        kafka.send(
                topics.interactions,
                "quiet-abandoner",
                interaction("quiet-abandoner", t, InteractionType.ERROR, "checkout"),
                WireFormat.AVRO);
        long quietFrom = System.currentTimeMillis();

        Set<String> expected = Set.of(
                "quiet-detractor/DETRACTOR", "quiet-payer/PAYMENT_FRICTION", "quiet-abandoner/ERROR_THEN_ABANDON");
        List<OutreachEvent> outreach = kafka.readUntil(
                topics.contactCenter,
                OutreachEvent.class,
                WITHIN,
                seen -> keys(seen).containsAll(expected));
        assertThat(keys(outreach))
                .as("every alert, with nothing sent after the events")
                .containsAll(expected);

        for (OutreachEvent o : outreach) {
            long evidence = o.getLastEvidenceTime().toEpochMilli();
            long emitted = o.getEmittedAt().toEpochMilli();
            // The abandonment's evidence time is its deadline (error + window), after the lull began.
            long due = Math.max(quietFrom, evidence);
            assertThat(emitted - due)
                    .as(
                            "%s/%s: out within max(idleness, out-of-orderness + grace) + 1 s of the lull (or deadline)",
                            o.getCustomerId(), o.getTrigger())
                    .isLessThanOrEqualTo(LULL_BOUND.toMillis());
            assertThat(emitted - evidence)
                    .as(
                            "%s/%s: event time never runs past the clock minus out-of-orderness",
                            o.getCustomerId(), o.getTrigger())
                    .isGreaterThan(OUT_OF_ORDERNESS.toMillis());
        }
        assertThat(byKey(outreach, "quiet-abandoner/ERROR_THEN_ABANDON").getLastEvidenceTime())
                .isEqualTo(Instant.ofEpochMilli(t + abandonWindow.toMillis()));
    }

    @Test
    void aProducerClockFiveMinutesFastDeadLettersNothingOfACorrectOne() throws Exception {
        startAndWaitUntilReading(settings());
        long skew = Duration.ofMinutes(5).toMillis();
        // Both producers write answers to the same partition (customers are keys; many share a partition).
        int partition = 0;
        List<String> correct = new ArrayList<>();
        correct.add(send(partition, "on-time-0", System.currentTimeMillis()));
        String fast = send(partition, "fast-clock", System.currentTimeMillis() + skew);
        for (int i = 1; i <= 5; i++) {
            Thread.sleep(300); // paces the correct producer; not a wait for a result
            correct.add(send(partition, "on-time-" + i, System.currentTimeMillis()));
        }
        long quietFrom = System.currentTimeMillis();

        Set<String> expected = correct.stream().map(c -> c + "/DETRACTOR").collect(Collectors.toSet());
        List<OutreachEvent> outreach = new ArrayList<>();
        List<DeadLetter> dead = new ArrayList<>();
        long deadline = System.nanoTime() + WITHIN.toNanos();
        // Until every correct answer is accounted for: alerted, or dead-lettered (what main did).
        while (System.nanoTime() < deadline) {
            outreach =
                    kafka.readUntil(topics.contactCenter, OutreachEvent.class, Duration.ofMillis(500), seen -> false);
            dead = kafka.readUntil(topics.deadLetter, DeadLetter.class, Duration.ofMillis(500), seen -> false);
            Set<String> accounted = keys(outreach).stream()
                    .map(k -> k.substring(0, k.indexOf('/')))
                    .collect(Collectors.toSet());
            accounted.addAll(deadCustomers(dead));
            if (accounted.containsAll(correct)) {
                break;
            }
        }

        assertThat(dead)
                .as("no dead letters but the warm-up record: none of the correct producer's, none of the fast one's")
                .extracting(DeadLetter::getReason)
                .containsExactly(DeadLetterReason.UNRECOGNIZED_FORMAT);
        assertThat(keys(outreach))
                .as("an alert for every answer of the correct producer")
                .containsAll(expected);
        for (OutreachEvent o : outreach) {
            long evidence = o.getLastEvidenceTime().toEpochMilli();
            long emitted = o.getEmittedAt().toEpochMilli();
            assertThat(emitted - evidence)
                    .as(
                            "%s: the fast clock did not move event time past the clock minus out-of-orderness",
                            o.getCustomerId())
                    .isGreaterThan(OUT_OF_ORDERNESS.toMillis());
            assertThat(emitted - quietFrom)
                    .as("%s: out within max(idleness, out-of-orderness + grace) + 1 s of the lull", o.getCustomerId())
                    .isLessThanOrEqualTo(LULL_BOUND.toMillis());
        }
        assertThat(keys(outreach))
                .as("the fast producer's answer waits until the clock reaches its stamp")
                .doesNotContain(fast + "/DETRACTOR");
    }

    @Test
    void aReplayOfOldDataIsProcessedAndMovesEventTimeOnlyWithItsEvents() throws Exception {
        Map<String, String> settings = settings();
        settings.put("event-time.mode", "replay");
        settings.put("validation.max-event-age", "30 d");
        startAndWaitUntilReading(settings);

        // Older than validation.max-event-age by the job's clock: dead-lettered in live mode.
        long base = System.currentTimeMillis() - Duration.ofDays(40).toMillis();
        int partition = 0;
        kafka.send(
                topics.interactions,
                partition,
                "replay-payer",
                interaction("replay-payer", base, InteractionType.PAYMENT_FAILED, "checkout"),
                WireFormat.AVRO);
        kafka.send(
                topics.interactions,
                partition,
                "replay-payer",
                interaction("replay-payer", base + 1_000, InteractionType.PAYMENT_FAILED, "checkout"),
                WireFormat.AVRO);
        // A later event of the replay moves event time past the failures (out-of-orderness later)...
        kafka.send(
                topics.interactions,
                partition,
                "replay-later",
                interaction("replay-later", base + 10_000, InteractionType.PAGE_VIEW, "home"),
                WireFormat.AVRO);
        // ...but nothing moves it past the last events: in a replay the job's clock says nothing about event time.
        kafka.send(
                topics.feedback,
                partition,
                "replay-last",
                feedback("replay-last", base + 10_000, FeedbackMetric.NPS, 0),
                WireFormat.AVRO);

        List<OutreachEvent> outreach = kafka.readUntil(
                topics.contactCenter,
                OutreachEvent.class,
                WITHIN,
                seen -> keys(seen).contains("replay-payer/PAYMENT_FRICTION"));
        assertThat(keys(outreach)).contains("replay-payer/PAYMENT_FRICTION");
        assertThat(byKey(outreach, "replay-payer/PAYMENT_FRICTION").getLastEvidenceTime())
                .isEqualTo(Instant.ofEpochMilli(base + 1_000));

        // Well past out-of-orderness + idleness + 1 s: live mode would have released the last answer by now.
        outreach =
                kafka.readUntil(topics.contactCenter, OutreachEvent.class, LULL_BOUND.multipliedBy(2), seen -> false);
        assertThat(keys(outreach))
                .as("the replay's last answer waits for later events")
                .doesNotContain("replay-last/DETRACTOR");
        List<DeadLetter> dead =
                kafka.readUntil(topics.deadLetter, DeadLetter.class, Duration.ofSeconds(1), seen -> false);
        assertThat(dead)
                .as("no old event dead-lettered (only the warm-up record)")
                .extracting(DeadLetter::getReason)
                .containsExactly(DeadLetterReason.UNRECOGNIZED_FORMAT);
    }

    private String send(int partition, String customer, long time) {
        FeedbackEvent answer = feedback(customer, time, FeedbackMetric.NPS, 2);
        kafka.send(topics.feedback, partition, customer, answer, WireFormat.AVRO);
        return customer;
    }

    private static Set<String> deadCustomers(List<DeadLetter> dead) {
        WireCodec<FeedbackEvent> codec = WireCodec.of(FeedbackEvent.class);
        Set<String> customers = new HashSet<>();
        for (DeadLetter d : dead) {
            if (d.getReason() == DeadLetterReason.UNRECOGNIZED_FORMAT) {
                continue;
            }
            byte[] payload = new byte[d.getPayload().remaining()];
            d.getPayload().duplicate().get(payload);
            try {
                customers.add(codec.decode(payload).getCustomerId());
            } catch (WireFormatException e) {
                throw new AssertionError("a dead letter of ours that does not decode: " + d.getReason(), e);
            }
        }
        return customers;
    }

    private static Set<String> keys(List<OutreachEvent> outreach) {
        return outreach.stream()
                .map(o -> o.getCustomerId() + "/" + o.getTrigger())
                .collect(Collectors.toSet());
    }

    private static OutreachEvent byKey(List<OutreachEvent> outreach, String key) {
        return outreach.stream()
                .filter(o -> (o.getCustomerId() + "/" + o.getTrigger()).equals(key))
                .findFirst()
                .orElseThrow();
    }
}

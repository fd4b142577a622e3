package io.cxstream;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.Priority;
import io.cxstream.avro.Route;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.testing.CxJobCluster;
import io.cxstream.testing.CxTopics;
import io.cxstream.testing.TestKafkaClient;

import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.cxstream.testing.Events.consent;
import static io.cxstream.testing.Events.feedback;
import static io.cxstream.testing.Events.interaction;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole job against a real Kafka broker on the Flink MiniCluster (parallelism 2): Avro and JSON
 * events in, outreach on the right topics, bad records in the dead-letter topic.
 */
class CxJobITCase {
    private static final Duration WITHIN = Duration.ofSeconds(25);

    @RegisterExtension
    static final CxJobCluster CX = new CxJobCluster();

    private final CxTopics topics = CX.topics();
    private final TestKafkaClient kafka = CX.kafka();
    private JobClient job;

    private void send(String customer, long t, InteractionType type, String touchpoint, WireFormat format) {
        kafka.send(
                topics.interactions,
                customer,
                io.cxstream.testing.Events.interaction(customer, t, type, touchpoint),
                format);
    }

    private void nps(String customer, long t, int score, WireFormat format) {
        kafka.send(topics.feedback, customer, feedback(customer, t, FeedbackMetric.NPS, score), format);
    }

    @ParameterizedTest(name = "delivery-guarantee={0}")
    @ValueSource(strings = {"at-least-once", "exactly-once"})
    void detectsEveryTriggerAndRoutesItWithConsentAndCooldown(String deliveryGuarantee) throws Exception {
        Map<String, String> settings = topics.jobSettings();
        settings.put("delivery-guarantee", deliveryGuarantee);
        settings.put("detect.abandonment.window", "2 s");
        job = CX.start(settings, 2);

        long t = System.currentTimeMillis();
        // should alert
        nps("detractor", t, 1, WireFormat.AVRO);
        nps("detractor-json", t, 5, WireFormat.JSON);
        send("payer", t, InteractionType.CHECKOUT_START, "checkout", WireFormat.AVRO);
        send("payer", t + 1, InteractionType.PAYMENT_FAILED, "checkout", WireFormat.AVRO);
        send("payer", t + 2, InteractionType.PAYMENT_FAILED, "checkout", WireFormat.JSON);
        for (int i = 0; i < 3; i++) {
            send("caller", t + i, InteractionType.SUPPORT_CONTACT, "support", WireFormat.JSON);
        }
        send("abandoner", t, InteractionType.ERROR, "checkout", WireFormat.AVRO);
        kafka.send(
                topics.consents,
                "promoter",
                consent("promoter", t, ConsentAction.OPT_IN, ConsentPurpose.MARKETING),
                WireFormat.JSON);
        nps("promoter", t + 100, 10, WireFormat.AVRO);
        nps("repeat-detractor", t, 2, WireFormat.AVRO);
        nps("repeat-detractor", t + 50, 3, WireFormat.AVRO);
        // should not alert
        nps("passive", t, 7, WireFormat.AVRO);
        nps("promoter-without-consent", t, 10, WireFormat.AVRO);
        kafka.send(
                topics.consents,
                "opted-out",
                consent("opted-out", t, ConsentAction.OPT_OUT, ConsentPurpose.SERVICE),
                WireFormat.AVRO);
        nps("opted-out", t + 100, 0, WireFormat.AVRO);
        send("recovered-payer", t, InteractionType.PAYMENT_FAILED, "checkout", WireFormat.AVRO);
        send("recovered-payer", t + 1, InteractionType.ORDER_PLACED, "checkout", WireFormat.AVRO);
        send("recovered-payer", t + 2, InteractionType.PAYMENT_FAILED, "checkout", WireFormat.AVRO);
        send("buyer", t, InteractionType.ERROR, "checkout", WireFormat.AVRO);
        send("buyer", t + 10, InteractionType.ORDER_PLACED, "checkout", WireFormat.AVRO);

        Set<String> expectedContactCenter = Set.of(
                "detractor/DETRACTOR",
                "detractor-json/DETRACTOR",
                "payer/PAYMENT_FRICTION",
                "caller/REPEAT_CONTACT",
                "abandoner/ERROR_THEN_ABANDON",
                "repeat-detractor/DETRACTOR");
        List<OutreachEvent> contactCenter;
        List<OutreachEvent> marketing;
        // Nothing else is sent: event time moves on with the clock once the input is quiet.
        long sent = System.nanoTime();
        contactCenter = kafka.readUntil(
                topics.contactCenter,
                OutreachEvent.class,
                WITHIN.plusSeconds(5),
                seen -> keys(seen).containsAll(expectedContactCenter));
        marketing = kafka.readUntil(
                topics.marketing,
                OutreachEvent.class,
                WITHIN,
                seen -> keys(seen).contains("promoter/PROMOTER"));
        assertThat(Duration.ofNanos(System.nanoTime() - sent))
                .as("all outreach within %s of the events (first run includes job start)", WITHIN.plusSeconds(5))
                .isLessThan(WITHIN.plusSeconds(5));
        // Nothing else may show up while event time moves on for another two seconds.
        contactCenter =
                kafka.readUntil(topics.contactCenter, OutreachEvent.class, Duration.ofSeconds(2), seen -> false);
        marketing = kafka.readUntil(topics.marketing, OutreachEvent.class, Duration.ofSeconds(1), seen -> false);

        assertThat(keys(contactCenter)).containsExactlyInAnyOrderElementsOf(expectedContactCenter);
        assertThat(contactCenter)
                .as("one outreach per customer and trigger: cooldown and no duplicates")
                .hasSize(expectedContactCenter.size());
        assertThat(keys(marketing)).containsExactly("promoter/PROMOTER");

        OutreachEvent detractor = byCustomer(contactCenter, "detractor");
        assertThat(detractor.getRoute()).isEqualTo(Route.CONTACT_CENTER);
        assertThat(detractor.getPriority()).isEqualTo(Priority.P1);
        assertThat(detractor.getReason()).contains("NPS 1");
        assertThat(detractor.getJourney().getLastNps()).isEqualTo(1);
        assertThat(detractor.getEmittedAt()).isAfterOrEqualTo(detractor.getLastEvidenceTime());
        assertThat(byCustomer(contactCenter, "payer").getEvidence()).hasSize(2);
        assertThat(byCustomer(contactCenter, "repeat-detractor")
                        .getEvidence()
                        .get(0)
                        .getKind())
                .isEqualTo("NPS=2");
        assertThat(marketing.get(0).getRoute()).isEqualTo(Route.MARKETING);
        assertThat(marketing.get(0).toString()).doesNotContain("a personal comment");
    }

    @Test
    void badRecordsGoToTheDeadLetterTopicWithAReasonWhileGoodOnesFlow() throws Exception {
        job = CX.start(topics.jobSettings(), 2);
        long now = System.currentTimeMillis();
        WireCodec<InteractionEvent> interactions = WireCodec.of(InteractionEvent.class);
        byte[] good = interactions.encode(interaction("x", now, InteractionType.PAGE_VIEW, "home"), WireFormat.AVRO);
        byte[] unknownFingerprint = good.clone();
        unknownFingerprint[2] ^= 0x55;

        kafka.send(topics.interactions, "k", "definitely not avro".getBytes(StandardCharsets.UTF_8));
        kafka.send(topics.interactions, "k", unknownFingerprint);
        kafka.send(topics.interactions, "k", Arrays.copyOf(good, 12));
        kafka.send(topics.interactions, "k", "{\"eventId\": ".getBytes(StandardCharsets.UTF_8));
        kafka.send(topics.interactions, "k", interaction("", now, InteractionType.PAGE_VIEW, "home"), WireFormat.AVRO);
        kafka.send(
                topics.interactions,
                "k",
                interaction("c", 7_258_118_400_000L, InteractionType.PAGE_VIEW, "home"),
                WireFormat.AVRO);
        kafka.send(
                topics.interactions, "k", interaction("c", 1_000L, InteractionType.PAGE_VIEW, "home"), WireFormat.JSON);
        kafka.send(topics.feedback, "k", feedback("c", now, FeedbackMetric.NPS, 11), WireFormat.AVRO);
        kafka.send(topics.feedback, "k", feedback("c", now, FeedbackMetric.NPS, -1), WireFormat.JSON);
        FeedbackEvent goodDetractor = feedback("still-flowing", now, FeedbackMetric.NPS, 0);
        kafka.send(topics.feedback, "still-flowing", goodDetractor, WireFormat.AVRO);

        List<DeadLetterReason> expected = List.of(
                DeadLetterReason.UNRECOGNIZED_FORMAT,
                DeadLetterReason.UNKNOWN_SCHEMA,
                DeadLetterReason.UNDECODABLE,
                DeadLetterReason.UNDECODABLE,
                DeadLetterReason.MISSING_CUSTOMER_ID,
                DeadLetterReason.TIMESTAMP_IN_FUTURE,
                DeadLetterReason.TIMESTAMP_TOO_OLD,
                DeadLetterReason.SCORE_OUT_OF_RANGE,
                DeadLetterReason.SCORE_OUT_OF_RANGE);
        List<DeadLetter> dead;
        List<OutreachEvent> outreach;
        dead = kafka.readUntil(
                topics.deadLetter, DeadLetter.class, WITHIN.plusSeconds(5), seen -> seen.size() >= expected.size());
        outreach = kafka.readUntil(
                topics.contactCenter,
                OutreachEvent.class,
                WITHIN,
                seen -> keys(seen).contains("still-flowing/DETRACTOR"));
        assertThat(dead).extracting(DeadLetter::getReason).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(dead).allSatisfy(d -> {
            assertThat(d.getSourceTopic()).isIn(topics.interactions, topics.feedback);
            assertThat(d.getSourceOffset()).isGreaterThanOrEqualTo(0);
            assertThat(d.getDetail()).isNotBlank();
        });
        DeadLetter garbage = dead.stream()
                .filter(d -> d.getReason() == DeadLetterReason.UNRECOGNIZED_FORMAT)
                .findFirst()
                .orElseThrow();
        assertThat(StandardCharsets.UTF_8.decode(garbage.getPayload()).toString())
                .isEqualTo("definitely not avro");
        assertThat(keys(outreach)).contains("still-flowing/DETRACTOR");
        assertThat(job.getJobStatus().get())
                .as("the job keeps running")
                .isEqualTo(org.apache.flink.api.common.JobStatus.RUNNING);
    }

    static Set<String> keys(List<OutreachEvent> outreach) {
        return outreach.stream()
                .map(o -> o.getCustomerId() + "/" + o.getTrigger())
                .collect(Collectors.toSet());
    }

    static OutreachEvent byCustomer(List<OutreachEvent> outreach, String customer) {
        return outreach.stream()
                .filter(o -> o.getCustomerId().equals(customer))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no outreach for " + customer));
    }
}

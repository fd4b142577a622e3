package io.cxstream.loop;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.FeedbackAction;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.OutreachFeedback;
import io.cxstream.avro.OutreachStatus;
import io.cxstream.avro.OutreachUpdate;
import io.cxstream.avro.RecoveryOutcome;
import io.cxstream.avro.RecoveryRate;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.io.Metrics;
import io.cxstream.testing.CxJobCluster;
import io.cxstream.testing.CxTopics;
import io.cxstream.testing.Events;
import io.cxstream.testing.Kcat;
import io.cxstream.testing.MetricsCapture;
import io.cxstream.testing.Poll;
import io.cxstream.testing.TestKafkaClient;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The closed loop on the real broker, MiniCluster at parallelism 2, with a 3 s P1 SLA, a contact-center cap of 1
 * a day, a 50 % holdout and a 5 s follow-up: a payment friction healed by an order is never called; a P1 nobody
 * acks is escalated, then expires; a second trigger of a capped customer is suppressed; an ack and a close from
 * the feedback topic move an outreach to ACKED and CLOSED, and bad ones are dead-lettered; the detractor's
 * recovery figures (treated versus held out) equal exactly what the input implies. A rule published on the
 * rules topic while the job runs brings its {@code loop}: the event it names resolves its outreach.
 */
class ClosedLoopITCase {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final CxJobCluster CX = new CxJobCluster(MetricsCapture.configure(new Configuration()));

    private JobClient job;

    @Test
    void resolvedEscalatedCappedAckedAndRecoveryReconciled() throws Exception {
        CxTopics topics = CX.topics();
        Map<String, String> settings = topics.jobSettings();
        settings.put("outreach.lifecycle.enabled", "true");
        settings.put("outreach.sla.contact-center", "P1=3 s;P2=1 h");
        settings.put("outreach.cap.contact-center", "1");
        settings.put("outreach.cooldown", "0 ms"); // so a second detractor answer reaches the cap
        settings.put("outreach.holdout-percent", "50");
        settings.put("outreach.recovery.period", "5 s");
        job = CX.start(settings, 2);

        String resolved = customer("resolved", false, "payment-friction", 0);
        String unanswered = customer("unanswered", false, "payment-friction", 0);
        String capped = customer("capped", false, "detractor", 0);
        List<String> heldOut = new ArrayList<>();
        List<String> treated = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            heldOut.add(customer("held", true, "detractor", i));
            treated.add(customer("treated", false, "detractor", i));
        }
        try (TestKafkaClient kafka = new TestKafkaClient(CX.bootstrapServers())) {
            long t = System.currentTimeMillis();
            for (String c : List.of(resolved, unanswered)) {
                interaction(kafka, topics, c, t, InteractionType.PAYMENT_FAILED);
                interaction(kafka, topics, c, t + 1, InteractionType.PAYMENT_FAILED);
            }
            interaction(kafka, topics, resolved, t + 2, InteractionType.ORDER_PLACED);
            nps(kafka, topics, capped, t, 3);
            nps(kafka, topics, capped, t + 10, 2);
            for (int i = 0; i < 4; i++) {
                nps(kafka, topics, heldOut.get(i), t, 3);
                nps(kafka, topics, treated.get(i), t, 3);
                if (i < 2) { // half of each arm orders a second later: recovered
                    interaction(kafka, topics, heldOut.get(i), t + 1_000, InteractionType.ORDER_PLACED);
                    interaction(kafka, topics, treated.get(i), t + 1_000, InteractionType.ORDER_PLACED);
                }
            }

            // ---- acks and closes from the contact center ----
            List<OutreachEvent> sent = kafka.readUntil(
                    topics.contactCenter,
                    OutreachEvent.class,
                    TIMEOUT,
                    s -> customers(s).containsAll(treated)
                            && customers(s).contains(unanswered)
                            && customers(s).contains(capped));
            String acked = treated.get(3);
            OutreachEvent toAck = sent.stream()
                    .filter(o -> o.getCustomerId().equals(acked))
                    .findFirst()
                    .orElseThrow();
            feedback(kafka, topics, acked, toAck.getOutreachId(), FeedbackAction.ACK, "agent-1", null);
            feedback(kafka, topics, acked, toAck.getOutreachId(), FeedbackAction.CLOSE, "agent-1", "called, all good");
            feedback(kafka, topics, acked, "no-such-outreach", FeedbackAction.ACK, "agent-1", null);
            kafka.send(topics.outreachFeedback, acked, "not an ack".getBytes(StandardCharsets.UTF_8));

            // ---- what the job made of it ----
            List<OutreachUpdate> updates = kafka.readUntil(
                    topics.outreachUpdates,
                    OutreachUpdate.class,
                    TIMEOUT,
                    has(u -> u.getCustomerId().equals(unanswered) && u.getStatus() == OutreachStatus.EXPIRED)
                            .and(has(u -> u.getCustomerId().equals(acked) && u.getStatus() == OutreachStatus.CLOSED))
                            .and(s -> s.stream()
                                            .filter(u -> u.getRecovery() != null)
                                            .count()
                                    >= 11)); // one each: resolved, unanswered, capped, 4 held out, 4 treated

            assertThat(customers(sent))
                    .as("healed by the order: never sent")
                    .doesNotContain(resolved)
                    .doesNotContainAnyElementsOf(heldOut);
            assertThat(statuses(updates, resolved))
                    .as("resolved, no call, no escalation")
                    .containsExactly("RESOLVED", "RESOLVED/RECOVERED");
            assertThat(updates)
                    .filteredOn(u -> u.getCustomerId().equals(resolved))
                    .first()
                    .satisfies(u -> assertThat(u.getDetail()).isEqualTo("resolved before it was sent by ORDER_PLACED"));
            assertThat(changes(updates, unanswered)).containsExactly("OPEN", "ESCALATED", "EXPIRED");
            assertThat(outcomes(updates, unanswered)).containsExactly(RecoveryOutcome.NOT_RECOVERED);
            OutreachUpdate escalated = updates.stream()
                    .filter(u -> u.getCustomerId().equals(unanswered) && u.getStatus() == OutreachStatus.ESCALATED)
                    .findFirst()
                    .orElseThrow();
            assertThat(escalated.getDetail()).isEqualTo("P1 not acked within 3 s: escalated to supervisor as P1");
            assertThat(sent.stream().filter(o -> o.getCustomerId().equals(capped)))
                    .as("the cap: one a day")
                    .hasSize(1);
            assertThat(changes(updates, capped)).containsExactly("OPEN");
            assertThat(outcomes(updates, capped)).containsExactly(RecoveryOutcome.NOT_RECOVERED);
            assertThat(changes(updates, acked)).containsExactly("OPEN", "ACKED", "CLOSED");
            assertThat(outcomes(updates, acked)).containsExactly(RecoveryOutcome.NOT_RECOVERED);
            OutreachUpdate closed = updates.stream()
                    .filter(u -> u.getCustomerId().equals(acked)
                            && u.getStatus() == OutreachStatus.CLOSED
                            && u.getRecovery() == null)
                    .findFirst()
                    .orElseThrow();
            assertThat(closed.getHandledBy()).isEqualTo("agent-1");
            for (String c : heldOut) {
                assertThat(statuses(updates, c))
                        .containsExactly(
                                "HELD_OUT",
                                "HELD_OUT/"
                                        + (heldOut.indexOf(c) < 2
                                                ? RecoveryOutcome.RECOVERED
                                                : RecoveryOutcome.NOT_RECOVERED));
            }

            List<RecoveryRate> rates = kafka.readUntil(
                    topics.outreachRecovery,
                    RecoveryRate.class,
                    TIMEOUT,
                    s -> s.stream()
                            .anyMatch(r -> r.getRuleId().equals("detractor") && r.getTreated() + r.getHeldOut() == 9));
            RecoveryRate detractor = rates.stream()
                    .filter(r -> r.getRuleId().equals("detractor"))
                    .reduce((a, b) -> b)
                    .orElseThrow();
            assertThat(List.of(
                            detractor.getTreated(),
                            detractor.getTreatedRecovered(),
                            detractor.getHeldOut(),
                            detractor.getHeldOutRecovered()))
                    .as("treated: 4 + the capped one; held out: 4; 2 of each recovered")
                    .containsExactly(5L, 2L, 4L, 2L);

            // ---- the metrics, summed over subtasks ----
            var id = job.getJobID();
            assertThat(Poll.until(
                            "the loop's metrics",
                            TIMEOUT,
                            () -> MetricsCapture.sum(id, Metrics.SLA_BREACHES),
                            n -> n >= 2))
                    .as("the unanswered P1: escalated, then expired")
                    .isEqualTo(2);
            assertThat(MetricsCapture.byLabel(id, Metrics.SLA_BREACHES, "priority"))
                    .containsEntry("P1", 2L);
            assertThat(MetricsCapture.sum(id, Metrics.OUTREACH_HELD_OUT)).isEqualTo(4);
            assertThat(MetricsCapture.byLabel(id, Metrics.OUTREACH_SUPPRESSED, "reason"))
                    .containsEntry("cap", 1L);
            assertThat(MetricsCapture.byLabel(id, Metrics.FEEDBACK_REJECTED, "reason"))
                    .containsEntry("unknown_outreach", 1L)
                    .containsEntry("unrecognized_format", 1L);
            assertThat(MetricsCapture.byLabel(id, Metrics.OUTREACH_OPEN, "priority"))
                    .as("open now: the 3 treated detractors and the capped one nobody acked (P2)")
                    .containsEntry("P1", 0L)
                    .containsEntry("P2", 4L);

            List<DeadLetter> dead = kafka.readUntil(topics.deadLetter, DeadLetter.class, TIMEOUT, s -> s.size() >= 2);
            assertThat(dead)
                    .extracting(DeadLetter::getReason)
                    .containsExactlyInAnyOrder(DeadLetterReason.UNKNOWN_OUTREACH, DeadLetterReason.UNRECOGNIZED_FORMAT);
        }
    }

    @Test
    void kcatAcksAndClosesAsTheReadmeShows() throws Exception {
        Kcat.require();
        CxTopics topics = CX.topics();
        Map<String, String> settings = topics.jobSettings();
        settings.put("outreach.lifecycle.enabled", "true");
        settings.put("output-format", "json");
        job = CX.start(settings, 2);
        Kcat kcat = new Kcat(CX.bootstrapServers());
        try (TestKafkaClient kafka = new TestKafkaClient(CX.bootstrapServers())) {
            nps(kafka, topics, "alice", System.currentTimeMillis(), 2);
            String id = Poll.until(
                            "alice's outreach id in a header",
                            TIMEOUT,
                            () -> kcat.consumeAll(topics.contactCenter, "%k %h\n"),
                            out -> out.startsWith("alice "))
                    .trim();
            id = id.substring(id.indexOf("cx-outreach-id=") + "cx-outreach-id=".length())
                    .split("[ ,]")[0];
            long now = System.currentTimeMillis();
            kcat.produceKeyed(
                    topics.outreachFeedback,
                    "alice|{\"outreachId\":\"" + id
                            + "\",\"customerId\":\"alice\",\"action\":\"ACK\",\"handledBy\":\"agent-7\","
                            + "\"outcomeCode\":null,\"note\":null,\"eventTime\":" + now + "}",
                    "alice|{\"outreachId\":\"" + id
                            + "\",\"customerId\":\"alice\",\"action\":\"CLOSE\",\"handledBy\":\"agent-7\","
                            + "\"outcomeCode\":{\"string\":\"REFUNDED\"},\"note\":{\"string\":\"refund sent, apologised\"},"
                            + "\"eventTime\":" + (now + 1) + "}");
            String updates = Poll.until(
                    "ACKED and CLOSED on the updates topic",
                    TIMEOUT,
                    () -> kcat.consumeAll(topics.outreachUpdates),
                    out -> out.contains("\"CLOSED\""));
            assertThat(updates.lines().map(l -> l.replaceAll(".*\"status\":\"([A-Z_]+)\".*", "$1")))
                    .containsExactly("OPEN", "ACKED", "CLOSED");
            assertThat(updates.lines().reduce((a, b) -> b).orElseThrow())
                    .contains("\"outreachId\":\"" + id + "\"", "agent-7", "REFUNDED", "refund sent, apologised");
        }
    }

    @Test
    void aRulePublishedOnTheRulesTopicIsResolvedByTheEventItsLoopNames() throws Exception {
        CxTopics topics = CX.topics();
        Map<String, String> settings = topics.jobSettings();
        settings.put("outreach.lifecycle.enabled", "true");
        job = CX.start(settings, 2);
        try (TestKafkaClient kafka = new TestKafkaClient(CX.bootstrapServers())) {
            kafka.send(topics.rules, "cart-help", PublishedLoopRulesTest.CART_HELP_V1.getBytes(StandardCharsets.UTF_8));
            // an error from a new customer every few seconds until the job reads the rule (its own source) and alerts
            int[] attempt = {0};
            List<OutreachEvent> sent = Poll.until(
                    "an outreach of the published rule",
                    TIMEOUT,
                    () -> {
                        String c = "bob-" + attempt[0]++;
                        kafka.send(
                                topics.interactions,
                                c,
                                Events.interaction(c, System.currentTimeMillis(), InteractionType.ERROR, "login"),
                                WireFormat.JSON);
                        return kafka.readUntil(
                                topics.contactCenter, OutreachEvent.class, Duration.ofSeconds(5), l -> !l.isEmpty());
                    },
                    l -> !l.isEmpty());
            assertThat(sent).extracting(OutreachEvent::getRuleId).containsOnly("cart-help");
            String bob = sent.get(0).getCustomerId();
            long now = System.currentTimeMillis(); // the watermark follows the wall clock: not late
            kafka.send(
                    topics.interactions,
                    bob,
                    Events.interaction(bob, now, InteractionType.PAGE_VIEW, "home"),
                    WireFormat.JSON);
            kafka.send(
                    topics.interactions,
                    bob,
                    Events.interaction(bob, now + 1, InteractionType.PAGE_VIEW, "help"),
                    WireFormat.JSON);
            List<OutreachUpdate> updates = kafka.readUntil(
                    topics.outreachUpdates,
                    OutreachUpdate.class,
                    TIMEOUT,
                    has(u -> u.getCustomerId().equals(bob) && u.getStatus() == OutreachStatus.RESOLVED));
            assertThat(changes(updates, bob))
                    .as("the help page its loop names resolves it")
                    .containsExactly("OPEN", "RESOLVED");
            assertThat(updates)
                    .filteredOn(u -> u.getCustomerId().equals(bob))
                    .last()
                    .satisfies(u -> assertThat(u.getDetail()).isEqualTo("resolved by PAGE_VIEW"));
        }
    }

    /** A customer name in the wanted holdout arm of {@code rule}. */
    private static String customer(String prefix, boolean heldOut, String rule, int nth) {
        int found = 0;
        for (int i = 0; ; i++) {
            String c = prefix + "-" + i;
            if (Holdout.heldOut(c, rule, 50) == heldOut && found++ == nth) {
                return c;
            }
        }
    }

    private static Predicate<List<OutreachUpdate>> has(Predicate<OutreachUpdate> p) {
        return s -> s.stream().anyMatch(p);
    }

    private static List<String> customers(List<OutreachEvent> sent) {
        return sent.stream().map(OutreachEvent::getCustomerId).collect(Collectors.toList());
    }

    private static List<String> statuses(List<OutreachUpdate> updates, String customer) {
        return updates.stream()
                .filter(u -> u.getCustomerId().equals(customer))
                .map(u -> u.getRecovery() != null
                        ? u.getStatus() + "/" + u.getRecovery()
                        : u.getStatus().name())
                .collect(Collectors.toList());
    }

    /** The status changes of a customer's outreach (not the outcome record), in order. */
    private static List<String> changes(List<OutreachUpdate> updates, String customer) {
        return updates.stream()
                .filter(u -> u.getCustomerId().equals(customer) && u.getRecovery() == null)
                .map(u -> u.getStatus().name())
                .collect(Collectors.toList());
    }

    /** Its recovery outcomes (one expected), whenever its follow-up ended. */
    private static List<RecoveryOutcome> outcomes(List<OutreachUpdate> updates, String customer) {
        return updates.stream()
                .filter(u -> u.getCustomerId().equals(customer) && u.getRecovery() != null)
                .map(OutreachUpdate::getRecovery)
                .collect(Collectors.toList());
    }

    private static void interaction(
            TestKafkaClient kafka, CxTopics topics, String customer, long time, InteractionType type) {
        kafka.send(
                topics.interactions, customer, Events.interaction(customer, time, type, "checkout"), WireFormat.JSON);
    }

    private static void nps(TestKafkaClient kafka, CxTopics topics, String customer, long time, int score) {
        kafka.send(
                topics.feedback, customer, Events.feedback(customer, time, FeedbackMetric.NPS, score), WireFormat.JSON);
    }

    private static void feedback(
            TestKafkaClient kafka,
            CxTopics topics,
            String customer,
            String outreachId,
            FeedbackAction action,
            String who,
            String note) {
        kafka.send(
                topics.outreachFeedback,
                customer,
                OutreachFeedback.newBuilder()
                        .setOutreachId(outreachId)
                        .setCustomerId(customer)
                        .setAction(action)
                        .setHandledBy(who)
                        .setNote(note)
                        .setEventTime(Instant.now())
                        .build(),
                WireFormat.JSON);
    }
}

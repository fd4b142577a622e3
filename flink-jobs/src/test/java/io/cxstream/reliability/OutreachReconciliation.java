package io.cxstream.reliability;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.Evidence;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.OutreachStatus;
import io.cxstream.avro.OutreachUpdate;
import io.cxstream.testing.CustomerLoad.Expected;
import io.cxstream.testing.CxTopics;
import io.cxstream.testing.TestKafkaClient;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reconciles what the job wrote to the outreach topics with what the input must produce: the set
 * of outreachIds must be exactly the expected one (nothing lost, nothing invented), each with the
 * expected customer, trigger and evidence; under exactly-once no record twice, under at-least-once
 * a repeated id only as the same outreach again.
 */
final class OutreachReconciliation {
    /** How long the topics are watched for stragglers once every expected id was seen (event time moves on meanwhile). */
    static final Duration QUIET = Duration.ofSeconds(4);

    private OutreachReconciliation() {}

    /** What was read, and how it reconciled, for the report. */
    record Result(List<OutreachEvent> records, int distinctIds, int duplicates) {
        @Override
        public String toString() {
            return records.size() + " outreach records, " + distinctIds + " distinct outreachIds, " + duplicates
                    + " duplicate records";
        }
    }

    /**
     * Reads the contact-center topic (read_committed) until every expected id is there, keeps reading
     * for {@link #QUIET}, and checks the result; the marketing and dead-letter topics must stay empty
     * (the load's promoters have no marketing consent, and no event may come late).
     */
    static Result reconcile(
            TestKafkaClient kafka,
            CxTopics topics,
            Map<String, Expected> expected,
            boolean exactlyOnce,
            Duration timeout) {
        Set<String> ids = expected.keySet();
        List<OutreachEvent> seen = kafka.readUntil(
                topics.contactCenter,
                OutreachEvent.class,
                timeout,
                records -> ids(records).containsAll(ids));
        List<DeadLetter> dead =
                kafka.readUntil(topics.deadLetter, DeadLetter.class, Duration.ofSeconds(1), records -> false);
        assertThat(ids(seen))
                .as(
                        "outreachIds on the contact-center topic after %s: none of the expected may be missing "
                                + "(dead letters meanwhile: %s)",
                        timeout, summary(dead))
                .containsAll(ids);
        seen = kafka.readUntil(topics.contactCenter, OutreachEvent.class, QUIET, records -> false);

        assertThat(ids(seen)).as("no outreach beyond the expected ones").containsExactlyInAnyOrderElementsOf(ids);
        for (OutreachEvent o : seen) {
            Expected e = expected.get(o.getOutreachId());
            assertThat(o.getCustomerId())
                    .as("customer of %s", o.getOutreachId())
                    .isEqualTo(e.customerId());
            assertThat(o.getTrigger()).as("trigger of %s", o.getOutreachId()).isEqualTo(e.trigger());
            assertThat(o.getEvidence())
                    .extracting(Evidence::getEventId)
                    .as("evidence of %s", o.getOutreachId())
                    .containsExactlyElementsOf(e.evidenceEventIds());
        }
        Map<String, List<OutreachEvent>> byId = seen.stream()
                .collect(Collectors.groupingBy(OutreachEvent::getOutreachId, TreeMap::new, Collectors.toList()));
        int duplicates = seen.size() - byId.size();
        if (exactlyOnce) {
            Map<String, Integer> repeated = new LinkedHashMap<>();
            byId.forEach((id, list) -> {
                if (list.size() > 1) {
                    repeated.put(id, list.size());
                }
            });
            assertThat(repeated)
                    .as("exactly-once: no outreach record twice (read_committed)")
                    .isEmpty();
        } else {
            byId.forEach((id, list) -> assertThat(list.stream()
                            .map(OutreachReconciliation::withoutEmittedAt)
                            .distinct())
                    .as(
                            "at-least-once: the copies of %s are the same outreach (all fields but emittedAt, the processing time)",
                            id)
                    .hasSize(1));
        }
        assertThat(kafka.readUntil(topics.marketing, OutreachEvent.class, Duration.ofSeconds(1), records -> false))
                .as("marketing outreach (promoters without consent must be suppressed)")
                .isEmpty();
        dead = kafka.readUntil(topics.deadLetter, DeadLetter.class, Duration.ofSeconds(1), records -> false);
        assertThat(dead)
                .as("dead letters (a replayed event must never be LATE): %s", summary(dead))
                .isEmpty();
        return new Result(seen, byId.size(), duplicates);
    }

    /**
     * Reconciles the lifecycle (outreach.lifecycle.enabled) with the outreach: on the updates topic every
     * expected outreachId is OPEN and no other id has any update; under exactly-once each id has one OPEN record,
     * under at-least-once a repeated OPEN is the same update again (all fields but updatedAt).
     */
    static void reconcileLifecycle(
            TestKafkaClient kafka, CxTopics topics, Set<String> ids, boolean exactlyOnce, Duration timeout) {
        List<OutreachUpdate> seen = kafka.readUntil(
                topics.outreachUpdates,
                OutreachUpdate.class,
                timeout,
                records -> opened(records).keySet().containsAll(ids));
        seen = kafka.readUntil(topics.outreachUpdates, OutreachUpdate.class, QUIET, records -> false);
        assertThat(seen.stream().map(OutreachUpdate::getOutreachId).collect(Collectors.toSet()))
                .as("lifecycle ids on the updates topic: exactly the outreach sent")
                .containsExactlyInAnyOrderElementsOf(ids);
        Map<String, List<OutreachUpdate>> open = opened(seen);
        assertThat(open.keySet()).as("every outreach sent is OPEN").containsExactlyInAnyOrderElementsOf(ids);
        open.forEach((id, list) -> {
            if (exactlyOnce) {
                assertThat(list).as("exactly-once: one OPEN record of %s", id).hasSize(1);
            } else {
                assertThat(list.stream()
                                .map(u -> OutreachUpdate.newBuilder(u)
                                        .setUpdatedAt(Instant.EPOCH)
                                        .build())
                                .distinct())
                        .as("at-least-once: the OPEN copies of %s are the same update", id)
                        .hasSize(1);
            }
        });
    }

    private static Map<String, List<OutreachUpdate>> opened(List<OutreachUpdate> updates) {
        return updates.stream()
                .filter(u -> u.getStatus() == OutreachStatus.OPEN && u.getRecovery() == null)
                .collect(Collectors.groupingBy(OutreachUpdate::getOutreachId, TreeMap::new, Collectors.toList()));
    }

    /** Reason and detail of each dead letter, for failure messages. */
    static String summary(List<DeadLetter> dead) {
        return dead.size() + " "
                + dead.stream()
                        .map(d -> d.getReason() + " (" + d.getDetail() + ")")
                        .limit(5)
                        .collect(Collectors.toList());
    }

    static Set<String> ids(List<OutreachEvent> outreach) {
        return outreach.stream().map(OutreachEvent::getOutreachId).collect(Collectors.toSet());
    }

    static List<OutreachEvent> ofCustomer(List<OutreachEvent> outreach, String customer) {
        return outreach.stream().filter(o -> o.getCustomerId().equals(customer)).collect(Collectors.toList());
    }

    /** A copy without the one field that legitimately differs between a record and its replay. */
    static OutreachEvent withoutEmittedAt(OutreachEvent o) {
        return OutreachEvent.newBuilder(o).setEmittedAt(Instant.EPOCH).build();
    }
}

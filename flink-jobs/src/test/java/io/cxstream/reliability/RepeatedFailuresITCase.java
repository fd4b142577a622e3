package io.cxstream.reliability;

import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.TriggerType;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.testing.CommittedOffsets;
import io.cxstream.testing.CustomerLoad;
import io.cxstream.testing.CustomerLoad.Expected;
import io.cxstream.testing.CxJobCluster;
import io.cxstream.testing.CxTopics;
import io.cxstream.testing.TaskManagerFailures;
import io.cxstream.testing.TaskManagerFailures.Recovery;
import io.cxstream.testing.TestKafkaClient;

import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.cxstream.testing.Events.feedback;
import static io.cxstream.testing.Events.interaction;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three TaskManager deaths in one run, each while the load flows, each followed by a restore from
 * the latest checkpoint (Flink's default exponential-delay restart strategy, so the back-off grows
 * between them). Exactly-once: the outreach still reconciles exactly with the input, no record twice.
 * A repeat-contact pattern gets its three contacts in three lives of the job (before the first
 * failure, between the first two, after the last) and must complete exactly once; a detractor who
 * answers again in every life gets one outreach only (cooldown).
 */
class RepeatedFailuresITCase {
    private static final Logger LOG = LoggerFactory.getLogger(RepeatedFailuresITCase.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int CUSTOMERS = 270;
    private static final int ROUNDS = 10;
    private static final int FAILURES = 3;

    @RegisterExtension
    static final CxJobCluster CX = new CxJobCluster();

    private final CxTopics topics = CX.topics();
    private final TestKafkaClient kafka = CX.kafka();
    private JobClient job;

    @Test
    void threeTaskManagerDeathsInOneRunStillReconcileExactly(@InjectMiniCluster MiniCluster cluster) throws Exception {
        Map<String, String> settings = ReliabilitySettings.of(topics, "exactly-once");
        job = CX.start(settings, 2);
        JobID jobId = job.getJobID();
        TaskManagerFailures.awaitAllTasksRunning(cluster, jobId, TIMEOUT);

        Map<String, Expected> expected = new LinkedHashMap<>();
        List<String> contacts = new ArrayList<>();
        List<String> suppressedAnswers = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try (CommittedOffsets offsets = new CommittedOffsets(CX.bootstrapServers());
                CustomerLoad load = new CustomerLoad(kafka, topics, "r", CUSTOMERS, ROUNDS, Duration.ofMillis(300))) {
            expected.putAll(load.expected());

            FeedbackEvent firstAnswer = feedback("repeat-detractor", System.currentTimeMillis(), FeedbackMetric.NPS, 4);
            kafka.send(topics.feedback, "repeat-detractor", firstAnswer, WireFormat.AVRO);
            Expected detractor =
                    Expected.of("repeat-detractor", TriggerType.DETRACTOR, List.of(firstAnswer.getEventId()));
            expected.put(detractor.outreachId(), detractor);

            for (int f = 1; f <= FAILURES; f++) {
                if (f <= 2) {
                    InteractionEvent contact = interaction(
                            "slow-caller", System.currentTimeMillis(), InteractionType.SUPPORT_CONTACT, "support");
                    kafka.send(topics.interactions, "slow-caller", contact, WireFormat.AVRO);
                    contacts.add(contact.getEventId());
                }
                if (f > 1) {
                    FeedbackEvent again =
                            feedback("repeat-detractor", System.currentTimeMillis(), FeedbackMetric.NPS, 4);
                    kafka.send(topics.feedback, "repeat-detractor", again, WireFormat.AVRO);
                    suppressedAnswers.add(
                            CustomerLoad.idOf("repeat-detractor", TriggerType.DETRACTOR, List.of(again.getEventId())));
                }
                // Two rounds sent in this life of the job, two more flowing while it dies.
                load.allow(2 * f + 2);
                load.awaitRounds(2 * f, TIMEOUT);
                offsets.awaitCheckpointed(
                        settings.get("group-id"), List.of(topics.interactions, topics.feedback), TIMEOUT);
                int sentAtFailure = load.eventsSent();
                Recovery recovery = TaskManagerFailures.killTaskManagerAndAwaitRecovery(cluster, jobId, TIMEOUT);
                failures.add("#" + f + ": after " + sentAtFailure + " events, restored checkpoint "
                        + recovery.restoredCheckpointId()
                        + " (restore " + recovery.restoresSoFar() + ")"
                        + ", " + (load.eventsSent() - sentAtFailure) + " events sent during the outage");
                assertThat(sentAtFailure).as("failure %s hit mid-stream", f).isBetween(1, load.totalEvents() - 1);
            }
            // The third contact, after the last failure, completes a match that two failures interrupted.
            InteractionEvent lastContact =
                    interaction("slow-caller", System.currentTimeMillis(), InteractionType.SUPPORT_CONTACT, "support");
            kafka.send(topics.interactions, "slow-caller", lastContact, WireFormat.AVRO);
            contacts.add(lastContact.getEventId());
            Expected repeatContact = Expected.of("slow-caller", TriggerType.REPEAT_CONTACT, contacts);

            expected.put(repeatContact.outreachId(), repeatContact);
            load.allowAll();
            load.awaitDone(TIMEOUT);

            OutreachReconciliation.Result result =
                    OutreachReconciliation.reconcile(kafka, topics, expected, true, TIMEOUT);

            assertThat(OutreachReconciliation.ofCustomer(result.records(), "slow-caller"))
                    .as("a repeat-contact pattern fed across three failures completes once")
                    .extracting(OutreachEvent::getOutreachId)
                    .containsExactly(repeatContact.outreachId());
            assertThat(OutreachReconciliation.ofCustomer(result.records(), "repeat-detractor"))
                    .as("the cooldown survives every failure")
                    .extracting(OutreachEvent::getOutreachId)
                    .containsExactly(detractor.outreachId());
            assertThat(OutreachReconciliation.ids(result.records())).doesNotContainAnyElementsOf(suppressedAnswers);
            LOG.info(
                    "{} failures in one run, load of {} events: {}; expected {} outreachIds; read {}",
                    FAILURES,
                    load.totalEvents(),
                    failures,
                    expected.size(),
                    result);
        }
    }
}

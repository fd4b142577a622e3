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
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.cxstream.testing.Events.feedback;
import static io.cxstream.testing.Events.interaction;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A TaskManager dies while thousands of events of 300 customers flow; the job must come back by
 * itself from its last checkpoint and the outreach must reconcile exactly with the input: every
 * expected outreachId, no other, and under exactly-once no record twice.
 *
 * <p>The job gets no restart strategy from us (neither {@code CxJob.flinkConfiguration} nor this
 * cluster sets one): with checkpointing on, Flink's default is exponential-delay, which is what a
 * deployment without its own setting gets, and what is tested here.
 *
 * <p>Beside the load, two customers carry state across the failure: a detractor whose outreach
 * was emitted (and checkpointed) before it answers again after the restart — the cooldown must
 * hold; and a payer with one payment failure before the failure and the second after it — the
 * half-seen CEP match must complete into exactly one PAYMENT_FRICTION.
 *
 * <p>The closed loop runs too: every outreach sent is OPEN exactly once on the updates topic (once per id under
 * at-least-once), and no other id appears there.
 */
class JobFailureRecoveryITCase {
    private static final Logger LOG = LoggerFactory.getLogger(JobFailureRecoveryITCase.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int CUSTOMERS = 300;
    private static final int ROUNDS = 8;

    @RegisterExtension
    static final CxJobCluster CX = new CxJobCluster();

    private final CxTopics topics = CX.topics();
    private final TestKafkaClient kafka = CX.kafka();
    private JobClient job;

    @ParameterizedTest(name = "delivery-guarantee={0}")
    @ValueSource(strings = {"exactly-once", "at-least-once"})
    void aTaskManagerDiesMidStreamAndNothingIsLostOrDuplicated(
            String deliveryGuarantee, @InjectMiniCluster MiniCluster cluster) throws Exception {
        Map<String, String> settings = ReliabilitySettings.of(topics, deliveryGuarantee);
        settings.put("outreach.lifecycle.enabled", "true"); // its ids are reconciled too
        job = CX.start(settings, 2);
        JobID jobId = job.getJobID();
        TaskManagerFailures.awaitAllTasksRunning(cluster, jobId, TIMEOUT);

        Map<String, Expected> expected = new LinkedHashMap<>();
        Recovery recovery;
        int sentAtFailure;
        int sentAfterRecovery;
        String secondAnswerId;
        try (CommittedOffsets offsets = new CommittedOffsets(CX.bootstrapServers());
                CustomerLoad load = new CustomerLoad(kafka, topics, "c", CUSTOMERS, ROUNDS, Duration.ofMillis(300))) {
            expected.putAll(load.expected());

            // Before the failure: the cooldown customer's first answer, the half payer's first failure.
            FeedbackEvent firstAnswer = feedback("cooldown", System.currentTimeMillis(), FeedbackMetric.NPS, 2);
            kafka.send(topics.feedback, "cooldown", firstAnswer, WireFormat.AVRO);
            Expected cooldownOutreach =
                    Expected.of("cooldown", TriggerType.DETRACTOR, List.of(firstAnswer.getEventId()));
            expected.put(cooldownOutreach.outreachId(), cooldownOutreach);
            InteractionEvent firstFailure =
                    interaction("half-payer", System.currentTimeMillis(), InteractionType.PAYMENT_FAILED, "checkout");
            kafka.send(topics.interactions, "half-payer", firstFailure, WireFormat.AVRO);

            // The last two rounds wait until after the recovery; the failure hits while the middle ones flow.
            load.allow(ROUNDS - 2);
            load.awaitRounds(3, TIMEOUT);
            assertThat(kafka.readUntil(
                            topics.contactCenter,
                            OutreachEvent.class,
                            TIMEOUT,
                            seen -> OutreachReconciliation.ids(seen).contains(cooldownOutreach.outreachId())))
                    .as("the cooldown customer's first outreach, before the failure")
                    .extracting(OutreachEvent::getOutreachId)
                    .contains(cooldownOutreach.outreachId());
            offsets.awaitCheckpointed(settings.get("group-id"), List.of(topics.interactions, topics.feedback), TIMEOUT);

            sentAtFailure = load.eventsSent();
            recovery = TaskManagerFailures.killTaskManagerAndAwaitRecovery(cluster, jobId, TIMEOUT);
            sentAfterRecovery = load.eventsSent();

            // After the restart: the same trigger again for the cooldown customer, and the payer's second failure.
            FeedbackEvent secondAnswer = feedback("cooldown", System.currentTimeMillis(), FeedbackMetric.NPS, 0);
            kafka.send(topics.feedback, "cooldown", secondAnswer, WireFormat.AVRO);
            secondAnswerId = CustomerLoad.idOf("cooldown", TriggerType.DETRACTOR, List.of(secondAnswer.getEventId()));
            InteractionEvent secondFailure =
                    interaction("half-payer", System.currentTimeMillis(), InteractionType.PAYMENT_FAILED, "checkout");
            kafka.send(topics.interactions, "half-payer", secondFailure, WireFormat.AVRO);
            Expected friction = Expected.of(
                    "half-payer",
                    TriggerType.PAYMENT_FRICTION,
                    List.of(firstFailure.getEventId(), secondFailure.getEventId()));
            expected.put(friction.outreachId(), friction);

            load.allowAll();
            load.awaitDone(TIMEOUT);
            assertThat(sentAtFailure).as("the failure hit mid-stream").isBetween(1, load.totalEvents() - 1);

            OutreachReconciliation.Result result = OutreachReconciliation.reconcile(
                    kafka, topics, expected, deliveryGuarantee.equals("exactly-once"), TIMEOUT);

            OutreachReconciliation.reconcileLifecycle(
                    kafka, topics, expected.keySet(), deliveryGuarantee.equals("exactly-once"), TIMEOUT);

            assertThat(OutreachReconciliation.ids(result.records()))
                    .as("the cooldown suppresses the answer after the restart")
                    .doesNotContain(secondAnswerId);
            assertThat(OutreachReconciliation.ofCustomer(result.records(), "cooldown"))
                    .extracting(OutreachEvent::getOutreachId)
                    .containsOnly(cooldownOutreach.outreachId());
            assertThat(OutreachReconciliation.ofCustomer(result.records(), "half-payer"))
                    .as("the payment-friction match half-seen before the failure completes after it, once")
                    .extracting(OutreachEvent::getOutreachId)
                    .containsOnly(friction.outreachId());
            LOG.info(
                    "[{}] killed the TaskManager after {} of {} load events; restored checkpoint {}; {} events sent during the outage; "
                            + "expected {} outreachIds; read {}",
                    deliveryGuarantee,
                    sentAtFailure,
                    load.totalEvents(),
                    recovery.restoredCheckpointId(),
                    sentAfterRecovery - sentAtFailure,
                    expected.size(),
                    result);
        }
    }
}

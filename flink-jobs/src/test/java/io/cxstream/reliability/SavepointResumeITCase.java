package io.cxstream.reliability;

import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.JourneySnapshot;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.TriggerType;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.testing.CommittedOffsets;
import io.cxstream.testing.CustomerLoad;
import io.cxstream.testing.CustomerLoad.Expected;
import io.cxstream.testing.CxJobCluster;
import io.cxstream.testing.CxTopics;
import io.cxstream.testing.SavepointJobRunner;
import io.cxstream.testing.TaskManagerFailures;
import io.cxstream.testing.TestKafkaClient;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.cxstream.testing.Events.feedback;
import static io.cxstream.testing.Events.interaction;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upgrade: the job is stopped with a savepoint while load flows, and a NEW job instance starts
 * from that savepoint. Its state must carry over — a payment-friction match half-seen by the old job
 * completes in the new one, a cooldown set by the old job still holds, a journey continues (recent
 * touchpoints, orders) — and in exactly-once mode the outreach of both jobs together reconciles
 * exactly with the input, no record twice.
 *
 * <p>The stop does not drain ({@code advanceToEndOfEventTime = false}): a drain would push the
 * watermark to the end of time and time out every half-seen pattern, which is not an upgrade.
 */
class SavepointResumeITCase {
    private static final Logger LOG = LoggerFactory.getLogger(SavepointResumeITCase.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int CUSTOMERS = 180;
    private static final int ROUNDS = 8;

    @RegisterExtension
    static final CxJobCluster CX = new CxJobCluster();

    @TempDir
    Path savepoints;

    private final CxTopics topics = CX.topics();
    private final TestKafkaClient kafka = CX.kafka();
    private JobClient job;

    @Test
    void aNewJobFromTheSavepointCarriesOnWhereTheOldOneStopped(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Map<String, String> settings = ReliabilitySettings.of(topics, "exactly-once");
        job = CX.start(settings, 2);
        TaskManagerFailures.awaitAllTasksRunning(cluster, job.getJobID(), TIMEOUT);

        Map<String, Expected> expected = new LinkedHashMap<>();
        try (CommittedOffsets offsets = new CommittedOffsets(CX.bootstrapServers());
                CustomerLoad load = new CustomerLoad(kafka, topics, "s", CUSTOMERS, ROUNDS, Duration.ofMillis(300))) {
            expected.putAll(load.expected());

            // Old job: a first answer (outreach + cooldown), a first payment failure, a journey with an order.
            FeedbackEvent firstAnswer = feedback("cooldown", System.currentTimeMillis(), FeedbackMetric.NPS, 1);
            kafka.send(topics.feedback, "cooldown", firstAnswer, WireFormat.AVRO);
            Expected cooldownOutreach =
                    Expected.of("cooldown", TriggerType.DETRACTOR, List.of(firstAnswer.getEventId()));
            expected.put(cooldownOutreach.outreachId(), cooldownOutreach);
            InteractionEvent firstFailure =
                    interaction("half-payer", System.currentTimeMillis(), InteractionType.PAYMENT_FAILED, "checkout");
            kafka.send(topics.interactions, "half-payer", firstFailure, WireFormat.AVRO);
            kafka.send(
                    topics.interactions,
                    "journey",
                    interaction("journey", System.currentTimeMillis(), InteractionType.PAGE_VIEW, "before-1"),
                    WireFormat.AVRO);
            kafka.send(
                    topics.interactions,
                    "journey",
                    interaction("journey", System.currentTimeMillis() + 1, InteractionType.ORDER_PLACED, "checkout"),
                    WireFormat.AVRO);
            kafka.send(
                    topics.interactions,
                    "journey",
                    interaction("journey", System.currentTimeMillis() + 2, InteractionType.PAGE_VIEW, "before-2"),
                    WireFormat.AVRO);

            load.allow(ROUNDS / 2);
            load.awaitRounds(ROUNDS / 2, TIMEOUT);
            assertThat(kafka.readUntil(
                            topics.contactCenter,
                            OutreachEvent.class,
                            TIMEOUT,
                            seen -> OutreachReconciliation.ids(seen).contains(cooldownOutreach.outreachId())))
                    .as("the first outreach, from the old job")
                    .extracting(OutreachEvent::getOutreachId)
                    .contains(cooldownOutreach.outreachId());
            offsets.awaitCheckpointed(settings.get("group-id"), List.of(topics.interactions, topics.feedback), TIMEOUT);

            String savepoint = job.stopWithSavepoint(
                            false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(job.getJobStatus().get())
                    .as("the old job after stop-with-savepoint")
                    .isEqualTo(JobStatus.FINISHED);
            int sentToOldJob = load.eventsSent();

            job = CX.cancelAfterTest(SavepointJobRunner.start(settings, 2, savepoint));
            RestoredCheckpointStats restored = TaskManagerFailures.awaitAllTasksRunning(
                            cluster, job.getJobID(), TIMEOUT)
                    .getCheckpointStatsSnapshot()
                    .getLatestRestoredCheckpoint();
            assertThat(restored).as("the new job restored a savepoint").isNotNull();
            assertThat(restored.getExternalPath())
                    .as("the restored savepoint")
                    .contains(Path.of(savepoint.replace("file:", ""))
                            .getFileName()
                            .toString());

            // New job: the same trigger again, the second payment failure, and the journey customer's answer.
            FeedbackEvent secondAnswer = feedback("cooldown", System.currentTimeMillis(), FeedbackMetric.NPS, 0);
            kafka.send(topics.feedback, "cooldown", secondAnswer, WireFormat.AVRO);
            String secondAnswerId =
                    CustomerLoad.idOf("cooldown", TriggerType.DETRACTOR, List.of(secondAnswer.getEventId()));
            InteractionEvent secondFailure =
                    interaction("half-payer", System.currentTimeMillis(), InteractionType.PAYMENT_FAILED, "checkout");
            kafka.send(topics.interactions, "half-payer", secondFailure, WireFormat.AVRO);
            Expected friction = Expected.of(
                    "half-payer",
                    TriggerType.PAYMENT_FRICTION,
                    List.of(firstFailure.getEventId(), secondFailure.getEventId()));
            expected.put(friction.outreachId(), friction);
            FeedbackEvent journeyAnswer = feedback("journey", System.currentTimeMillis(), FeedbackMetric.NPS, 3);
            kafka.send(topics.feedback, "journey", journeyAnswer, WireFormat.AVRO);
            Expected journeyOutreach =
                    Expected.of("journey", TriggerType.DETRACTOR, List.of(journeyAnswer.getEventId()));
            expected.put(journeyOutreach.outreachId(), journeyOutreach);

            load.allowAll();
            load.awaitDone(TIMEOUT);

            OutreachReconciliation.Result result =
                    OutreachReconciliation.reconcile(kafka, topics, expected, true, TIMEOUT);

            assertThat(OutreachReconciliation.ids(result.records()))
                    .as("the old job's cooldown holds in the new job")
                    .doesNotContain(secondAnswerId);
            assertThat(OutreachReconciliation.ofCustomer(result.records(), "half-payer"))
                    .as("the match half-seen by the old job completes in the new one")
                    .extracting(OutreachEvent::getOutreachId)
                    .containsExactly(friction.outreachId());
            JourneySnapshot journey = OutreachReconciliation.ofCustomer(result.records(), "journey")
                    .get(0)
                    .getJourney();
            assertThat(journey.getRecentTouchpoints())
                    .as("touchpoints seen by the old job, in the new job's outreach")
                    .containsExactly("WEB:before-1", "WEB:checkout", "WEB:before-2");
            assertThat(journey.getSegment())
                    .as("the order counted by the old job")
                    .isEqualTo("ACTIVE");
            assertThat(journey.getLastNps()).isEqualTo(3);
            LOG.info(
                    "Stopped with savepoint {} after {} of {} load events; the new job restored it; expected {} outreachIds; read {}",
                    savepoint,
                    sentToOldJob,
                    load.totalEvents(),
                    expected.size(),
                    result);
        }
    }
}

package io.cxstream.privacy;

import io.cxstream.avro.Channel;
import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.Route;
import io.cxstream.avro.TriggerType;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.io.Metrics;
import io.cxstream.testing.CxJobCluster;
import io.cxstream.testing.CxJobRunner;
import io.cxstream.testing.CxTopics;
import io.cxstream.testing.Events;
import io.cxstream.testing.MetricsCapture;
import io.cxstream.testing.Poll;
import io.cxstream.testing.TestKafkaClient;

import org.apache.avro.Schema;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Personal data stays out of the logs and out of marketing: feedback comments carrying a unique
 * canary go through the real job, good and bad (so the dead-letter paths run too), while every log
 * line of the JVM is captured at DEBUG; the canary must appear in none. Marketing outreach for a
 * promoter whose answer had a comment must carry no free text from it.
 */
class LogPrivacyITCase {
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @RegisterExtension
    static final CxJobCluster CX = new CxJobCluster(MetricsCapture.configure(new Configuration()));

    @Test
    void commentsNeverReachALogLineNorMarketing() throws Exception {
        String canary = "CANARY" + UUID.randomUUID().toString().replace("-", "");
        String comment = "My name is Jane Doe, call me at home " + canary + " about the late parcel";
        CxTopics topics = CX.topics();
        List<OutreachEvent> marketing;
        List<OutreachEvent> contactCenter;
        List<DeadLetter> dead;
        List<DeadLetterReason> expectedDead;
        JobClient job = null;
        try (LogCapture logs = LogCapture.install(canary, "route-input");
                TestKafkaClient kafka = new TestKafkaClient(CX.bootstrapServers())) {
            try {
                job = CxJobRunner.start(topics.jobSettings(), 2); // cancelled below, while the logs are captured
                // Event time ahead of the wall clock: event time never runs past the clock minus
                // out-of-orderness, so nothing can be behind the watermark, however slow the start. The
                // outreach leaves once the clock has passed it; nothing else is sent.
                long now = System.currentTimeMillis() + 30_000;
                WireCodec<FeedbackEvent> feedback = WireCodec.of(FeedbackEvent.class);

                // good: a promoter who opted in to marketing, and a detractor, both with the comment
                kafka.send(
                        topics.consents,
                        "promoter",
                        Events.consent("promoter", now, ConsentAction.OPT_IN, ConsentPurpose.MARKETING),
                        WireFormat.AVRO);
                kafka.send(
                        topics.feedback,
                        "promoter",
                        withComment(Events.feedback("promoter", now + 100, FeedbackMetric.NPS, 10), comment),
                        WireFormat.JSON);
                kafka.send(
                        topics.feedback,
                        "detractor",
                        withComment(Events.feedback("detractor", now, FeedbackMetric.NPS, 1), comment),
                        WireFormat.AVRO);

                // bad, each with the canary somewhere in it
                byte[] goodAvro = feedback.encode(
                        withComment(Events.feedback("bad", now, FeedbackMetric.NPS, 3), comment), WireFormat.AVRO);
                String goodJson = new String(
                        feedback.encode(
                                withComment(Events.feedback("bad", now, FeedbackMetric.NPS, 3), comment),
                                WireFormat.JSON),
                        StandardCharsets.UTF_8);
                kafka.send(
                        topics.feedback,
                        "bad",
                        withComment(Events.feedback("bad", now, FeedbackMetric.NPS, 11), comment),
                        WireFormat.JSON);
                kafka.send(topics.feedback, "bad", Arrays.copyOf(goodAvro, goodAvro.length - 12));
                kafka.send(topics.feedback, "bad", ("{\"comment\": " + canary + "}").getBytes(StandardCharsets.UTF_8));
                kafka.send(
                        topics.feedback,
                        "bad",
                        goodJson.replace("\"channel\":\"EMAIL\"", "\"channel\":\"" + canary + "\"")
                                .getBytes(StandardCharsets.UTF_8));
                kafka.send(topics.feedback, "bad", (canary + " plain text").getBytes(StandardCharsets.UTF_8));
                kafka.send(topics.feedback, "bad", (goodJson + canary).getBytes(StandardCharsets.UTF_8));
                kafka.send(
                        topics.feedback,
                        "bad",
                        (goodJson.substring(0, goodJson.length() - 1) + " " + canary.repeat(3000) + "}")
                                .getBytes(StandardCharsets.UTF_8));
                kafka.send(
                        topics.feedback,
                        "bad",
                        withComment(Events.feedback(" ", now, FeedbackMetric.NPS, 3), comment),
                        WireFormat.AVRO);
                InteractionEvent attribute = Events.interaction("bad", now, InteractionType.PAGE_VIEW, "home");
                attribute.getAttributes().put("note", canary.repeat(20));
                kafka.send(topics.interactions, "bad", attribute, WireFormat.JSON);
                expectedDead = List.of(
                        DeadLetterReason.SCORE_OUT_OF_RANGE,
                        DeadLetterReason.UNDECODABLE,
                        DeadLetterReason.UNDECODABLE,
                        DeadLetterReason.UNDECODABLE,
                        DeadLetterReason.UNRECOGNIZED_FORMAT,
                        DeadLetterReason.UNDECODABLE,
                        DeadLetterReason.TOO_LARGE,
                        DeadLetterReason.MISSING_CUSTOMER_ID,
                        DeadLetterReason.INVALID_FIELD);

                JobID jobId = job.getJobID();
                Poll.until(
                        "the job to read every record",
                        WITHIN,
                        () -> MetricsCapture.byLabel(jobId, Metrics.RECORDS_IN, "input"),
                        m -> m.equals(Map.of("consents", 1L, "feedback", 10L, "interactions", 1L)));
                Duration untilReleased = WITHIN.plusMillis(Math.max(0, now - System.currentTimeMillis()));
                marketing =
                        kafka.readUntil(topics.marketing, OutreachEvent.class, untilReleased, seen -> !seen.isEmpty());
                contactCenter =
                        kafka.readUntil(topics.contactCenter, OutreachEvent.class, WITHIN, seen -> !seen.isEmpty());
                dead = kafka.readUntil(
                        topics.deadLetter, DeadLetter.class, WITHIN, seen -> seen.size() >= expectedDead.size());
            } finally {
                if (job != null) {
                    job.cancel().get();
                }
            }

            assertThat(dead).extracting(DeadLetter::getReason).containsExactlyInAnyOrderElementsOf(expectedDead);
            assertThat(logs.jobLines())
                    .as("log lines from the job's own threads were captured")
                    .isGreaterThan(0);
            assertThat(logs.lines()).as("log lines captured in all").isGreaterThan(1000);
            assertThat(logs.hits()).as("log lines containing the canary").isEmpty();
        }

        OutreachEvent promoter = marketing.get(0);
        assertThat(promoter.getCustomerId()).isEqualTo("promoter");
        assertThat(promoter.getRoute()).isEqualTo(Route.MARKETING);
        assertThat(promoter.getTrigger()).isEqualTo(TriggerType.PROMOTER);
        assertThat(promoter.getEvidence()).extracting(e -> e.getKind()).containsExactly("NPS=10");
        for (OutreachEvent o : List.of(promoter, contactCenter.get(0))) {
            assertThat(o.toString())
                    .as("outreach carries no comment text")
                    .doesNotContain(canary)
                    .doesNotContain("Jane Doe")
                    .doesNotContain("late parcel");
        }
        assertThat(fieldNames(OutreachEvent.getClassSchema(), new HashSet<>()))
                .as("no free-text comment field in outreach")
                .doesNotContain("comment");
        assertThat(dead)
                .extracting(DeadLetter::getDetail)
                .as("dead-letter details quote nothing of the record")
                .noneMatch(d -> d.contains(canary));
    }

    private static FeedbackEvent withComment(FeedbackEvent e, String comment) {
        e.setComment(comment);
        e.setChannel(Channel.EMAIL);
        return e;
    }

    /** Every field name of a schema and the records it contains. */
    private static Set<String> fieldNames(Schema schema, Set<String> names) {
        switch (schema.getType()) {
            case RECORD:
                for (Schema.Field f : schema.getFields()) {
                    if (names.add(f.name())) {
                        fieldNames(f.schema(), names);
                    }
                }
                break;
            case ARRAY:
                fieldNames(schema.getElementType(), names);
                break;
            case MAP:
                fieldNames(schema.getValueType(), names);
                break;
            case UNION:
                schema.getTypes().forEach(t -> fieldNames(t, names));
                break;
            default:
                break;
        }
        return names;
    }
}

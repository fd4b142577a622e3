package io.cxstream.outreach;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.testing.CxJobCluster;
import io.cxstream.testing.CxJobRunner;
import io.cxstream.testing.CxTopics;
import io.cxstream.testing.TestKafkaClient;

import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static io.cxstream.testing.Events.consent;
import static io.cxstream.testing.Events.feedback;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, point 2, on the real broker: a backlog of answers and consents (stamped an hour ago, the
 * consents on their own topic, a CRM re-sync among them) drained twice by the job, at parallelism 2 and 1,
 * gives the same outreach both times — the outreach the consent as of evidence + grace says. On main, a
 * drain read the consents ahead of the findings: consents stamped a minute after the evidence counted,
 * and a re-sent older opt-in overruled a newer opt-out.
 */
class ConsentDrainITCase {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int PER_KIND = 8;

    @RegisterExtension
    static final CxJobCluster CX = new CxJobCluster();

    @Test
    void aBacklogDrainedTwiceGivesTheSameDecisionsTheConsentAsOfEvidencePlusGraceSays() throws Exception {
        CxTopics input = new CxTopics(CX.broker());
        TreeSet<String> expected = new TreeSet<>();
        try (TestKafkaClient kafka = new TestKafkaClient(CX.bootstrapServers())) {
            long base = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
            for (int i = 0; i < PER_KIND; i++) {
                long e = base + i * 10_000L; // the answer; consents around it
                // opted out of service before, back in a minute after the answer: suppressed
                String b = "optin-after-" + i;
                kafka.send(
                        input.consents,
                        b,
                        consent(b, e - 10_000, ConsentAction.OPT_OUT, ConsentPurpose.SERVICE),
                        WireFormat.AVRO);
                kafka.send(
                        input.consents,
                        b,
                        consent(b, e + 60_000, ConsentAction.OPT_IN, ConsentPurpose.SERVICE),
                        WireFormat.AVRO);
                kafka.send(input.feedback, b, feedback(b, e, FeedbackMetric.NPS, 1), WireFormat.AVRO);
                // no statement: service by default
                String c = "default-" + i;
                kafka.send(input.feedback, c, feedback(c, e, FeedbackMetric.NPS, 1), WireFormat.AVRO);
                expected.add(c + "/DETRACTOR@" + e);
                // marketing opt-in within the grace after the answer: sent
                String d = "optin-in-grace-" + i;
                kafka.send(
                        input.consents,
                        d,
                        consent(d, e + 1_000, ConsentAction.OPT_IN, ConsentPurpose.MARKETING),
                        WireFormat.AVRO);
                kafka.send(input.feedback, d, feedback(d, e, FeedbackMetric.NPS, 10), WireFormat.AVRO);
                expected.add(d + "/PROMOTER@" + e);
                // opted out of marketing; an older opt-in re-sent afterwards (a CRM re-sync) changes nothing
                String f = "resync-" + i;
                kafka.send(
                        input.consents,
                        f,
                        consent(f, e - 5_000, ConsentAction.OPT_OUT, ConsentPurpose.MARKETING),
                        WireFormat.AVRO);
                kafka.send(
                        input.consents,
                        f,
                        consent(f, e - 10_000, ConsentAction.OPT_IN, ConsentPurpose.MARKETING),
                        WireFormat.AVRO);
                kafka.send(input.feedback, f, feedback(f, e, FeedbackMetric.NPS, 10), WireFormat.AVRO);
                // opted out of everything between the answer and its decision point: suppressed
                String g = "optout-in-grace-" + i;
                kafka.send(
                        input.consents,
                        g,
                        consent(g, e + 1_500, ConsentAction.OPT_OUT, ConsentPurpose.ALL),
                        WireFormat.AVRO);
                kafka.send(input.feedback, g, feedback(g, e, FeedbackMetric.NPS, 1), WireFormat.AVRO);
            }

            TreeSet<String> first = drain(kafka, input, new CxTopics(CX.broker()), 2);
            TreeSet<String> second = drain(kafka, input, new CxTopics(CX.broker()), 1);
            assertThat(first).as("first drain (parallelism 2)").isEqualTo(expected);
            assertThat(second)
                    .as("second drain (parallelism 1): the same decisions")
                    .isEqualTo(first);
        }
    }

    /** Runs the job over {@code input} into {@code output}'s topics until the outreach settles; returns it. */
    private static TreeSet<String> drain(TestKafkaClient kafka, CxTopics input, CxTopics output, int parallelism)
            throws Exception {
        Map<String, String> settings = output.jobSettings();
        settings.put("topic.interactions", input.interactions);
        settings.put("topic.feedback", input.feedback);
        settings.put("topic.consents", input.consents);
        settings.put("parallelism", String.valueOf(parallelism));
        settings.put("voc.enabled", "false");
        JobClient job = CxJobRunner.start(settings, parallelism); // cancelled below, before the next drain
        try {
            // Every outreach expected on each route, then 3 s more for any extra one to show.
            kafka.readUntil(output.contactCenter, OutreachEvent.class, TIMEOUT, seen -> seen.size() >= PER_KIND);
            kafka.readUntil(output.marketing, OutreachEvent.class, TIMEOUT, seen -> seen.size() >= PER_KIND);
            Thread.sleep(3_000); // lets an extra outreach show, not a wait for a result
            List<OutreachEvent> all = new ArrayList<>();
            all.addAll(
                    kafka.readUntil(output.contactCenter, OutreachEvent.class, Duration.ofSeconds(2), seen -> false));
            all.addAll(kafka.readUntil(output.marketing, OutreachEvent.class, Duration.ofSeconds(2), seen -> false));
            List<DeadLetter> dead =
                    kafka.readUntil(output.deadLetter, DeadLetter.class, Duration.ofMillis(500), s -> false);
            assertThat(dead).as("nothing of the backlog dead-lettered").isEmpty();
            TreeSet<String> decisions = new TreeSet<>();
            for (OutreachEvent o : all) {
                assertThat(o.getOutreachId())
                        .isEqualTo(OutreachIds.of(o.getCustomerId(), o.getTriggerName(), o.getEvidence()));
                decisions.add(o.getCustomerId() + "/" + o.getTriggerName() + "@"
                        + o.getLastEvidenceTime().toEpochMilli());
            }
            assertThat(all).as("no outreach twice").hasSize(decisions.size());
            return decisions;
        } finally {
            job.cancel().get();
        }
    }
}

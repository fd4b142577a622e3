package io.cxstream;

import io.cxstream.testing.CxJobCluster;
import io.cxstream.testing.CxTopics;
import io.cxstream.testing.Kcat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A non-Java client end to end: kcat (librdkafka) writes JSON events exactly as the README shows,
 * the job runs with JSON output, and kcat reads the outreach back. Skipped with a message where
 * kcat is not installed; under CI=true a missing kcat fails (.ci/run installs it).
 */
class KcatITCase {
    @RegisterExtension
    static final CxJobCluster CX = new CxJobCluster();

    @BeforeAll
    static void requireKcat() {
        Kcat.require();
    }

    @Test
    void kcatSendsJsonEventsAndReadsTheOutreachBack() throws Exception {
        CxTopics topics = CX.topics();
        Map<String, String> settings = topics.jobSettings();
        settings.put("output-format", "json");
        CX.start(settings, 2);
        Kcat kcat = new Kcat(CX.bootstrapServers());
        // Wait until the job reads (a garbage record's dead letter needs no watermark), so the job's
        // start does not age the events below.
        kcat.produce(topics.consents, "not an event");
        String deadLetters = "";
        long started = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < started && !deadLetters.contains("UNRECOGNIZED_FORMAT")) {
            deadLetters = kcat.consumeAll(topics.deadLetter);
        }
        assertThat(deadLetters).as("the job reads its input").contains("UNRECOGNIZED_FORMAT");

        long now = System.currentTimeMillis();
        String detractor = "{\"eventId\":\"kcat-1\",\"customerId\":\"kcat-customer\",\"eventTime\":" + now
                + ",\"channel\":\"EMAIL\",\"touchpoint\":\"delivery\",\"metric\":\"NPS\",\"score\":2,"
                + "\"comment\":{\"string\":\"late and broken\"},\"agentId\":null,\"surveyId\":\"nps-q4\"}";
        String failure = "{\"eventId\":\"kcat-%d\",\"customerId\":\"kcat-payer\",\"eventTime\":%d,\"channel\":\"WEB\","
                + "\"touchpoint\":\"checkout\",\"type\":\"PAYMENT_FAILED\",\"sessionId\":{\"string\":\"s-1\"},"
                + "\"agentId\":null,\"attributes\":{\"errorCode\":\"card_declined\"}}";
        kcat.produceKeyed(topics.feedback, "kcat-customer|" + detractor);
        kcat.produce(topics.interactions, String.format(failure, 2, now), String.format(failure, 3, now + 1));

        long quietFrom = System.currentTimeMillis();
        // Nothing else is sent: the alerts must leave with the input quiet.
        String output = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline
                && !(output.contains("\"kcat-customer\"") && output.contains("\"kcat-payer\""))) {
            output = kcat.consumeAll(topics.contactCenter);
        }
        assertThat(output)
                .contains(
                        "\"customerId\":\"kcat-customer\"",
                        "\"trigger\":\"DETRACTOR\"",
                        "\"customerId\":\"kcat-payer\"",
                        "\"trigger\":\"PAYMENT_FRICTION\"");
        assertThat(output).as("comments never leave the job").doesNotContain("late and broken");

        // One event in, its alert out within max(idleness, out-of-orderness + consent grace) + 1 s
        // (CxTopics: idleness 2 s, out-of-orderness 2 s, consent.grace its default, the out-of-orderness).
        long bound = Duration.ofSeconds(Math.max(2, 2 + 2) + 1).toMillis();
        Matcher emitted = Pattern.compile("\"emittedAt\":(\\d+)").matcher(output);
        int alerts = 0;
        while (emitted.find()) {
            alerts++;
            assertThat(Long.parseLong(emitted.group(1)) - quietFrom)
                    .as("alert %d out within %d ms of the last event", alerts, bound)
                    .isLessThanOrEqualTo(bound);
        }
        assertThat(alerts).isEqualTo(2);
    }
}

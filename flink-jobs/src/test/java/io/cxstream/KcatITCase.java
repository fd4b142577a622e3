package io.cxstream;

import io.cxstream.testing.CxJobCluster;
import io.cxstream.testing.CxTopics;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
        boolean present = onPath("kcat");
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("kcat is not installed, and CI=true: .ci/run must install the Debian package kcat");
        }
        if (!present) {
            System.err.println("KcatITCase SKIPPED: kcat is not on PATH (apt-get install kcat to run it)");
        }
        assumeTrue(present, "kcat is not on PATH (apt-get install kcat)");
    }

    @Test
    void kcatSendsJsonEventsAndReadsTheOutreachBack() throws Exception {
        CxTopics topics = CX.topics();
        Map<String, String> settings = topics.jobSettings();
        settings.put("output-format", "json");
        CX.start(settings, 2);
        // Wait until the job reads (a garbage record's dead letter needs no watermark), so the job's
        // start does not age the events below.
        kcat(List.of("-P", "-t", topics.consents), "not an event\n");
        String deadLetters = "";
        long started = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < started && !deadLetters.contains("UNRECOGNIZED_FORMAT")) {
            deadLetters = kcat(List.of("-C", "-t", topics.deadLetter, "-o", "beginning", "-e", "-q"), "");
        }
        assertThat(deadLetters).as("the job reads its input").contains("UNRECOGNIZED_FORMAT");

        long now = System.currentTimeMillis();
        String detractor = "{\"eventId\":\"kcat-1\",\"customerId\":\"kcat-customer\",\"eventTime\":" + now
                + ",\"channel\":\"EMAIL\",\"touchpoint\":\"delivery\",\"metric\":\"NPS\",\"score\":2,"
                + "\"comment\":{\"string\":\"late and broken\"},\"agentId\":null,\"surveyId\":\"nps-q4\"}";
        String failure = "{\"eventId\":\"kcat-%d\",\"customerId\":\"kcat-payer\",\"eventTime\":%d,\"channel\":\"WEB\","
                + "\"touchpoint\":\"checkout\",\"type\":\"PAYMENT_FAILED\",\"sessionId\":{\"string\":\"s-1\"},"
                + "\"agentId\":null,\"attributes\":{\"errorCode\":\"card_declined\"}}";
        kcat(List.of("-P", "-t", topics.feedback, "-K", "|"), "kcat-customer|" + detractor + "\n");
        kcat(
                List.of("-P", "-t", topics.interactions),
                String.format(failure, 2, now) + "\n" + String.format(failure, 3, now + 1) + "\n");

        long quietFrom = System.currentTimeMillis();
        // Nothing else is sent: the alerts must leave with the input quiet.
        String output = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline
                && !(output.contains("\"kcat-customer\"") && output.contains("\"kcat-payer\""))) {
            output = kcat(List.of("-C", "-t", topics.contactCenter, "-o", "beginning", "-e", "-q"), "");
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

    private static String kcat(List<String> args, String stdin) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kcat", "-b", CX.bootstrapServers()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("kcat did not finish: " + command);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("kcat failed (" + p.exitValue() + "): "
                    + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }
}

package io.cxstream.local;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first command, in-process: {@code ./cx demo} starts a broker, the job and the
 * generator, prints live outreach with its latency and a summary, and stops cleanly at the end of
 * --duration.
 */
class CxLocalITCase {

    @Test
    void theDemoPrintsLiveOutreachAndStopsCleanly() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        CxLocal demo = new CxLocal(
                "demo",
                Map.of(
                        "duration",
                        "40s",
                        "kafka-port",
                        "0",
                        "metrics-port",
                        "0",
                        "rate",
                        "300",
                        "summary-every",
                        "5s",
                        "checkpoint.dir",
                        "file:///tmp/cx-local-itcase"),
                out);

        int status = demo.run();

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(status).as(printed).isZero();
        assertThat(printed).contains("running on the Flink MiniCluster", "cx-stream: stopped.");
        // --kafka-port 0: the port picked is printed, with every other port, in one line
        assertThat(printed)
                .containsPattern(
                        "ports: Kafka [1-9]\\d* \\(bootstrap 127\\.0\\.0\\.1:[1-9]\\d*\\), Kafka controller [1-9]\\d*, "
                                + "cx metrics off, Flink metrics off");
        Matcher alert = Pattern.compile(
                        "P[1-4] +(CONTACT_CENTER|MARKETING) +([A-Z_]+) +c-\\d+ .*\\(latency (\\d+\\.\\d) s\\)")
                .matcher(printed);
        assertThat(alert.find())
                .as("at least one outreach printed:\n" + printed)
                .isTrue();
        assertThat(Double.parseDouble(alert.group(3)))
                .as("event-to-alert latency")
                .isLessThan(10.0);
        assertThat(printed).containsPattern("sent \\d+ events \\| outreach: \\d+");
        // Voice of the Customer: the week of history went out, the summary has its line, and the survey
        // panel (opted out of contact) never reaches the contact center
        assertThat(printed)
                .contains("sent a week of survey history")
                .containsPattern("voc: (worst-moving touchpoints|no touchpoint)")
                .doesNotContain("voc-customer-");
    }
}

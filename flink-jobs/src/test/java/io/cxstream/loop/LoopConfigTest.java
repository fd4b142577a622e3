package io.cxstream.loop;

import io.cxstream.avro.Priority;
import io.cxstream.avro.Route;
import io.cxstream.config.CxConfig;
import io.cxstream.config.InvalidConfigException;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The loop's settings: defaults, typed values, and errors that name the key. */
class LoopConfigTest {
    private static LoopConfig parse(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-servers";
        all[1] = "b:1";
        System.arraycopy(args, 0, all, 2, args.length);
        return CxConfig.fromArgs(all, Map.of()).loop;
    }

    @Test
    void defaultsAreOffWithTheSuggestedSlasAndNoCapOrHoldout() {
        LoopConfig c = parse();
        assertThat(c.enabled).isFalse();
        assertThat(c.sla(Route.CONTACT_CENTER, Priority.P1)).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.sla(Route.CONTACT_CENTER, Priority.P2)).isEqualTo(Duration.ofHours(1));
        assertThat(c.sla(Route.CONTACT_CENTER, Priority.P3)).isEqualTo(Duration.ofHours(4));
        assertThat(c.sla(Route.CONTACT_CENTER, Priority.P4)).isNull();
        assertThat(c.sla(Route.MARKETING, Priority.P4)).isNull();
        assertThat(c.cap).containsEntry(Route.CONTACT_CENTER, 0).containsEntry(Route.MARKETING, 0);
        assertThat(c.holdoutPercent).isZero();
        assertThat(c.recoveryPeriod).isEqualTo(Duration.ofDays(7));
        assertThat(c.updatesTopic).isEqualTo("cx.outreach.updates");
        assertThat(c.feedbackTopic).isEqualTo("cx.outreach.feedback");
        assertThat(c.recoveryTopic).isEqualTo("cx.outreach.recovery");
    }

    @Test
    void typedValues() {
        LoopConfig c = parse(
                "--outreach.sla.marketing",
                "P4=2 d",
                "--outreach.cap.marketing",
                "1",
                "--outreach.cap.marketing.period",
                "7 d",
                "--outreach.holdout-percent",
                "10");
        assertThat(c.sla(Route.MARKETING, Priority.P4)).isEqualTo(Duration.ofDays(2));
        assertThat(c.cap).containsEntry(Route.MARKETING, 1);
        assertThat(c.capPeriod).containsEntry(Route.MARKETING, Duration.ofDays(7));
        assertThat(c.holdoutPercent).isEqualTo(10);
    }

    @Test
    void everyErrorNamesTheKey() {
        assertThatThrownBy(() -> parse("--outreach.sla.contact-center", "P1"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'outreach.sla.contact-center'")
                .hasMessageContaining("PRIORITY=DURATION");
        assertThatThrownBy(() -> parse("--outreach.sla.contact-center", "P9=1 h"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("unknown priority 'P9'");
        assertThatThrownBy(() -> parse("--outreach.holdout-percent", "60"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'outreach.holdout-percent'");
        assertThatThrownBy(() -> parse("--outreach.cap.contact-center", "-1"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'outreach.cap.contact-center'");
        assertThatThrownBy(() -> parse("--outreach.recovery.period", "0 s"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'outreach.recovery.period'");
    }
}

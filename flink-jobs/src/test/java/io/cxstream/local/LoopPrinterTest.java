package io.cxstream.local;

import io.cxstream.avro.OutreachStatus;
import io.cxstream.avro.OutreachUpdate;
import io.cxstream.avro.Priority;
import io.cxstream.avro.Route;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's lines of the closed loop: status, priority, trigger, customer, who and why; never the closing note. */
class LoopPrinterTest {
    @Test
    void aLineShowsTheChangeButNotTheNote() {
        OutreachUpdate closed = OutreachUpdate.newBuilder()
                .setOutreachId("0123456789abcdef")
                .setCustomerId("c-1")
                .setRuleId("detractor")
                .setTriggerName("DETRACTOR")
                .setRoute(Route.CONTACT_CENTER)
                .setPriority(Priority.P1)
                .setStatus(OutreachStatus.CLOSED)
                .setHandledBy("agent-3")
                .setNote("Jane Doe, refund sent")
                .setUpdatedAt(Instant.EPOCH)
                .build();
        assertThat(LoopPrinter.line(closed, "12:00:00"))
                .isEqualTo("12:00:00  CLOSED    P1 DETRACTOR          c-1        0123456789… by agent-3")
                .doesNotContain("Jane");
        OutreachUpdate escalated = OutreachUpdate.newBuilder(closed)
                .setStatus(OutreachStatus.ESCALATED)
                .setHandledBy(null)
                .setNote(null)
                .setDetail("P2 not acked within 1 min: escalated to supervisor as P1")
                .build();
        assertThat(LoopPrinter.line(escalated, "12:00:00"))
                .endsWith("0123456789…: P2 not acked within 1 min: escalated to supervisor as P1");
    }

    @Test
    void ratesWithTheirCounts() {
        assertThat(LoopPrinter.rate(3, 12)).isEqualTo("3/12 (25%)");
        assertThat(LoopPrinter.rate(0, 0)).isEqualTo("0/0");
    }
}

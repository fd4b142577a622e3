package io.cxstream.generator;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's contact center: about the configured share acked, closes after acks, more recoveries after a call. */
class AgentPlanTest {
    @Test
    void sharesAndOrderOfTheSteps() {
        Random random = new Random(1);
        AgentPlan.Shares shares = AgentPlan.Shares.demo();
        int acked = 0;
        int recoveredSent = 0;
        int recoveredHeld = 0;
        for (int i = 0; i < 10_000; i++) {
            AgentPlan p = AgentPlan.sent(random, shares);
            if (p.ackAfter != null) {
                acked++;
                assertThat(p.ackAfter)
                        .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(2).plus(shares.maxAckDelay()));
                assertThat(p.closeAfter).isGreaterThan(p.ackAfter);
                if (p.recoverAfter != null) {
                    assertThat(p.recoverAfter).isGreaterThan(p.closeAfter);
                }
            } else {
                assertThat(p.closeAfter).isNull();
            }
            recoveredSent += p.recoverAfter != null ? 1 : 0;
            recoveredHeld += AgentPlan.heldOut(random, shares).recoverAfter != null ? 1 : 0;
        }
        assertThat(acked).isBetween(6_800, 7_200);
        assertThat(recoveredHeld).isBetween(2_300, 2_700);
        assertThat(recoveredSent).as("0.7 × 0.5 + 0.3 × 0.25").isBetween(4_100, 4_500);
    }
}

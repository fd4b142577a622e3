package io.cxstream.generator;

import java.time.Duration;
import java.util.Random;

/**
 * What the demo's contact center and customer do about one outreach: ack it after a delay and close it a little
 * later, or leave it unanswered (it escalates, then expires); and whether the customer recovers afterwards
 * (a good NPS answer), more often after a call than when held out, so the demo's recovery figures show an
 * uplift by construction. Seeded: the same seed and outreach order give the same plan.
 */
public final class AgentPlan {
    /** Null: never. */
    public final Duration ackAfter;

    public final Duration closeAfter;
    public final Duration recoverAfter;

    private AgentPlan(Duration ackAfter, Duration closeAfter, Duration recoverAfter) {
        this.ackAfter = ackAfter;
        this.closeAfter = closeAfter;
        this.recoverAfter = recoverAfter;
    }

    /** The shares and delays of the demo (see the class comment). */
    public record Shares(double ack, Duration maxAckDelay, double recoverTreated, double recoverHeldOut) {
        public static Shares demo() {
            return new Shares(0.7, Duration.ofSeconds(45), 0.5, 0.25);
        }
    }

    /** The plan for an outreach that was sent to the contact center. */
    public static AgentPlan sent(Random random, Shares shares) {
        if (random.nextDouble() >= shares.ack()) {
            return new AgentPlan(null, null, recovery(random, shares.recoverTreated() / 2, shares));
        }
        Duration ack = Duration.ofMillis(
                2_000 + (long) (random.nextDouble() * shares.maxAckDelay().toMillis()));
        Duration close = ack.plusSeconds(5 + random.nextInt(20));
        Duration recover = recovery(random, shares.recoverTreated(), shares);
        return new AgentPlan(ack, close, recover == null ? null : close.plus(recover));
    }

    /** The plan for a held-out trigger: nobody calls; the customer may recover by themself. */
    public static AgentPlan heldOut(Random random, Shares shares) {
        return new AgentPlan(null, null, recovery(random, shares.recoverHeldOut(), shares));
    }

    private static Duration recovery(Random random, double share, Shares shares) {
        return random.nextDouble() < share ? Duration.ofSeconds(5 + random.nextInt(30)) : null;
    }
}

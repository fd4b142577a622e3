package io.cxstream.journey;

import io.cxstream.avro.InteractionType;

/**
 * A transparent churn-risk heuristic (0-100), kept small on purpose so contact-center staff can be
 * told why a customer is at risk. Friction points accumulate per event and halve every
 * {@link #FRICTION_HALF_LIFE_MILLIS} of event time; the latest survey answers add to it.
 */
public final class ChurnRisk {
    /** Friction halves every 7 days of event time. */
    public static final long FRICTION_HALF_LIFE_MILLIS = 7L * 24 * 60 * 60 * 1000;

    private ChurnRisk() {}

    /** Friction points an interaction adds (negative: it relieves friction). */
    public static int frictionPoints(InteractionType type) {
        switch (type) {
            case PAYMENT_FAILED:
                return 20;
            case ERROR:
            case CALL_ABANDONED:
                return 15;
            case SUPPORT_CONTACT:
            case RETURN_REFUND:
                return 10;
            case ACCOUNT_CLOSED:
                return 100;
            case ORDER_PLACED:
                return -20;
            default:
                return 0;
        }
    }

    /** Friction after decaying from {@code since} to {@code now} and adding {@code points}; 0-100. */
    public static int friction(int current, long since, long now, int points) {
        double decayed = current;
        if (current > 0 && now > since) {
            decayed = current * Math.pow(0.5, (double) (now - since) / FRICTION_HALF_LIFE_MILLIS);
        }
        return clamp((int) Math.round(decayed) + points);
    }

    /**
     * Churn risk from friction and the latest scores: friction counts 60 %, a detractor NPS adds 40
     * (passive 15), CSAT 1-2 adds 20, CES 1-3 adds 15, a promoter NPS takes 20 off.
     */
    public static int churnRisk(int friction, Integer lastNps, Integer lastCsat, Integer lastCes) {
        double risk = friction * 0.6;
        if (lastNps != null) {
            NpsCategory category = FeedbackScoring.npsCategory(lastNps);
            risk += category == NpsCategory.DETRACTOR ? 40 : category == NpsCategory.PASSIVE ? 15 : -20;
        }
        if (lastCsat != null && lastCsat <= 2) {
            risk += 20;
        }
        if (lastCes != null && lastCes <= 3) {
            risk += 15;
        }
        return clamp((int) Math.round(risk));
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(100, v));
    }
}

package io.cxstream.detect;

import io.cxstream.avro.Priority;
import io.cxstream.avro.TriggerType;
import io.cxstream.journey.JourneyEvent;

import java.util.List;

/**
 * A fresh promoter: an NPS answer at or above {@code detect.promoter.min-nps} (9). Routed to
 * marketing to ask for a review or referral while the experience is fresh (P4).
 */
public class PromoterPattern extends NpsAnswerPattern {
    private static final long serialVersionUID = 1L;

    private final int minNps;

    public PromoterPattern(int minNps) {
        this.minNps = minNps;
    }

    @Override
    public TriggerType type() {
        return TriggerType.PROMOTER;
    }

    @Override
    boolean matches(int score) {
        return score >= minNps;
    }

    @Override
    Trigger toTrigger(List<JourneyEvent> answer) {
        JourneyEvent e = answer.get(0);
        Trigger t = trigger(answer, Priority.P4, "NPS " + e.score + " (promoter) about " + e.touchpoint,
                "Ask for a review or a referral while the experience is fresh.");
        t.priority = Priority.P4; // marketing: no risk boost
        return t;
    }
}

package io.cxstream.detect;

import io.cxstream.avro.Priority;
import io.cxstream.avro.TriggerType;
import io.cxstream.journey.JourneyEvent;

import java.util.List;

/**
 * A detractor: an NPS answer at or below {@code detect.detractor.max-nps} (6). Routed to the contact
 * center; the lower the score, the higher the priority (0-2 → P1, 3-4 → P2, 5-6 → P3).
 */
public class DetractorPattern extends NpsAnswerPattern {
    private static final long serialVersionUID = 1L;

    private final int maxNps;

    public DetractorPattern(int maxNps) {
        this.maxNps = maxNps;
    }

    @Override
    public TriggerType type() {
        return TriggerType.DETRACTOR;
    }

    @Override
    boolean matches(int score) {
        return score <= maxNps;
    }

    @Override
    Trigger toTrigger(List<JourneyEvent> answer) {
        JourneyEvent e = answer.get(0);
        Priority priority = e.score <= 2 ? Priority.P1 : e.score <= 4 ? Priority.P2 : Priority.P3;
        return trigger(answer, priority,
                "NPS " + e.score + " (detractor) about " + e.touchpoint + " via " + e.channel,
                "Call back within the hour: acknowledge the experience, fix the root cause, close the loop.");
    }
}

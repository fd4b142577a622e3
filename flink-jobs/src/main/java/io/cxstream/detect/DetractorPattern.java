package io.cxstream.detect;

import io.cxstream.avro.Priority;
import io.cxstream.avro.TriggerType;
import io.cxstream.journey.JourneyEvent;

import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A detractor: an NPS answer at or below {@code detect.detractor.max-nps} (6). Routed to the contact
 * center; the lower the score, the higher the priority (0-2 → P1, 3-4 → P2, 5-6 → P3).
 */
public class DetractorPattern extends Detector {
    private static final long serialVersionUID = 1L;

    /** A single answer: the window only bounds how long CEP may hold it. */
    static final Duration WINDOW = Duration.ofMinutes(1);

    private final int maxNps;

    public DetractorPattern(int maxNps) {
        this.maxNps = maxNps;
    }

    @Override
    public TriggerType type() {
        return TriggerType.DETRACTOR;
    }

    @Override
    public boolean accepts(JourneyEvent e) {
        return e.isNps() && e.score <= maxNps;
    }

    @Override
    public Pattern<JourneyEvent, JourneyEvent> pattern() {
        int max = maxNps;
        return Pattern.<JourneyEvent>begin("detractor")
                .where(SimpleCondition.of(e -> e.isNps() && e.score <= max))
                .within(WINDOW);
    }

    @Override
    public Duration window() {
        return WINDOW;
    }

    @Override
    public Trigger toTrigger(Map<String, List<JourneyEvent>> match) {
        List<JourneyEvent> events = match.get("detractor");
        JourneyEvent e = events.get(0);
        Priority priority = e.score <= 2 ? Priority.P1 : e.score <= 4 ? Priority.P2 : Priority.P3;
        return trigger(events, priority,
                "NPS " + e.score + " (detractor) about " + e.touchpoint + " via " + e.channel,
                "Call back within the hour: acknowledge the experience, fix the root cause, close the loop.");
    }
}

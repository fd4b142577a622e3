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
 * A fresh promoter: an NPS answer at or above {@code detect.promoter.min-nps} (9). Routed to
 * marketing to ask for a review or referral while the experience is fresh (P4).
 */
public class PromoterPattern extends Detector {
    private static final long serialVersionUID = 1L;

    static final Duration WINDOW = Duration.ofMinutes(1);

    private final int minNps;

    public PromoterPattern(int minNps) {
        this.minNps = minNps;
    }

    @Override
    public TriggerType type() {
        return TriggerType.PROMOTER;
    }

    @Override
    public boolean accepts(JourneyEvent e) {
        return e.isNps() && e.score >= minNps;
    }

    @Override
    public Pattern<JourneyEvent, JourneyEvent> pattern() {
        int min = minNps;
        return Pattern.<JourneyEvent>begin("promoter")
                .where(SimpleCondition.of(e -> e.isNps() && e.score >= min))
                .within(WINDOW);
    }

    @Override
    public Duration window() {
        return WINDOW;
    }

    @Override
    public Trigger toTrigger(Map<String, List<JourneyEvent>> match) {
        List<JourneyEvent> events = match.get("promoter");
        JourneyEvent e = events.get(0);
        Trigger t = trigger(events, Priority.P4,
                "NPS " + e.score + " (promoter) about " + e.touchpoint,
                "Ask for a review or a referral while the experience is fresh.");
        t.priority = Priority.P4; // marketing: no risk boost
        return t;
    }
}

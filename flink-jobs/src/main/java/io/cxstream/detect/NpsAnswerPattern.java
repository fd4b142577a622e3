package io.cxstream.detect;

import io.cxstream.journey.JourneyEvent;

import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A detector on a single NPS answer (detractor, promoter): the subclasses say which scores and what follows. */
abstract class NpsAnswerPattern extends Detector {
    private static final long serialVersionUID = 1L;

    /** A single answer: the window only bounds how long CEP may hold it. */
    static final Duration WINDOW = Duration.ofMinutes(1);

    /** Whether this NPS score is what the detector looks for. */
    abstract boolean matches(int score);

    /** The trigger for one matching answer. */
    abstract Trigger toTrigger(List<JourneyEvent> answer);

    /** Name of the pattern's only stage. */
    private String stage() {
        return type().name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public final boolean singleEvent() {
        return true;
    }

    @Override
    public final Trigger toTrigger(JourneyEvent answer) {
        return toTrigger(List.of(answer));
    }

    @Override
    public final boolean accepts(JourneyEvent e) {
        return e.isNps() && matches(e.score);
    }

    @Override
    public final Pattern<JourneyEvent, JourneyEvent> pattern() {
        return Pattern.<JourneyEvent>begin(stage()).where(SimpleCondition.of(this::accepts)).within(WINDOW);
    }

    @Override
    public final Duration window() {
        return WINDOW;
    }

    @Override
    public final Trigger toTrigger(Map<String, List<JourneyEvent>> match) {
        return toTrigger(match.get(stage()));
    }
}

package io.cxstream.detect;

import io.cxstream.avro.InteractionType;
import io.cxstream.avro.Priority;
import io.cxstream.avro.TriggerType;
import io.cxstream.journey.JourneyEvent;

import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Repeat contact: {@code detect.repeat-contact.contacts} (3) support contacts within
 * {@code detect.repeat-contact.window} (24 h). A SUPPORT_CONTACT or a CALL_ABANDONED counts: an
 * abandoned call is a contact attempt that failed. Fires at the contact that completes the count.
 */
public class RepeatContactPattern extends Detector {
    private static final long serialVersionUID = 1L;

    private final int contacts;
    private final Duration window;

    public RepeatContactPattern(int contacts, Duration window) {
        this.contacts = contacts;
        this.window = window;
    }

    static boolean isContact(JourneyEvent e) {
        return e.isInteraction(InteractionType.SUPPORT_CONTACT) || e.isInteraction(InteractionType.CALL_ABANDONED);
    }

    @Override
    public TriggerType type() {
        return TriggerType.REPEAT_CONTACT;
    }

    @Override
    public boolean accepts(JourneyEvent e) {
        return isContact(e);
    }

    @Override
    public Pattern<JourneyEvent, JourneyEvent> pattern() {
        Pattern<JourneyEvent, JourneyEvent> p = Pattern.<JourneyEvent>begin("contacts", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(SimpleCondition.of(RepeatContactPattern::isContact));
        if (contacts > 1) {
            p = p.times(contacts);
        }
        return p.within(window);
    }

    @Override
    public Duration window() {
        return window;
    }

    @Override
    public Trigger toTrigger(Map<String, List<JourneyEvent>> match) {
        List<JourneyEvent> events = match.get("contacts");
        Set<String> channels = new LinkedHashSet<>();
        for (JourneyEvent e : events) {
            channels.add(String.valueOf(e.channel));
        }
        long span = events.get(events.size() - 1).eventTime - events.get(0).eventTime;
        return trigger(events, Priority.P2,
                events.size() + " support contacts within " + minutes(span) + " via " + String.join(", ", channels),
                "Give the case one owner and call back with a resolution instead of another transfer.");
    }
}

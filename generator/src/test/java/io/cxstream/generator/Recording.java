package io.cxstream.generator;

import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Events drawn from a simulator, grouped by journey, for assertions on whole journeys. */
final class Recording {
    /** First event time used by tests; each further event is one millisecond later. */
    static final long START_MILLIS = 1_764_000_000_000L;

    final List<SimulatedEvent> events;
    /** Every journey that started and finished within the recording, in order of start. */
    final Map<Long, List<SimulatedEvent>> completedJourneys;

    private Recording(List<SimulatedEvent> events) {
        this.events = events;
        Map<Long, List<SimulatedEvent>> byJourney = new LinkedHashMap<>();
        for (SimulatedEvent e : events) {
            byJourney.computeIfAbsent(e.journeyId(), id -> new ArrayList<>()).add(e);
        }
        byJourney.values().removeIf(journey -> !journey.get(journey.size() - 1).lastOfJourney());
        this.completedJourneys = byJourney;
    }

    /** {@code count} events of a new simulator, at times START_MILLIS, START_MILLIS + 1, ... */
    static Recording of(SimulatorConfig config, int count) {
        CustomerSimulator simulator = new CustomerSimulator(config);
        List<SimulatedEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(simulator.next(START_MILLIS + i));
        }
        return new Recording(events);
    }

    /** The completed journeys of one persona. */
    List<List<SimulatedEvent>> journeysOf(Persona persona) {
        return completedJourneys.values().stream()
                .filter(j -> j.get(0).persona() == persona)
                .toList();
    }

    static List<InteractionEvent> interactions(List<SimulatedEvent> journey) {
        return journey.stream()
                .filter(e -> e.kind() == EventKind.INTERACTION)
                .map(SimulatedEvent::interaction)
                .toList();
    }

    static List<InteractionType> types(List<SimulatedEvent> journey) {
        return interactions(journey).stream().map(InteractionEvent::getType).toList();
    }
}

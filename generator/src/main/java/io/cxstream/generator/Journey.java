package io.cxstream.generator;

import java.util.List;

/** One journey under way: who, which persona, its script and how far it got. */
final class Journey {
    final long id;
    final long customerIndex;
    final String customerId;
    final Persona persona;
    private final List<JourneyStep> steps;
    private int position;

    Journey(long id, long customerIndex, String customerId, Persona persona, List<JourneyStep> steps) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a journey needs at least one step");
        }
        this.id = id;
        this.customerIndex = customerIndex;
        this.customerId = customerId;
        this.persona = persona;
        this.steps = steps;
    }

    /** The next step; must not be called once {@link #finished()}. */
    JourneyStep advance() {
        return steps.get(position++);
    }

    boolean finished() {
        return position >= steps.size();
    }
}

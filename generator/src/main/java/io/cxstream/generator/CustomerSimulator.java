package io.cxstream.generator;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A deterministic model of customer journeys: each call to {@link #next(long)} returns the next
 * event of one randomly chosen journey under way, starting new journeys (for new customers) as
 * others finish. The same {@link SimulatorConfig} (seed included) always yields the same events.
 *
 * <p>Memory is bounded by {@link SimulatorConfig#inFlightJourneys()}, not by the number of
 * customers: customer ids are drawn from the id space {@code [0, customers)} when a journey starts
 * and nothing is kept about a customer once their journey ends. A customer is in at most one
 * journey at a time, so each journey's events keep their scripted order for that customer.
 *
 * <p>Not thread-safe: use one per thread.
 */
public final class CustomerSimulator {
    private static final Persona[] PERSONAS = Persona.values();

    private final SimulatorConfig config;
    private final SplittableRandom random;
    private final IdSequence ids;
    private final JourneyPlanner planner;
    private final double[] cumulativeMix;
    private final Journey[] pool;
    private final Set<Long> customersInFlight;
    private int inFlight;
    private long journeys;
    private long events;
    private final long[] journeysByPersona = new long[PERSONAS.length];
    private final long[] eventsByPersona = new long[PERSONAS.length];
    private final long[] eventsByKind = new long[EventKind.values().length];

    public CustomerSimulator(SimulatorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.random = new SplittableRandom(config.seed());
        this.ids = new IdSequence(config.seed());
        this.planner = new JourneyPlanner(random, ids);
        this.cumulativeMix = cumulative(config);
        this.pool = new Journey[(int) Math.min(config.inFlightJourneys(), config.customers())];
        this.customersInFlight = new HashSet<>(pool.length * 2);
    }

    /** The customer id of an index of the id space: {@code c-} and at least seven digits, e.g. {@code c-0000042}. */
    public static String customerId(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("customer index must be >= 0 but was " + index);
        }
        String digits = Long.toString(index);
        int padding = Vocabulary.CUSTOMER_DIGITS - digits.length();
        return Vocabulary.CUSTOMER_PREFIX + (padding > 0 ? "0".repeat(padding) : "") + digits;
    }

    /**
     * The next event of a randomly chosen journey, stamped with the given event time.
     *
     * @param eventTimeMillis event time of the returned record, epoch milliseconds
     */
    public SimulatedEvent next(long eventTimeMillis) {
        int slot = random.nextInt(pool.length);
        Journey journey = pool[slot];
        if (journey == null) {
            journey = startJourney();
            pool[slot] = journey;
        }
        JourneyStep step = journey.advance();
        boolean last = journey.finished();
        if (last) {
            pool[slot] = null;
            customersInFlight.remove(journey.customerIndex);
            inFlight--;
        }
        events++;
        eventsByPersona[journey.persona.ordinal()]++;
        eventsByKind[step.kind().ordinal()]++;
        return new SimulatedEvent(
                step.kind(),
                journey.customerId,
                step.toRecord(ids.nextEventId(), journey.customerId, Instant.ofEpochMilli(eventTimeMillis)),
                journey.persona,
                journey.id,
                last);
    }

    public SimulatorConfig config() {
        return config;
    }

    /** Events returned so far. */
    public long eventsEmitted() {
        return events;
    }

    /** Journeys started so far. */
    public long journeysStarted() {
        return journeys;
    }

    /** Journeys under way now (at most {@link SimulatorConfig#inFlightJourneys()}). */
    public int journeysInFlight() {
        return inFlight;
    }

    /** Journeys started so far, per persona (every persona present). */
    public Map<Persona, Long> journeysByPersona() {
        return countsOf(PERSONAS, journeysByPersona);
    }

    /** Events returned so far, per persona of their journey (every persona present). */
    public Map<Persona, Long> eventsByPersona() {
        return countsOf(PERSONAS, eventsByPersona);
    }

    /** Events returned so far, per kind (every kind present). */
    public Map<EventKind, Long> eventsByKind() {
        return countsOf(EventKind.values(), eventsByKind);
    }

    private Journey startJourney() {
        long customer = drawCustomer();
        while (!customersInFlight.add(customer)) {
            customer = drawCustomer();
        }
        Persona persona = pickPersona();
        journeysByPersona[persona.ordinal()]++;
        inFlight++;
        return new Journey(journeys++, customer, customerId(customer), persona, planner.plan(persona, config));
    }

    /** A customer index: from the whole id space, or from the configured pool (one draw either way). */
    private long drawCustomer() {
        long[] pool = config.customerPool();
        return pool == null ? random.nextLong(config.customers()) : pool[(int) random.nextLong(pool.length)];
    }

    private Persona pickPersona() {
        double u = random.nextDouble();
        for (int i = 0; i < cumulativeMix.length - 1; i++) {
            if (u < cumulativeMix[i]) {
                return PERSONAS[i];
            }
        }
        // the last persona with a weight (guards against rounding in the cumulative sum)
        for (int i = PERSONAS.length - 1; ; i--) {
            if (config.share(PERSONAS[i]) > 0) {
                return PERSONAS[i];
            }
        }
    }

    private static double[] cumulative(SimulatorConfig config) {
        double[] result = new double[PERSONAS.length];
        double sum = 0;
        for (int i = 0; i < PERSONAS.length; i++) {
            sum += config.share(PERSONAS[i]);
            result[i] = sum;
        }
        return result;
    }

    private static <E extends Enum<E>> Map<E, Long> countsOf(E[] keys, long[] counts) {
        Map<E, Long> map = new EnumMap<>(keys[0].getDeclaringClass());
        for (E key : keys) {
            map.put(key, counts[key.ordinal()]);
        }
        return Collections.unmodifiableMap(map);
    }
}

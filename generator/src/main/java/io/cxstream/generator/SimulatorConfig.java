package io.cxstream.generator;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * How the {@link CustomerSimulator} behaves. Immutable; build it with {@link #builder()} (every
 * field has a default) and read defaults from {@link #defaults()}. Invalid values are refused at
 * construction with an {@link IllegalArgumentException} that names the field.
 *
 * @param seed seed of the pseudo-random sequence: the same configuration always yields the same
 *     events (default {@value #DEFAULT_SEED})
 * @param customers size of the customer id space, ids {@code c-0000000} to {@code c-<customers-1>};
 *     nothing is held per customer, so 10 million or more is fine. Keep it much larger than
 *     {@code inFlightJourneys}, or the same customer's journeys follow each other closely (default
 *     {@value #DEFAULT_CUSTOMERS})
 * @param inFlightJourneys how many journeys are under way at once (a customer is in at most one);
 *     events are drawn from them at random, so at a rate of R events/s one journey advances about
 *     every {@code inFlightJourneys / R} seconds: use a small pool for a slow demo (default
 *     {@value #DEFAULT_IN_FLIGHT_JOURNEYS}, at most {@value #MAX_IN_FLIGHT_JOURNEYS})
 * @param personaMix relative weight of each persona when a journey starts (a share of journeys, not
 *     of events: journeys differ in length); missing personas weigh 0 (default
 *     {@link #DEFAULT_PERSONA_MIX})
 * @param marketingOptInShare share of journeys that send a consent OPT_IN for MARKETING early on
 *     (default {@value #DEFAULT_MARKETING_OPT_IN_SHARE})
 * @param optOutShare share of journeys that send a consent OPT_OUT, for MARKETING or for ALL
 *     (default {@value #DEFAULT_OPT_OUT_SHARE})
 * @param eraseShare share of journeys that end with an ERASE request (default
 *     {@value #DEFAULT_ERASE_SHARE})
 * @param customerPool if not null, journeys are drawn only for these customer indexes (each in
 *     {@code [0, customers)}, more of them than {@code inFlightJourneys}), e.g. the customers an earlier
 *     load gave state; the array is not copied and must not change (default null: the whole id space)
 */
public record SimulatorConfig(
        long seed,
        long customers,
        int inFlightJourneys,
        Map<Persona, Double> personaMix,
        double marketingOptInShare,
        double optOutShare,
        double eraseShare,
        long[] customerPool) {

    public static final long DEFAULT_SEED = 42L;
    public static final long DEFAULT_CUSTOMERS = 100_000L;
    public static final int DEFAULT_IN_FLIGHT_JOURNEYS = 1_000;
    /** Keeps the in-flight pool (the simulator's only memory that grows with configuration) bounded. */
    public static final int MAX_IN_FLIGHT_JOURNEYS = 1_000_000;

    public static final double DEFAULT_MARKETING_OPT_IN_SHARE = 0.70;
    public static final double DEFAULT_OPT_OUT_SHARE = 0.05;
    public static final double DEFAULT_ERASE_SHARE = 0.0;

    /** Mostly happy buyers, and enough of every friction for the detectors to fire. */
    public static final Map<Persona, Double> DEFAULT_PERSONA_MIX = Collections.unmodifiableMap(enumMapOf(Map.of(
            Persona.HAPPY_BUYER, 0.50,
            Persona.PAYMENT_FRICTION, 0.12,
            Persona.ERROR_ABANDON, 0.10,
            Persona.REPEAT_CONTACT, 0.08,
            Persona.DETRACTOR, 0.10,
            Persona.PROMOTER, 0.10)));

    public SimulatorConfig {
        require(customers >= 1, "customers", "must be >= 1", customers);
        require(
                inFlightJourneys >= 1 && inFlightJourneys <= MAX_IN_FLIGHT_JOURNEYS,
                "inFlightJourneys",
                "must be in [1, " + MAX_IN_FLIGHT_JOURNEYS + "]",
                inFlightJourneys);
        personaMix = validMix(personaMix);
        requireShare("marketingOptInShare", marketingOptInShare);
        requireShare("optOutShare", optOutShare);
        requireShare("eraseShare", eraseShare);
        if (customerPool != null) {
            require(
                    customerPool.length > inFlightJourneys,
                    "customerPool",
                    "must hold more customers than inFlightJourneys (" + inFlightJourneys + ")",
                    customerPool.length);
            for (long c : customerPool) {
                require(c >= 0 && c < customers, "customerPool", "must hold indexes in [0, customers)", c);
            }
        }
    }

    /** The default configuration. */
    public static SimulatorConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.seed = seed;
        b.customers = customers;
        b.inFlightJourneys = inFlightJourneys;
        b.personaMix = enumMapOf(personaMix);
        b.marketingOptInShare = marketingOptInShare;
        b.optOutShare = optOutShare;
        b.eraseShare = eraseShare;
        b.customerPool = customerPool;
        return b;
    }

    /** The persona's share of new journeys, 0 to 1 (its weight divided by the sum of weights). */
    public double share(Persona persona) {
        double total =
                personaMix.values().stream().mapToDouble(Double::doubleValue).sum();
        return personaMix.getOrDefault(persona, 0.0) / total;
    }

    private static EnumMap<Persona, Double> enumMapOf(Map<Persona, Double> map) {
        EnumMap<Persona, Double> copy = new EnumMap<>(Persona.class);
        copy.putAll(map);
        return copy;
    }

    private static Map<Persona, Double> validMix(Map<Persona, Double> mix) {
        require(mix != null, "personaMix", "must not be null", mix);
        EnumMap<Persona, Double> copy = new EnumMap<>(Persona.class);
        double total = 0;
        for (Map.Entry<Persona, Double> e : mix.entrySet()) {
            require(e.getKey() != null, "personaMix", "must not contain a null persona", mix);
            Double weight = e.getValue();
            require(
                    weight != null && Double.isFinite(weight) && weight >= 0,
                    "personaMix." + e.getKey(),
                    "must be a finite weight >= 0",
                    weight);
            copy.put(e.getKey(), weight);
            total += weight;
        }
        require(total > 0, "personaMix", "must give at least one persona a weight > 0", mix);
        return Collections.unmodifiableMap(copy);
    }

    private static void requireShare(String field, double share) {
        require(share >= 0 && share <= 1, field, "must be a share in [0, 1]", share);
    }

    private static void require(boolean condition, String field, String rule, Object value) {
        if (!condition) {
            throw new IllegalArgumentException("SimulatorConfig." + field + " " + rule + " but was " + value);
        }
    }

    /** Builds a {@link SimulatorConfig}; unset fields keep their defaults. Not thread-safe. */
    public static final class Builder {
        private long seed = DEFAULT_SEED;
        private long customers = DEFAULT_CUSTOMERS;
        private int inFlightJourneys = DEFAULT_IN_FLIGHT_JOURNEYS;
        private Map<Persona, Double> personaMix = enumMapOf(DEFAULT_PERSONA_MIX);
        private double marketingOptInShare = DEFAULT_MARKETING_OPT_IN_SHARE;
        private double optOutShare = DEFAULT_OPT_OUT_SHARE;
        private double eraseShare = DEFAULT_ERASE_SHARE;
        private long[] customerPool;

        private Builder() {}

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder customers(long customers) {
            this.customers = customers;
            return this;
        }

        public Builder inFlightJourneys(int inFlightJourneys) {
            this.inFlightJourneys = inFlightJourneys;
            return this;
        }

        /** Replaces the whole mix; personas not in it weigh 0. */
        public Builder personaMix(Map<Persona, Double> personaMix) {
            this.personaMix = personaMix == null ? null : enumMapOf(personaMix);
            return this;
        }

        /** Sets one persona's weight, keeping the others. */
        public Builder personaWeight(Persona persona, double weight) {
            if (personaMix == null) {
                personaMix = new EnumMap<>(Persona.class);
            }
            personaMix.put(Objects.requireNonNull(persona, "persona"), weight);
            return this;
        }

        /** Only this persona. */
        public Builder onlyPersona(Persona persona) {
            return personaMix(Map.of(Objects.requireNonNull(persona, "persona"), 1.0));
        }

        public Builder marketingOptInShare(double share) {
            this.marketingOptInShare = share;
            return this;
        }

        public Builder optOutShare(double share) {
            this.optOutShare = share;
            return this;
        }

        public Builder eraseShare(double share) {
            this.eraseShare = share;
            return this;
        }

        /** Journeys only for these customer indexes (not copied); null: the whole id space. */
        public Builder customerPool(long[] customerPool) {
            this.customerPool = customerPool;
            return this;
        }

        public SimulatorConfig build() {
            return new SimulatorConfig(
                    seed,
                    customers,
                    inFlightJourneys,
                    personaMix,
                    marketingOptInShare,
                    optOutShare,
                    eraseShare,
                    customerPool);
        }
    }
}

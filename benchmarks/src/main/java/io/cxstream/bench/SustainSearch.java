package io.cxstream.bench;

import java.util.List;

/**
 * The target rate of each paced attempt of the sustain phase, from the results so far. First the fixed
 * steps of {@link PrefilledSustain#attemptRates} (a probe above the drain rate, then the confirmation
 * rate, then back-offs) until one keeps up. Then up to {@code refine} more attempts narrow the bracket
 * between the highest rate that kept up and the lowest that fell behind, by halving it; if nothing fell
 * behind yet (the probe kept up), the first of them probes {@code probe} × higher to find one. Without
 * refinement the fixed steps land on either side of a job's limit by the run's own noise, and a
 * "sustained" figure jumps by a step (about 20 %); with it the figure is within the last bracket's width.
 *
 * <p>Sustained = the highest rate that kept up (each capped at what the generator achieved), whatever
 * the order in which the attempts were made.
 */
final class SustainSearch {
    /** The search stops refining once the bracket is this narrow, relative to its top. */
    static final double NARROW_ENOUGH = 0.02;

    private final List<Double> steps;
    private final double probe;
    private int refineLeft;
    private int step;
    private double highestKeptUp = -1;
    private double lowestFellBehind = Double.POSITIVE_INFINITY;

    SustainSearch(double drainRate, double probe, double confirm, double backoff, int backoffAttempts, int refine) {
        this.steps = PrefilledSustain.attemptRates(drainRate, probe, confirm, backoff, backoffAttempts);
        this.probe = probe;
        this.refineLeft = refine;
    }

    /** The next attempt's target rate, or {@code -1} when the search is over. */
    double next() {
        if (highestKeptUp < 0) {
            return step < steps.size() ? steps.get(step) : -1;
        }
        if (refineLeft <= 0) {
            return -1;
        }
        if (lowestFellBehind == Double.POSITIVE_INFINITY) {
            return Math.round(highestKeptUp * probe);
        }
        if ((lowestFellBehind - highestKeptUp) / lowestFellBehind <= NARROW_ENOUGH) {
            return -1;
        }
        return Math.round((highestKeptUp + lowestFellBehind) / 2);
    }

    /**
     * What the attempt at {@code rate} (the last {@link #next()}) showed.
     *
     * @param shown the rate it showed sustainable when it kept up: the target, or less if the generator
     *     could not reach it
     */
    void result(double rate, boolean keptUp, double shown) {
        if (highestKeptUp < 0) {
            step++;
        } else {
            refineLeft--;
        }
        if (keptUp) {
            highestKeptUp = Math.max(highestKeptUp, Math.min(rate, shown));
        } else {
            lowestFellBehind = Math.min(lowestFellBehind, rate);
        }
    }

    /** The highest rate that kept up, or {@code -1} if none did. */
    double sustained() {
        return highestKeptUp;
    }
}

package io.cxstream.rules;

import java.io.Serializable;
import java.time.Duration;

/**
 * The bounds every rule is checked against, so that no rule can make per-customer state or work
 * unbounded ({@code rules.*} settings).
 */
public final class RuleLimits implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Longest condition or priority expression, in characters. */
    public static final int MAX_EXPRESSION_LENGTH = 2000;
    /** Longest reason or action template, in characters. */
    public static final int MAX_TEMPLATE_LENGTH = 1000;
    /** Largest count of a count rule (it keeps at most this many event times per customer). */
    public static final int MAX_COUNT = 100;

    public final int maxActive;
    public final Duration maxWindow;
    /** Most open starts an absence or sequence rule keeps per customer (oldest dropped first). */
    public final int maxMarks;

    public RuleLimits(int maxActive, Duration maxWindow, int maxMarks) {
        this.maxActive = maxActive;
        this.maxWindow = maxWindow;
        this.maxMarks = maxMarks;
    }

    /** The defaults of the {@code rules.*} settings. */
    public static RuleLimits defaults() {
        return new RuleLimits(100, Duration.ofDays(31), 16);
    }
}

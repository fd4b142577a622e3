package io.cxstream.voc;

import java.util.HashSet;
import java.util.Set;

/**
 * Bounds the cardinality of the {@code touchpoint} metric label: the first {@code max} distinct
 * touchpoints seen keep their own label, every later one (and a missing touchpoint, or one named like
 * the reserved labels {@value #ALL} / {@value #OTHER}) is folded into {@value #OTHER}. The set is per
 * operator instance and not checkpointed: after a restart the first {@code max} touchpoints seen again
 * get labels.
 */
final class TouchpointLabels {
    /** The label of the aggregate over all values of a dimension. */
    static final String ALL = "all";
    /** The label every touchpoint beyond the limit is folded into. */
    static final String OTHER = "other";

    private final int max;
    private final Set<String> known = new HashSet<>();

    TouchpointLabels(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max touchpoints must be >= 0, was " + max);
        }
        this.max = max;
    }

    /** The label value for {@code touchpoint}. */
    String labelOf(String touchpoint) {
        if (touchpoint == null || touchpoint.isBlank() || ALL.equals(touchpoint) || OTHER.equals(touchpoint)) {
            return OTHER;
        }
        if (known.contains(touchpoint)) {
            return touchpoint;
        }
        if (known.size() < max) {
            known.add(touchpoint);
            return touchpoint;
        }
        return OTHER;
    }
}

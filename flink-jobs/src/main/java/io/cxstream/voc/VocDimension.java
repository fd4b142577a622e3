package io.cxstream.voc;

import io.cxstream.journey.JourneyEvent;

import java.util.Locale;

/**
 * The dimensions a feedback answer is counted under. Each answer counts once per dimension that has a
 * value for it (an answer without agent id is not counted under {@link #AGENT}).
 */
public enum VocDimension {
    /** Every answer; value {@value #ALL}. */
    OVERALL,
    TOUCHPOINT,
    CHANNEL,
    /** The agent id the answer is about (an id, never a name). */
    AGENT,
    /** The customer's segment from the journey snapshot (NEW, ACTIVE, LOYAL or the one sent). */
    SEGMENT,
    SURVEY,
    /** Touchpoint and channel, value {@code touchpoint|CHANNEL}. */
    TOUCHPOINT_CHANNEL;

    /** The value of {@link #OVERALL}. */
    public static final String ALL = "all";
    /** The value answers are folded into beyond a dimension's cardinality bound, or when their value is unusable. */
    public static final String OTHER = "other";

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The name used on the wire and in metric labels, e.g. {@code touchpoint_channel} (one string per dimension). */
    public String label() {
        return label;
    }

    public static VocDimension ofLabel(String label) {
        return valueOf(label.trim().toUpperCase(Locale.ROOT));
    }

    /** This dimension's raw value for an answer, or null when the answer has none. */
    String rawValue(JourneyEvent e) {
        switch (this) {
            case OVERALL:
                return ALL;
            case TOUCHPOINT:
                return e.touchpoint;
            case CHANNEL:
                return e.channel == null ? null : e.channel.name();
            case AGENT:
                return e.agentId;
            case SEGMENT:
                return e.snapshot == null ? null : e.snapshot.getSegment();
            case SURVEY:
                return e.surveyId;
            case TOUCHPOINT_CHANNEL:
                return e.touchpoint == null || e.channel == null ? null : e.touchpoint + "|" + e.channel.name();
            default:
                throw new IllegalStateException("unknown dimension " + this);
        }
    }
}

package io.cxstream.rules;

import io.cxstream.avro.JourneySnapshot;
import io.cxstream.avro.RuleMark;
import io.cxstream.journey.JourneyEvent;

import dev.cel.runtime.CelVariableResolver;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The variables a rule condition sees (declared in {@link Conditions#VARIABLES}), resolved lazily
 * from one event: only the names an expression uses are looked up. Mutable and reused per operator
 * instance (one thread), so evaluation allocates nothing per event.
 */
final class EventVariables implements CelVariableResolver {
    private String kind;
    private String type;
    private String metric;
    private long score;
    private long normalizedScore;
    private String npsCategory;
    private String channel;
    private String touchpoint;
    private String agentId;
    private Map<String, String> attributes;
    private JourneySnapshot snapshot;

    /** Points the variables at a scored event; {@code attributes} are the interaction's (or null). */
    EventVariables of(JourneyEvent e, Map<String, String> attributes) {
        this.kind = e.interactionType != null ? "INTERACTION" : "FEEDBACK";
        this.type = e.interactionType != null ? e.interactionType.name() : "";
        this.metric = e.metric != null ? e.metric.name() : "";
        this.score = e.score;
        this.normalizedScore = e.normalizedScore;
        this.npsCategory = e.npsCategory != null ? e.npsCategory.name() : "";
        this.channel = e.channel != null ? e.channel.name() : "";
        this.touchpoint = e.touchpoint != null ? e.touchpoint : "";
        this.agentId = e.agentId != null ? e.agentId : "";
        this.attributes = attributes;
        this.snapshot = e.snapshot;
        return this;
    }

    /** Points the variables at a remembered event (no attributes: a mark does not keep them). */
    EventVariables of(RuleMark m) {
        this.kind = m.getType() != null ? "INTERACTION" : "FEEDBACK";
        this.type = m.getType() != null ? m.getType() : "";
        this.metric = m.getMetric() != null ? m.getMetric() : "";
        this.score = m.getScore();
        this.normalizedScore = 0;
        this.npsCategory = "";
        this.channel = m.getChannel() != null ? m.getChannel() : "";
        this.touchpoint = m.getTouchpoint() != null ? m.getTouchpoint() : "";
        this.agentId = m.getAgentId() != null ? m.getAgentId() : "";
        this.attributes = null;
        this.snapshot = m.getSnapshot();
        return this;
    }

    /** The map variable of the interaction's attributes (empty for feedback and marks). */
    static final String ATTRIBUTES = "event.attributes";

    private static final List<String> STRING_NAMES = List.of(
            "event.kind",
            "event.type",
            "event.metric",
            "event.npsCategory",
            "event.channel",
            "event.touchpoint",
            "event.agentId",
            "journey.stage",
            "journey.segment");
    private static final List<String> INT_NAMES = List.of(
            "event.score",
            "event.normalizedScore",
            "journey.churnRisk",
            "journey.lastNps",
            "journey.lastCsat",
            "journey.lastCes");

    /**
     * The id {@link #string(int)} or {@link #integer(int)} reads a string or int variable by (-1: not
     * one of those): for conditions evaluated without CEL ({@link DirectConditions}).
     */
    static int idOf(String name) {
        int i = STRING_NAMES.indexOf(name);
        return i >= 0 ? i : INT_NAMES.indexOf(name);
    }

    /** The string variable {@code id} names ({@link #idOf}); the same value as CEL sees. */
    String string(int id) {
        switch (id) {
            case 0:
                return kind;
            case 1:
                return type;
            case 2:
                return metric;
            case 3:
                return npsCategory;
            case 4:
                return channel;
            case 5:
                return touchpoint;
            case 6:
                return agentId;
            case 7:
                return snapshot != null ? snapshot.getStage().name() : "UNKNOWN";
            default:
                return snapshot != null ? snapshot.getSegment() : "";
        }
    }

    /** The int variable {@code id} names ({@link #idOf}); the same value as CEL sees. */
    long integer(int id) {
        switch (id) {
            case 0:
                return score;
            case 1:
                return normalizedScore;
            case 2:
                return snapshot != null ? snapshot.getChurnRisk() : 0L;
            case 3:
                return orMinusOne(snapshot != null ? snapshot.getLastNps() : null);
            case 4:
                return orMinusOne(snapshot != null ? snapshot.getLastCsat() : null);
            default:
                return orMinusOne(snapshot != null ? snapshot.getLastCes() : null);
        }
    }

    /** {@link #ATTRIBUTES}: the interaction's attributes, empty when there are none; the same map as CEL sees. */
    Map<String, String> attributes() {
        return attributes != null ? attributes : Collections.emptyMap();
    }

    @Override
    public Optional<Object> find(String name) {
        Object value = value(name);
        return value == null ? Optional.empty() : Optional.of(value);
    }

    private Object value(String name) {
        int id = STRING_NAMES.indexOf(name);
        if (id >= 0) {
            return string(id);
        }
        id = INT_NAMES.indexOf(name);
        if (id >= 0) {
            return integer(id);
        }
        switch (name) {
            case ATTRIBUTES:
                return attributes();
            case "journey.recentTouchpoints":
                return snapshot != null ? snapshot.getRecentTouchpoints() : List.of();
            default:
                return null;
        }
    }

    private static long orMinusOne(Integer v) {
        return v == null ? -1L : v;
    }
}

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

    @Override
    public Optional<Object> find(String name) {
        Object value = value(name);
        return value == null ? Optional.empty() : Optional.of(value);
    }

    private Object value(String name) {
        switch (name) {
            case "event.kind":
                return kind;
            case "event.type":
                return type;
            case "event.metric":
                return metric;
            case "event.score":
                return score;
            case "event.normalizedScore":
                return normalizedScore;
            case "event.npsCategory":
                return npsCategory;
            case "event.channel":
                return channel;
            case "event.touchpoint":
                return touchpoint;
            case "event.agentId":
                return agentId;
            case "event.attributes":
                return attributes != null ? attributes : Collections.emptyMap();
            case "journey.stage":
                return snapshot != null ? snapshot.getStage().name() : "UNKNOWN";
            case "journey.segment":
                return snapshot != null ? snapshot.getSegment() : "";
            case "journey.churnRisk":
                return snapshot != null ? (long) snapshot.getChurnRisk() : 0L;
            case "journey.lastNps":
                return orMinusOne(snapshot != null ? snapshot.getLastNps() : null);
            case "journey.lastCsat":
                return orMinusOne(snapshot != null ? snapshot.getLastCsat() : null);
            case "journey.lastCes":
                return orMinusOne(snapshot != null ? snapshot.getLastCes() : null);
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

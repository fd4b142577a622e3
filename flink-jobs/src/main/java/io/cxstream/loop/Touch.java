package io.cxstream.loop;

import io.cxstream.avro.RecoveryOutcome;

import java.util.ArrayList;
import java.util.List;

/**
 * A customer's event that matters to the loop, kept briefly in case the outreach it resolves or recovers arrives
 * after it (the decision waits for the watermark; the journey's events do not): its event time, what it
 * resolves (rule ids) and what it means for recovery. A Flink POJO with no personal data.
 */
public class Touch {
    public long eventTime;
    /** The event's kind (interaction type or metric=score), for the update's detail. */
    public String kind;
    /** RECOVERED, CHURNED or null. */
    public RecoveryOutcome recovery;
    /** Ids of the rules whose loop.resolvedBy it matches. */
    public List<String> resolves = new ArrayList<>();

    public Touch() {}

    /** {@code kept} plus {@code t}, at most the {@code max} latest. */
    static List<Touch> append(List<Touch> kept, Touch t, int max) {
        List<Touch> result = kept == null ? new ArrayList<>() : new ArrayList<>(kept);
        result.add(t);
        return result.size() > max ? new ArrayList<>(result.subList(result.size() - max, result.size())) : result;
    }

    boolean matters() {
        return recovery != null || !resolves.isEmpty();
    }
}

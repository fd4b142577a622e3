package io.cxstream.loop;

import io.cxstream.state.StateTtl;

import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

import java.time.Duration;
import java.util.List;

/**
 * The lifecycle operator's keyed state (per customer). Each has a processing-time TTL as a safety net only; the
 * operator ends what it keeps itself (an outreach once ended and followed up, caps by event time).
 */
public final class LoopState {
    /** An outreach nobody ever closes (acked, or with no SLA) is forgotten this long after its last change at the latest. */
    static final Duration LIFECYCLE_SAFETY_TTL = Duration.ofDays(30);

    private LoopState() {}

    /** Outreach followed: outreachId → lifecycle. */
    public static MapStateDescriptor<String, Lifecycle> lifecycles(LoopConfig config) {
        MapStateDescriptor<String, Lifecycle> d =
                new MapStateDescriptor<>("lifecycles", Types.STRING, TypeInformation.of(Lifecycle.class));
        d.enableTimeToLive(StateTtl.afterWrite(config.recoveryPeriod.plus(LIFECYCLE_SAFETY_TTL)));
        return d;
    }

    /** Event times of the outreach sent, per route (the caps). */
    public static MapStateDescriptor<String, List<Long>> sent(LoopConfig config) {
        Duration longest =
                config.capPeriod.values().stream().max(Duration::compareTo).orElse(Duration.ofDays(1));
        MapStateDescriptor<String, List<Long>> d =
                new MapStateDescriptor<>("sent", Types.STRING, Types.LIST(Types.LONG));
        d.enableTimeToLive(StateTtl.afterWrite(longest.plus(longest)));
        return d;
    }

    /** The customer's latest events that resolve or recover, for an outreach that arrives after them. */
    public static ValueStateDescriptor<List<Touch>> touches(LoopConfig config) {
        ValueStateDescriptor<List<Touch>> d =
                new ValueStateDescriptor<>("touches", Types.LIST(TypeInformation.of(Touch.class)));
        d.enableTimeToLive(StateTtl.afterWrite(config.earlyEventsTtl));
        return d;
    }

    /**
     * When the customer was last erased (event time), for {@code outreach.lifecycle.early-events-ttl}: an outreach
     * the decision emitted before the erasure can still be on its way here (another path than the marker's).
     */
    public static ValueStateDescriptor<Long> erasedAt(LoopConfig config) {
        ValueStateDescriptor<Long> d = new ValueStateDescriptor<>("erased-at", Types.LONG);
        d.enableTimeToLive(StateTtl.afterWrite(config.earlyEventsTtl));
        return d;
    }
}

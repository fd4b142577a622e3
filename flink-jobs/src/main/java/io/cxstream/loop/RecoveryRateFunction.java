package io.cxstream.loop;

import io.cxstream.avro.OutreachUpdate;
import io.cxstream.avro.RecoveryOutcome;
import io.cxstream.avro.RecoveryRate;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Instant;

/**
 * Keyed by rule: counts the recovery outcomes of treated and held-out outreach and emits the rule's figures
 * after each one, so uplift (recovered/treated − heldOutRecovered/heldOut) can be read with its counts.
 */
public class RecoveryRateFunction extends KeyedProcessFunction<String, OutreachUpdate, RecoveryRate> {
    private static final long serialVersionUID = 1L;

    private transient ValueState<RecoveryRate> rate;

    @Override
    public void open(OpenContext openContext) {
        rate = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("recovery-rate", TypeInformation.of(RecoveryRate.class)));
    }

    @Override
    public void processElement(OutreachUpdate u, Context ctx, Collector<RecoveryRate> out) throws Exception {
        if (u.getRecovery() == null) {
            return;
        }
        RecoveryRate r = rate.value();
        if (r == null) {
            r = new RecoveryRate(ctx.getCurrentKey(), 0L, 0L, 0L, 0L, 0L, 0L, Instant.EPOCH);
        }
        boolean recovered = u.getRecovery() == RecoveryOutcome.RECOVERED;
        boolean churned = u.getRecovery() == RecoveryOutcome.CHURNED;
        if (u.getHeldOut()) {
            r.setHeldOut(r.getHeldOut() + 1);
            r.setHeldOutRecovered(r.getHeldOutRecovered() + (recovered ? 1 : 0));
            r.setHeldOutChurned(r.getHeldOutChurned() + (churned ? 1 : 0));
        } else {
            r.setTreated(r.getTreated() + 1);
            r.setTreatedRecovered(r.getTreatedRecovered() + (recovered ? 1 : 0));
            r.setTreatedChurned(r.getTreatedChurned() + (churned ? 1 : 0));
        }
        r.setUpdatedAt(Instant.ofEpochMilli(ctx.timerService().currentProcessingTime()));
        rate.update(r);
        out.collect(RecoveryRate.newBuilder(r).build());
    }
}

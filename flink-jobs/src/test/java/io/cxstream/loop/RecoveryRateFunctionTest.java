package io.cxstream.loop;

import io.cxstream.avro.OutreachStatus;
import io.cxstream.avro.OutreachUpdate;
import io.cxstream.avro.Priority;
import io.cxstream.avro.RecoveryOutcome;
import io.cxstream.avro.RecoveryRate;
import io.cxstream.avro.Route;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Recovery figures per rule: outcomes counted by arm, status changes ignored, figures kept across a restore. */
class RecoveryRateFunctionTest {
    private static OutreachUpdate outcome(String rule, boolean heldOut, RecoveryOutcome recovery) {
        return OutreachUpdate.newBuilder()
                .setOutreachId("o")
                .setCustomerId("c")
                .setRuleId(rule)
                .setTriggerName("T")
                .setRoute(Route.CONTACT_CENTER)
                .setPriority(Priority.P2)
                .setStatus(heldOut ? OutreachStatus.HELD_OUT : OutreachStatus.CLOSED)
                .setRecovery(recovery)
                .setHeldOut(heldOut)
                .setUpdatedAt(Instant.EPOCH)
                .build();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, OutreachUpdate, RecoveryRate> harness()
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new RecoveryRateFunction()),
                (OutreachUpdate u) -> u.getRuleId(),
                Types.STRING);
        h.open();
        return h;
    }

    @Test
    void outcomesAreCountedPerRuleAndArm() throws Exception {
        var h = harness();
        h.processElement(new StreamRecord<>(outcome("detractor", false, RecoveryOutcome.RECOVERED)));
        h.processElement(new StreamRecord<>(outcome("detractor", false, RecoveryOutcome.CHURNED)));
        h.processElement(new StreamRecord<>(outcome("detractor", true, RecoveryOutcome.NOT_RECOVERED)));
        h.processElement(new StreamRecord<>(outcome("detractor", true, null))); // a status change: no figure
        h.processElement(new StreamRecord<>(outcome("payment-friction", true, RecoveryOutcome.RECOVERED)));
        var snapshot = h.snapshot(1, 0);
        h.close();
        var restored = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new RecoveryRateFunction()),
                (OutreachUpdate u) -> u.getRuleId(),
                Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement(new StreamRecord<>(outcome("detractor", true, RecoveryOutcome.RECOVERED)));

        List<RecoveryRate> before = h.extractOutputValues();
        assertThat(before).hasSize(4);
        RecoveryRate last = restored.extractOutputValues().get(0);
        assertThat(List.of(
                        last.getRuleId(),
                        last.getTreated(),
                        last.getTreatedRecovered(),
                        last.getTreatedChurned(),
                        last.getHeldOut(),
                        last.getHeldOutRecovered(),
                        last.getHeldOutChurned()))
                .containsExactly("detractor", 2L, 1L, 1L, 2L, 1L, 0L);
        assertThat(before.get(3).getRuleId()).isEqualTo("payment-friction");
        assertThat(before.get(3).getHeldOutRecovered()).isEqualTo(1L);
        restored.close();
    }
}

package io.cxstream.journey;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.InteractionType;
import io.cxstream.detect.Detector;
import io.cxstream.detect.Detectors;
import io.cxstream.config.CxConfig;
import io.cxstream.io.CxEvent;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.cxstream.testing.Events.consent;
import static io.cxstream.testing.Events.interaction;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An ERASE consent event becomes an erasure marker on the journey's main output (besides the consent
 * side output), carrying nothing but the customer id and time, and every detector's input filter
 * lets it through; other consent changes emit no marker.
 */
class ErasureMarkerTest {
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void anErasureRequestEmitsAMarkerThatEveryDetectorReceives() throws Exception {
        JourneyFunction function = new JourneyFunction(Duration.ofDays(90), 3, Duration.ofMinutes(15), "cx.interactions", "cx.feedback");
        try (KeyedOneInputStreamOperatorTestHarness<String, CxEvent, JourneyEvent> harness =
                     ProcessFunctionTestHarnesses.forKeyedProcessFunction(function, e -> e.customerId, Types.STRING)) {
            send(harness, CxEvent.of(interaction("c1", T0, InteractionType.PAYMENT_FAILED, "checkout")));
            send(harness, CxEvent.of(consent("c1", T0 + 1, ConsentAction.OPT_OUT, ConsentPurpose.MARKETING)));
            ConsentEvent erase = consent("c1", T0 + 2, ConsentAction.ERASE, ConsentPurpose.ALL);
            send(harness, CxEvent.of(erase));

            List<JourneyEvent> out = harness.extractOutputValues();
            assertThat(out).extracting(e -> e.erasure).containsExactly(false, true);
            JourneyEvent marker = out.get(1);
            assertThat(marker.customerId).isEqualTo("c1");
            assertThat(marker.eventTime).isEqualTo(T0 + 2);
            assertThat(marker.eventId).isNull();
            assertThat(marker.interactionType).isNull();
            assertThat(marker.metric).isNull();
            assertThat(marker.snapshot).isNull();
            assertThat(harness.getSideOutput(JourneyFunction.CONSENTS)).extracting(r -> r.getValue().getAction())
                    .containsExactly(ConsentAction.OPT_OUT, ConsentAction.ERASE);

            CxConfig config = CxConfig.fromMap(Map.of("bootstrap-servers", "localhost:9092"), Map.of());
            for (Detector d : Detectors.enabled(config)) {
                assertThat(d.feeds(marker)).as(d.uid() + " receives erasure markers").isTrue();
                assertThat(d.accepts(marker)).as(d.uid() + " never matches one").isFalse();
            }
        }
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, CxEvent, JourneyEvent> h, CxEvent e) throws Exception {
        h.processElement(e, e.eventTime);
    }
}

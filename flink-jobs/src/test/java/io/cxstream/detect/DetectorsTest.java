package io.cxstream.detect;

import io.cxstream.avro.InteractionType;
import io.cxstream.avro.Priority;
import io.cxstream.avro.TriggerType;
import io.cxstream.config.CxConfig;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.testing.DetectorHarness;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.cxstream.testing.Events.journeyInteraction;
import static io.cxstream.testing.Events.journeyNps;
import static org.assertj.core.api.Assertions.assertThat;

/** Every detector, positive and negative, in event time on Flink's CEP operator. */
class DetectorsTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long MIN = 60_000L;
    private static final long HOUR = 60 * MIN;

    @Test
    void everyEnabledDetectorHasAWindowAndAStableUid() {
        CxConfig config = CxConfig.fromMap(Map.of("bootstrap-servers", "localhost:9092"), Map.of());
        List<Detector> detectors = Detectors.enabled(config);
        assertThat(detectors).extracting(Detector::type).containsExactlyInAnyOrder(
                TriggerType.DETRACTOR, TriggerType.PAYMENT_FRICTION, TriggerType.REPEAT_CONTACT,
                TriggerType.ERROR_THEN_ABANDON, TriggerType.PROMOTER);
        for (Detector d : detectors) {
            assertThat(d.pattern().getWindowSize()).as(d.type() + " has within()").contains(d.window());
        }
        assertThat(detectors).extracting(Detector::uid).contains("detect-payment-friction", "detect-error-then-abandon");
    }

    @Test
    void onlyTheNpsDetectorsAreSingleEventAndTheirMapGivesWhatCepGives() throws Exception {
        CxConfig config = CxConfig.fromMap(Map.of("bootstrap-servers", "localhost:9092"), Map.of());
        assertThat(Detectors.enabled(config)).filteredOn(Detector::singleEvent).extracting(Detector::type)
                .containsExactlyInAnyOrder(TriggerType.DETRACTOR, TriggerType.PROMOTER);

        for (Detector d : List.of(new DetractorPattern(6), new PromoterPattern(9))) {
            JourneyEvent answer = journeyNps("c1", T0, d.type() == TriggerType.DETRACTOR ? 3 : 10);
            Trigger direct = new SingleEventFunction(d).map(answer);
            try (DetectorHarness h = new DetectorHarness(d).open()) {
                h.send(answer).watermark(T0 + 10);
                Trigger viaCep = h.triggers().get(0);
                assertThat(direct).usingRecursiveComparison().as(d.type().name()).isEqualTo(viaCep);
                assertThat(direct.type).isEqualTo(d.type());
                // The CEP operator and the map pass an erasure on the same way.
                h.erase("c1", T0 + 20);
                Trigger marker = new SingleEventFunction(d).map(JourneyEvent.erasureOf("c1", T0 + 20));
                assertThat(marker).usingRecursiveComparison().isEqualTo(h.output().get(h.output().size() - 1));
                assertThat(marker.erasure).isTrue();
                assertThat(marker.type).isEqualTo(d.type());
            }
        }
        Detector sequence = new PaymentFrictionPattern(3, Duration.ofMinutes(10));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SingleEventFunction(sequence))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Nested
    class Detractor {
        @Test
        void lowNpsTriggersWithPriorityByScore() throws Exception {
            try (DetectorHarness h = new DetectorHarness(new DetractorPattern(6)).open()) {
                h.send(journeyNps("c1", T0, 1)).send(journeyNps("c2", T0 + 1, 4)).send(journeyNps("c3", T0 + 2, 6));
                assertThat(h.triggers()).as("nothing before the watermark passes").isEmpty();
                h.watermark(T0 + 10);
                assertThat(h.triggers()).extracting(t -> t.customerId + ":" + t.priority)
                        .containsExactly("c1:P1", "c2:P2", "c3:P3");
                assertThat(h.triggers().get(0).type).isEqualTo(TriggerType.DETRACTOR);
                assertThat(h.triggers().get(0).evidence).hasSize(1);
                assertThat(h.triggers().get(0).reason).contains("NPS 1");
            }
        }

        @Test
        void npsSevenIsNotADetractor() throws Exception {
            try (DetectorHarness h = new DetectorHarness(new DetractorPattern(6)).open()) {
                h.send(journeyNps("c1", T0, 7)).send(journeyNps("c1", T0 + 1, 10)).watermark(T0 + HOUR);
                assertThat(h.triggers()).isEmpty();
            }
        }
    }

    @Nested
    class Promoter {
        @Test
        void highNpsTriggersAMarketingAsk() throws Exception {
            try (DetectorHarness h = new DetectorHarness(new PromoterPattern(9)).open()) {
                h.send(journeyNps("c1", T0, 10)).send(journeyNps("c2", T0, 8)).watermark(T0 + 10);
                assertThat(h.triggers()).singleElement().satisfies(t -> {
                    assertThat(t.customerId).isEqualTo("c1");
                    assertThat(t.type).isEqualTo(TriggerType.PROMOTER);
                    assertThat(t.priority).isEqualTo(Priority.P4);
                });
            }
        }
    }

    @Nested
    class PaymentFriction {
        private final PaymentFrictionPattern detector = new PaymentFrictionPattern(2, Duration.ofMinutes(10));

        @Test
        void twoFailuresWithinTheWindowTrigger() throws Exception {
            try (DetectorHarness h = new DetectorHarness(detector).open()) {
                h.send(journeyInteraction("c1", T0, InteractionType.PAYMENT_FAILED, "checkout"))
                        .send(journeyInteraction("c1", T0 + 1000, InteractionType.PAGE_VIEW, "cart"))
                        .send(journeyInteraction("c1", T0 + 4 * MIN, InteractionType.PAYMENT_FAILED, "checkout"))
                        .watermark(T0 + 4 * MIN + 1);
                assertThat(h.triggers()).singleElement().satisfies(t -> {
                    assertThat(t.evidence).hasSize(2);
                    assertThat(t.lastEvidenceTime).isEqualTo(T0 + 4 * MIN);
                    assertThat(t.priority).isEqualTo(Priority.P1);
                });
            }
        }

        @Test
        void aFailureThenAnOrderIsNotFriction() throws Exception {
            try (DetectorHarness h = new DetectorHarness(detector).open()) {
                h.send(journeyInteraction("c1", T0, InteractionType.PAYMENT_FAILED, "checkout"))
                        .send(journeyInteraction("c1", T0 + MIN, InteractionType.ORDER_PLACED, "checkout"))
                        .send(journeyInteraction("c1", T0 + 2 * MIN, InteractionType.PAYMENT_FAILED, "checkout"))
                        .watermark(T0 + HOUR);
                assertThat(h.triggers()).as("an order between the failures resets the count").isEmpty();
            }
        }

        @Test
        void failuresFurtherApartThanTheWindowAreNotFriction() throws Exception {
            try (DetectorHarness h = new DetectorHarness(detector).open()) {
                h.send(journeyInteraction("c1", T0, InteractionType.PAYMENT_FAILED, "checkout"))
                        .send(journeyInteraction("c1", T0 + 11 * MIN, InteractionType.PAYMENT_FAILED, "checkout"))
                        .watermark(T0 + HOUR);
                assertThat(h.triggers()).isEmpty();
            }
        }

        @Test
        void aHalfSeenPatternSurvivesSnapshotAndRestoreOnRocksDb() throws Exception {
            OperatorSubtaskState snapshot;
            try (DetectorHarness h = new DetectorHarness(detector)) {
                h.harness().setStateBackend(new EmbeddedRocksDBStateBackend());
                h.open();
                h.send(journeyInteraction("c1", T0, InteractionType.PAYMENT_FAILED, "checkout")).watermark(T0 + 1);
                snapshot = h.harness().snapshot(1L, T0);
            }
            try (DetectorHarness h = new DetectorHarness(detector)) {
                h.harness().setStateBackend(new EmbeddedRocksDBStateBackend());
                h.harness().initializeState(snapshot);
                h.open();
                h.send(journeyInteraction("c1", T0 + MIN, InteractionType.PAYMENT_FAILED, "checkout")).watermark(T0 + MIN + 1);
                assertThat(h.triggers()).singleElement().satisfies(t -> assertThat(t.evidence).hasSize(2));
            }
        }
    }

    @Nested
    class RepeatContact {
        private final RepeatContactPattern detector = new RepeatContactPattern(3, Duration.ofHours(24));

        @Test
        void threeContactsInADayTrigger() throws Exception {
            try (DetectorHarness h = new DetectorHarness(detector).open()) {
                h.send(journeyInteraction("c1", T0, InteractionType.SUPPORT_CONTACT, "support"))
                        .send(journeyInteraction("c1", T0 + HOUR, InteractionType.CALL_ABANDONED, "support"))
                        .send(journeyInteraction("c1", T0 + 5 * HOUR, InteractionType.SUPPORT_CONTACT, "support"))
                        .watermark(T0 + 5 * HOUR + 1);
                assertThat(h.triggers()).singleElement().satisfies(t -> {
                    assertThat(t.type).isEqualTo(TriggerType.REPEAT_CONTACT);
                    assertThat(t.evidence).hasSize(3);
                });
            }
        }

        @Test
        void twoContactsOrContactsSpreadOverMoreThanADayDoNot() throws Exception {
            try (DetectorHarness h = new DetectorHarness(detector).open()) {
                h.send(journeyInteraction("c1", T0, InteractionType.SUPPORT_CONTACT, "support"))
                        .send(journeyInteraction("c1", T0 + HOUR, InteractionType.SUPPORT_CONTACT, "support"))
                        .send(journeyInteraction("c2", T0, InteractionType.SUPPORT_CONTACT, "support"))
                        .send(journeyInteraction("c2", T0 + 13 * HOUR, InteractionType.SUPPORT_CONTACT, "support"))
                        .send(journeyInteraction("c2", T0 + 25 * HOUR, InteractionType.SUPPORT_CONTACT, "support"))
                        .watermark(T0 + 48 * HOUR);
                assertThat(h.triggers()).isEmpty();
            }
        }
    }

    @Nested
    class ErrorThenAbandon {
        private final ErrorThenAbandonPattern detector =
                new ErrorThenAbandonPattern(Duration.ofMinutes(15), Set.of("checkout", "payment"));

        @Test
        void anErrorWithoutOrderFiresWhenTheWatermarkPassesTheDeadline() throws Exception {
            try (DetectorHarness h = new DetectorHarness(detector).open()) {
                h.send(journeyInteraction("c1", T0, InteractionType.ERROR, "checkout"));
                h.watermark(T0 + 14 * MIN);
                assertThat(h.triggers()).as("not before the deadline").isEmpty();
                h.watermark(T0 + 15 * MIN + 1);
                assertThat(h.triggers()).as("no next event needed: the watermark alone fires it")
                        .singleElement().satisfies(t -> {
                            assertThat(t.type).isEqualTo(TriggerType.ERROR_THEN_ABANDON);
                            assertThat(t.lastEvidenceTime).isEqualTo(T0 + 15 * MIN);
                            assertThat(t.evidence).singleElement().satisfies(ev -> assertThat(ev.getKind()).isEqualTo("ERROR"));
                        });
            }
        }

        @Test
        void anOrderAfterTheErrorCancelsIt() throws Exception {
            try (DetectorHarness h = new DetectorHarness(detector).open()) {
                h.send(journeyInteraction("c1", T0, InteractionType.ERROR, "checkout"))
                        .send(journeyInteraction("c1", T0 + 5 * MIN, InteractionType.ORDER_PLACED, "checkout"))
                        .watermark(T0 + HOUR);
                assertThat(h.triggers()).isEmpty();
            }
        }

        @Test
        void errorsElsewhereDoNotCount() throws Exception {
            try (DetectorHarness h = new DetectorHarness(detector).open()) {
                JourneyEvent loginError = journeyInteraction("c1", T0, InteractionType.ERROR, "login");
                assertThat(detector.accepts(loginError)).isFalse();
                h.send(loginError).watermark(T0 + HOUR);
                assertThat(h.triggers()).isEmpty();
            }
        }
    }
}

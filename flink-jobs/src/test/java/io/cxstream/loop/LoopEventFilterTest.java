package io.cxstream.loop;

import io.cxstream.avro.InteractionType;
import io.cxstream.config.CxConfig;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.rules.RuleBook;
import io.cxstream.rules.RuleRecord;
import io.cxstream.testing.Events;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.cxstream.loop.LifecycleHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** Only events that resolve or recover cross to the lifecycle; published rules' resolvedBy count, from their publication. */
class LoopEventFilterTest {
    private static final CxConfig CONFIG = CxConfig.fromMap(Map.of("bootstrap-servers", "b:1"), Map.of());

    private static BroadcastOperatorTestHarness<JourneyEvent, RuleRecord, JourneyEvent> open(
            OperatorSubtaskState restore) throws Exception {
        var h = new BroadcastOperatorTestHarness<>(
                new CoBroadcastWithNonKeyedOperator<>(
                        new LoopEventFilter(CONFIG.loop, LifecycleHarness.ruleBook(CONFIG)), List.of(RuleBook.RULES)),
                1,
                1,
                0);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static boolean passes(
            BroadcastOperatorTestHarness<JourneyEvent, RuleRecord, JourneyEvent> h, JourneyEvent e) throws Exception {
        int before = h.extractOutputValues().size();
        h.processElement(e, e.eventTime);
        return h.extractOutputValues().size() > before;
    }

    private static JourneyEvent help(long time) {
        return Events.journeyInteraction("c", time, InteractionType.PAGE_VIEW, "help");
    }

    @Test
    void ordersGoodAnswersAndClosuresPassPageViewsAndLowAnswersDoNot() throws Exception {
        try (var h = open(null)) {
            assertThat(passes(h, Events.journeyInteraction("c", 1, InteractionType.ORDER_PLACED, "checkout")))
                    .isTrue();
            assertThat(passes(h, Events.journeyInteraction("c", 1, InteractionType.ACCOUNT_CLOSED, "account")))
                    .isTrue();
            assertThat(passes(h, Events.journeyNps("c", 1, 7))).as("recovered").isTrue();
            assertThat(passes(h, Events.journeyNps("c", 1, 6))).isFalse();
            assertThat(passes(h, Events.journeyInteraction("c", 1, InteractionType.PAGE_VIEW, "home")))
                    .isFalse();
            assertThat(passes(h, Events.journeyInteraction("c", 1, InteractionType.PAYMENT_FAILED, "checkout")))
                    .isFalse();
        }
    }

    @Test
    void aPublishedRulesResolvedByPassesFromItsPublicationUntilItsDeletionAndAcrossARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = open(null)) {
            assertThat(passes(h, help(T0))).isFalse();
            h.processBroadcastElement(new RuleRecord("cart-help", PublishedLoopRulesTest.CART_HELP_V1, T0), T0);
            assertThat(passes(h, help(T0 - 1)))
                    .as("stamped before the rule was published")
                    .isFalse();
            assertThat(passes(h, help(T0 + 1))).isTrue();
            snapshot = h.snapshot(1L, T0);
        }
        try (var h = open(snapshot)) {
            assertThat(passes(h, help(T0 + 2)))
                    .as("restored from the broadcast state")
                    .isTrue();
            h.processBroadcastElement(new RuleRecord("cart-help", null, T0 + 10), T0 + 10);
            assertThat(passes(h, help(T0 + 11))).as("deleted").isFalse();
            assertThat(passes(h, help(T0 + 5)))
                    .as("stamped while it was in force")
                    .isTrue();
        }
    }
}

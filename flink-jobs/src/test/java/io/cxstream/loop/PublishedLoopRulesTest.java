package io.cxstream.loop;

import io.cxstream.avro.InteractionType;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.Priority;
import io.cxstream.testing.Events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.cxstream.loop.LifecycleHarness.MIN;
import static io.cxstream.loop.LifecycleHarness.T0;
import static io.cxstream.loop.LifecycleHarness.outreach;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rules published on the rules topic (the lifecycle's broadcast input) bring their {@code loop}: what resolves
 * their outreach and their own time to ack, checked as the rule engine checks them, from their publication on.
 */
class PublishedLoopRulesTest {
    /** A published rule: a help-page view within 1 h resolves its outreach; 5 min to ack. */
    static final String CART_HELP_V1 = cartHelp(1, true, "event.type == 'PAGE_VIEW' && event.touchpoint == 'help'");
    /** Version 2: resolved by a look at the order status instead. */
    static final String CART_HELP_V2 =
            cartHelp(2, true, "event.type == 'PAGE_VIEW' && event.touchpoint == 'order-status'");

    static String cartHelp(int version, boolean enabled, String resolvedBy) {
        return "{\"id\":\"cart-help\",\"version\":" + version + ",\"enabled\":" + enabled
                + ",\"trigger\":\"CART_HELP\","
                + "\"route\":\"CONTACT_CENTER\",\"priority\":\"P2\",\"reason\":\"error at {touchpoint}\",\"action\":\"call\","
                + "\"loop\":{\"resolvedBy\":\"" + resolvedBy + "\",\"within\":\"1 h\",\"ackSla\":\"5 min\"},"
                + "\"pattern\":{\"kind\":\"single\",\"when\":\"event.type == 'ERROR'\"}}";
    }

    private static OutreachEvent cartHelp(long time) {
        return outreach("c1", "cart-help", "CART_HELP", Priority.P2, time);
    }

    private static io.cxstream.journey.JourneyEvent view(long time, String page) {
        return Events.journeyInteraction("c1", time, InteractionType.PAGE_VIEW, page);
    }

    @Test
    void aPublishedRulesResolvedByResolvesItsOpenOutreachAndItsAckSlaApplies() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.rule("cart-help", CART_HELP_V1, T0 - MIN).send(cartHelp(T0)).event(view(T0 + MIN, "home"));
            assertThat(h.statuses()).containsExactly("OPEN P2");
            h.clock(5 * MIN);
            assertThat(h.statuses())
                    .as("the rule's 5 min, not the route's 1 h for P2")
                    .containsExactly("OPEN P2", "ESCALATED P1");
            h.event(view(T0 + 6 * MIN, "help"));
            assertThat(h.statuses()).containsExactly("OPEN P2", "ESCALATED P1", "RESOLVED P1");
            assertThat(h.updates().get(2).getDetail()).isEqualTo("resolved by PAGE_VIEW");
        }
    }

    @Test
    void aNewVersionReplacesTheSpecFromItsPublicationAndAnOlderOneIsRejected() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.rule("cart-help", CART_HELP_V1, T0 - MIN)
                    .send(cartHelp(T0))
                    .rule("cart-help", CART_HELP_V2, T0 + MIN)
                    .event(view(T0 + 2 * MIN, "help"))
                    .rule("cart-help", CART_HELP_V1, T0 + 2 * MIN)
                    .event(view(T0 + 3 * MIN, "help"));
            assertThat(h.statuses()).as("v2 runs; v1 again is older, rejected").containsExactly("OPEN P2");
            h.event(view(T0 + 4 * MIN, "order-status"));
            assertThat(h.statuses()).containsExactly("OPEN P2", "RESOLVED P2");
        }
    }

    @Test
    void anEventStampedBeforeANewVersionIsJudgedByTheVersionThenInForceAsTheRuleEngineDoes() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.rule("cart-help", CART_HELP_V1, T0 - MIN)
                    .send(cartHelp(T0))
                    .rule("cart-help", CART_HELP_V2, T0 + 2 * MIN)
                    .event(view(T0 + MIN, "order-status"));
            assertThat(h.statuses()).containsExactly("OPEN P2");
            h.event(view(T0 + MIN, "help")); // read late: stamped before v2
            assertThat(h.statuses()).containsExactly("OPEN P2", "RESOLVED P2");
        }
    }

    @ParameterizedTest(name = "tombstone={0}")
    @ValueSource(booleans = {true, false})
    void aDeletedOrDisabledRuleNoLongerResolves(boolean tombstone) throws Exception {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.rule("cart-help", CART_HELP_V1, T0 - MIN)
                    .send(cartHelp(T0))
                    .event(view(T0 + MIN, "help"))
                    .send(cartHelp(T0 + 2 * MIN))
                    .rule("cart-help", tombstone ? null : cartHelp(2, false, "event.type == 'PAGE_VIEW'"), T0 + 3 * MIN)
                    .event(view(T0 + 4 * MIN, "help"));
            assertThat(h.statuses()).containsExactly("OPEN P2", "RESOLVED P2", "OPEN P2");
        }
    }

    @Test
    void aTombstoneForAShippedRuleStopsItsResolve() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.send(outreach("c1", "payment-friction", "PAYMENT_FRICTION", Priority.P1, T0))
                    .rule("payment-friction", null, T0 + MIN)
                    .event(Events.journeyInteraction("c1", T0 + 2 * MIN, InteractionType.ORDER_PLACED, "checkout"));
            assertThat(h.statuses()).containsExactly("OPEN P1", "OPEN/RECOVERED");
        }
    }

    @Test
    void aRuleTheRuleEngineRejectsIsNotAppliedEither() throws Exception {
        String brokenPattern = CART_HELP_V1.replace("event.type == 'ERROR'", "event.type == (");
        try (LifecycleHarness h = new LifecycleHarness("rules.max-active", "5")) {
            h.rule("cart-help", brokenPattern, T0 - 2 * MIN)
                    .rule("cart-help", CART_HELP_V1, T0 - MIN) // valid, but a sixth enabled rule: over rules.max-active
                    .send(cartHelp(T0))
                    .event(view(T0 + MIN, "help"))
                    .clock(30 * MIN);
            assertThat(h.statuses())
                    .as("not resolved, and the route's 1 h to ack")
                    .containsExactly("OPEN P2");
        }
    }

    @ParameterizedTest(name = "rocksDb={0}")
    @ValueSource(booleans = {false, true})
    void aRestoreKeepsThePublishedSpec(boolean rocksDb) throws Exception {
        try (LifecycleHarness h = new LifecycleHarness(rocksDb)) {
            h.rule("cart-help", CART_HELP_V1, T0 - MIN).restart();
            h.send(cartHelp(T0)).clock(5 * MIN).event(view(T0 + 6 * MIN, "help"));
            assertThat(h.statuses()).containsExactly("OPEN P2", "ESCALATED P1", "RESOLVED P1");
        }
    }
}

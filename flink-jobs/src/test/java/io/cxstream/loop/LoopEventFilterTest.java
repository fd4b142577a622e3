package io.cxstream.loop;

import io.cxstream.avro.InteractionType;
import io.cxstream.config.CxConfig;
import io.cxstream.rules.DefaultRules;
import io.cxstream.testing.Events;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Only events that resolve or recover cross to the lifecycle. */
class LoopEventFilterTest {
    @Test
    void ordersGoodAnswersAndClosuresPassPageViewsAndLowAnswersDoNot() throws Exception {
        CxConfig config = CxConfig.fromMap(Map.of("bootstrap-servers", "b:1"), Map.of());
        LoopEventFilter filter = new LoopEventFilter(config.loop, DefaultRules.load(config));
        filter.open(null);
        assertThat(filter.filter(Events.journeyInteraction("c", 1, InteractionType.ORDER_PLACED, "checkout"))).isTrue();
        assertThat(filter.filter(Events.journeyInteraction("c", 1, InteractionType.ACCOUNT_CLOSED, "account"))).isTrue();
        assertThat(filter.filter(Events.journeyNps("c", 1, 7))).as("recovered").isTrue();
        assertThat(filter.filter(Events.journeyNps("c", 1, 6))).isFalse();
        assertThat(filter.filter(Events.journeyInteraction("c", 1, InteractionType.PAGE_VIEW, "home"))).isFalse();
        assertThat(filter.filter(Events.journeyInteraction("c", 1, InteractionType.PAYMENT_FAILED, "checkout"))).isFalse();
    }
}

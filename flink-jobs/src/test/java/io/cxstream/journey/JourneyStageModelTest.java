package io.cxstream.journey;

import io.cxstream.avro.InteractionType;
import io.cxstream.avro.JourneyStage;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JourneyStageModelTest {

    @Test
    void aBuyingJourneyWalksTheStages() {
        JourneyStage s = JourneyStage.UNKNOWN;
        s = JourneyStageModel.afterInteraction(s, InteractionType.PAGE_VIEW, 0);
        assertThat(s).isEqualTo(JourneyStage.AWARENESS);
        s = JourneyStageModel.afterInteraction(s, InteractionType.PRODUCT_VIEW, 0);
        assertThat(s).isEqualTo(JourneyStage.CONSIDERATION);
        s = JourneyStageModel.afterInteraction(s, InteractionType.PAGE_VIEW, 0);
        assertThat(s).as("browsing does not go back").isEqualTo(JourneyStage.CONSIDERATION);
        s = JourneyStageModel.afterInteraction(s, InteractionType.CHECKOUT_START, 0);
        assertThat(s).isEqualTo(JourneyStage.PURCHASE);
        s = JourneyStageModel.afterInteraction(s, InteractionType.ORDER_PLACED, 1);
        assertThat(s).isEqualTo(JourneyStage.PURCHASE);
        s = JourneyStageModel.afterInteraction(s, InteractionType.DELIVERY, 1);
        assertThat(s).isEqualTo(JourneyStage.ONBOARDING);
        s = JourneyStageModel.afterInteraction(s, InteractionType.SUPPORT_CONTACT, 1);
        assertThat(s).isEqualTo(JourneyStage.SUPPORT);
        s = JourneyStageModel.afterNps(s, NpsCategory.PROMOTER);
        assertThat(s).isEqualTo(JourneyStage.ADVOCACY);
    }

    @Test
    void detractorsAndHighChurnRiskAreAtRiskUntilAnOrderOrPromoterScore() {
        JourneyStage s = JourneyStageModel.afterNps(JourneyStage.ONBOARDING, NpsCategory.DETRACTOR);
        assertThat(s).isEqualTo(JourneyStage.AT_RISK);
        assertThat(JourneyStageModel.afterInteraction(s, InteractionType.SUPPORT_CONTACT, 1))
                .isEqualTo(JourneyStage.AT_RISK);
        assertThat(JourneyStageModel.afterNps(s, NpsCategory.PASSIVE)).isEqualTo(JourneyStage.AT_RISK);
        assertThat(JourneyStageModel.afterInteraction(s, InteractionType.ORDER_PLACED, 2))
                .isEqualTo(JourneyStage.PURCHASE);
        assertThat(JourneyStageModel.withChurnRisk(JourneyStage.ONBOARDING, 70)).isEqualTo(JourneyStage.AT_RISK);
        assertThat(JourneyStageModel.withChurnRisk(JourneyStage.ONBOARDING, 69)).isEqualTo(JourneyStage.ONBOARDING);
    }

    @Test
    void churnRiskRisesWithFrictionAndBadScoresAndFrictionDecays() {
        int friction = ChurnRisk.friction(0, 0, 1000, ChurnRisk.frictionPoints(InteractionType.PAYMENT_FAILED));
        assertThat(friction).isEqualTo(20);
        int halfLater = ChurnRisk.friction(friction, 1000, 1000 + ChurnRisk.FRICTION_HALF_LIFE_MILLIS, 0);
        assertThat(halfLater).isEqualTo(10);
        assertThat(ChurnRisk.friction(95, 0, 0, 20)).isEqualTo(100);
        assertThat(ChurnRisk.friction(10, 0, 0, ChurnRisk.frictionPoints(InteractionType.ORDER_PLACED)))
                .isZero();

        assertThat(ChurnRisk.churnRisk(0, null, null, null)).isZero();
        assertThat(ChurnRisk.churnRisk(50, 3, null, null)).isEqualTo(70);
        assertThat(ChurnRisk.churnRisk(0, 10, null, null)).isZero();
        assertThat(ChurnRisk.churnRisk(100, 0, 1, 1)).isEqualTo(100);
    }
}

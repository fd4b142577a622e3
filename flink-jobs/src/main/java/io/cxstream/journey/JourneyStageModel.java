package io.cxstream.journey;

import io.cxstream.avro.InteractionType;
import io.cxstream.avro.JourneyStage;

/**
 * The journey stage machine: awareness → consideration → purchase → onboarding (usage) → support →
 * advocacy, or at-risk. Pure functions, so the rules are easy to read and test.
 *
 * <ul>
 *   <li>Browsing (page view, search) puts a new customer in AWARENESS; product views and cart adds
 *       mean CONSIDERATION; checkout and orders mean PURCHASE; delivery, login and usage after an
 *       order mean ONBOARDING.
 *   <li>Support contacts, abandoned calls and returns mean SUPPORT.
 *   <li>A promoter score means ADVOCACY; a detractor score, or churn risk at or above
 *       {@link #AT_RISK_CHURN}, means AT_RISK. A customer at risk leaves it only by a new order or a
 *       promoter score.
 * </ul>
 */
public final class JourneyStageModel {
    /** Churn risk (0-100) from which a customer is AT_RISK. */
    public static final int AT_RISK_CHURN = 70;

    private JourneyStageModel() {}

    public static JourneyStage afterInteraction(JourneyStage current, InteractionType type, int orders) {
        JourneyStage stage = current == null ? JourneyStage.UNKNOWN : current;
        switch (type) {
            case PAGE_VIEW:
            case SEARCH:
            case EMAIL_OPEN:
                return stage == JourneyStage.UNKNOWN ? JourneyStage.AWARENESS : stage;
            case PRODUCT_VIEW:
            case CART_ADD:
                return stage == JourneyStage.UNKNOWN || stage == JourneyStage.AWARENESS
                        ? JourneyStage.CONSIDERATION
                        : stage;
            case CHECKOUT_START:
            case PAYMENT_FAILED:
                return stage == JourneyStage.AT_RISK ? stage : JourneyStage.PURCHASE;
            case ORDER_PLACED:
                return JourneyStage.PURCHASE;
            case DELIVERY:
            case LOGIN:
            case USAGE:
                if (orders > 0
                        && (stage == JourneyStage.PURCHASE
                                || stage == JourneyStage.UNKNOWN
                                || stage == JourneyStage.AWARENESS
                                || stage == JourneyStage.CONSIDERATION)) {
                    return JourneyStage.ONBOARDING;
                }
                return stage == JourneyStage.UNKNOWN ? JourneyStage.AWARENESS : stage;
            case SUPPORT_CONTACT:
            case CALL_ABANDONED:
            case RETURN_REFUND:
                return stage == JourneyStage.AT_RISK ? stage : JourneyStage.SUPPORT;
            case ACCOUNT_CLOSED:
                return JourneyStage.AT_RISK;
            default:
                return stage;
        }
    }

    public static JourneyStage afterNps(JourneyStage current, NpsCategory category) {
        switch (category) {
            case PROMOTER:
                return JourneyStage.ADVOCACY;
            case DETRACTOR:
                return JourneyStage.AT_RISK;
            default:
                return current == null ? JourneyStage.UNKNOWN : current;
        }
    }

    /** Applies the churn-risk rule: high risk means AT_RISK whatever the stage. */
    public static JourneyStage withChurnRisk(JourneyStage stage, int churnRisk) {
        return churnRisk >= AT_RISK_CHURN ? JourneyStage.AT_RISK : stage;
    }
}

package io.cxstream.generator;

import io.cxstream.avro.Channel;
import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import static io.cxstream.generator.Vocabulary.*;

/**
 * Writes the script of one journey of a persona: the ordered list of its events, with channels,
 * touchpoints, sessions, attributes, agents and survey answers, plus the consent changes the
 * configuration asks for. Deterministic given the random generator's state.
 *
 * <p>Attribute maps are {@link LinkedHashMap}s so that the encoded bytes, not only the records,
 * are the same from one run to the next.
 */
final class JourneyPlanner {
    // ---- how often things happen (shares of journeys) ----
    static final double AWARENESS_SHARE = 0.70;
    static final double LOGIN_FIRST_SHARE = 0.30;
    static final double MOBILE_APP_SHARE = 0.40;
    static final double SECOND_CART_ITEM_SHARE = 0.25;
    static final double HAPPY_SURVEY_SHARE = 0.35;
    static final double HAPPY_SURVEY_NPS_SHARE = 0.50;
    static final double POSITIVE_COMMENT_SHARE = 0.30;
    static final double PAYMENT_RECOVERY_SHARE = 0.50;
    static final double ABANDON_LOOKS_AT_CART_SHARE = 0.50;
    static final double CALL_CENTER_SHARE = 0.60;
    static final double CALL_ABANDONED_SHARE = 0.35;
    static final double REFUND_SHARE = 0.30;
    static final double DETRACTOR_AFTER_SUPPORT_SHARE = 0.40;
    static final double DETRACTOR_LATE_DELIVERY_SHARE = 0.50;
    static final double LOW_CSAT_COMMENT_SHARE = 0.50;
    static final double PROMOTER_USES_APP_SHARE = 0.60;
    static final double OPT_OUT_OF_ALL_SHARE = 0.30;

    // ---- how many ----
    static final int MAX_SEARCHES = 2;
    static final int MIN_PRODUCT_VIEWS = 1;
    static final int MAX_PRODUCT_VIEWS = 4;
    static final int MIN_USAGES = 1;
    static final int MAX_USAGES = 2;
    static final int MIN_PAYMENT_FAILURES = 2;
    static final int MAX_PAYMENT_FAILURES = 3;
    static final int MIN_SUPPORT_CONTACTS = 3;
    static final int MAX_SUPPORT_CONTACTS = 5;
    static final int MIN_AMOUNT_CENTS = 999;
    static final int MAX_AMOUNT_CENTS = 49_999;

    // ---- score ranges (inclusive) ----
    static final int HAPPY_NPS_MIN = 7;
    static final int PROMOTER_NPS_MIN = 9;
    static final int NPS_MAX = 10;
    static final int DETRACTOR_NPS_MAX = 6;
    static final int HAPPY_CSAT_MIN = 4;
    static final int CSAT_MAX = 5;
    static final int LOW_CSAT_MAX = 2;
    /** CES 1-7 with 7 = least effort: a low score means the customer worked hard. */
    static final int LOW_CES_MAX = 3;

    static final int SCORE_MIN_CSAT_CES = 1;

    private final RandomGenerator random;
    private final IdSequence ids;

    JourneyPlanner(RandomGenerator random, IdSequence ids) {
        this.random = random;
        this.ids = ids;
    }

    /** The full script of a new journey of the given persona. */
    List<JourneyStep> plan(Persona persona, SimulatorConfig config) {
        Script script = new Script(shoppingChannel());
        switch (persona) {
            case HAPPY_BUYER -> happyBuyer(script);
            case PAYMENT_FRICTION -> paymentFriction(script);
            case ERROR_ABANDON -> errorAbandon(script);
            case REPEAT_CONTACT -> repeatContact(script);
            case DETRACTOR -> detractor(script);
            case PROMOTER -> promoter(script);
        }
        addConsents(script, config);
        return script.steps;
    }

    // ---- personas ---------------------------------------------------------------------------------

    private void happyBuyer(Script s) {
        arrive(s);
        browse(s);
        cart(s);
        if (chance(SECOND_CART_ITEM_SHARE)) {
            cart(s);
        }
        String order = checkoutAndOrder(s);
        delivered(s, order);
        s.newSession(); // days later
        s.login();
        int usages = between(MIN_USAGES, MAX_USAGES);
        for (int i = 0; i < usages; i++) {
            s.interaction(InteractionType.USAGE, APP, attrs(ATTR_FEATURE, pick(APP_FEATURES)));
        }
        if (chance(HAPPY_SURVEY_SHARE)) {
            String comment = chance(POSITIVE_COMMENT_SHARE) ? pick(POSITIVE_COMMENTS) : null;
            if (chance(HAPPY_SURVEY_NPS_SHARE)) {
                s.survey(
                        Channel.EMAIL,
                        DELIVERY,
                        FeedbackMetric.NPS,
                        between(HAPPY_NPS_MIN, NPS_MAX),
                        comment,
                        null,
                        SURVEY_NPS_DELIVERY);
            } else {
                s.survey(
                        Channel.EMAIL,
                        DELIVERY,
                        FeedbackMetric.CSAT,
                        between(HAPPY_CSAT_MIN, CSAT_MAX),
                        comment,
                        null,
                        SURVEY_CSAT_DELIVERY);
            }
        }
    }

    private void paymentFriction(Script s) {
        arrive(s);
        browse(s);
        cart(s);
        String amount = checkoutStart(s);
        String method = pick(PAYMENT_METHODS);
        int failures = between(MIN_PAYMENT_FAILURES, MAX_PAYMENT_FAILURES);
        for (int i = 0; i < failures; i++) {
            s.interaction(
                    InteractionType.PAYMENT_FAILED,
                    PAYMENT,
                    attrs(
                            ATTR_ERROR_CODE,
                            pick(PAYMENT_ERROR_CODES),
                            ATTR_PAYMENT_METHOD,
                            method,
                            ATTR_AMOUNT,
                            amount,
                            ATTR_CURRENCY,
                            CURRENCY));
        }
        if (chance(PAYMENT_RECOVERY_SHARE)) {
            delivered(s, placeOrder(s, amount));
        }
    }

    private void errorAbandon(Script s) {
        arrive(s);
        browse(s);
        cart(s);
        checkoutStart(s);
        s.interaction(InteractionType.ERROR, CHECKOUT, attrs(ATTR_ERROR_CODE, pick(CHECKOUT_ERROR_CODES)));
        if (chance(ABANDON_LOOKS_AT_CART_SHARE)) {
            s.interaction(InteractionType.PAGE_VIEW, CART, null);
        }
        // ... and leaves: no order
    }

    private void repeatContact(Script s) {
        s.login();
        s.interaction(InteractionType.PRODUCT_VIEW, PRODUCT, attrs(ATTR_SKU, sku()));
        cart(s);
        String order = checkoutAndOrder(s);
        String problem = pick(DELIVERY_PROBLEMS);
        s.other(
                Channel.EMAIL,
                DELIVERY,
                InteractionType.DELIVERY,
                null,
                null,
                attrs(ATTR_ORDER_ID, order, ATTR_DELIVERY_STATUS, problem));

        int contacts = between(MIN_SUPPORT_CONTACTS, MAX_SUPPORT_CONTACTS);
        int abandonedBefore = chance(CALL_ABANDONED_SHARE) ? random.nextInt(contacts) : -1;
        Channel lastChannel = Channel.CALL_CENTER;
        String lastAgent = null;
        for (int i = 0; i < contacts; i++) {
            if (i == abandonedBefore) {
                s.other(
                        Channel.CALL_CENTER,
                        SUPPORT,
                        InteractionType.CALL_ABANDONED,
                        ids.nextCallId(),
                        null,
                        attrs(ATTR_ORDER_ID, order));
            }
            lastChannel = chance(CALL_CENTER_SHARE) ? Channel.CALL_CENTER : Channel.CHAT;
            lastAgent = agent();
            String contactId = lastChannel == Channel.CALL_CENTER ? ids.nextCallId() : ids.nextChatId();
            s.other(
                    lastChannel,
                    SUPPORT,
                    InteractionType.SUPPORT_CONTACT,
                    contactId,
                    lastAgent,
                    attrs(ATTR_ORDER_ID, order, ATTR_CONTACT_REASON, problem));
        }
        if (chance(REFUND_SHARE)) {
            s.interaction(InteractionType.RETURN_REFUND, RETURNS, attrs(ATTR_ORDER_ID, order));
        }
        // a low CSAT, a low CES, or both
        int surveys = random.nextInt(3);
        if (surveys != 1) {
            String comment = chance(LOW_CSAT_COMMENT_SHARE) ? pick(NEGATIVE_SUPPORT_COMMENTS) : null;
            s.survey(
                    lastChannel,
                    SUPPORT,
                    FeedbackMetric.CSAT,
                    between(SCORE_MIN_CSAT_CES, LOW_CSAT_MAX),
                    comment,
                    lastAgent,
                    SURVEY_CSAT_SUPPORT);
        }
        if (surveys != 0) {
            s.survey(
                    lastChannel,
                    SUPPORT,
                    FeedbackMetric.CES,
                    between(SCORE_MIN_CSAT_CES, LOW_CES_MAX),
                    null,
                    lastAgent,
                    SURVEY_CES_SUPPORT);
        }
    }

    private void detractor(Script s) {
        if (chance(DETRACTOR_AFTER_SUPPORT_SHARE)) {
            s.login();
            Channel channel = chance(CALL_CENTER_SHARE) ? Channel.CALL_CENTER : Channel.CHAT;
            String agent = agent();
            String contactId = channel == Channel.CALL_CENTER ? ids.nextCallId() : ids.nextChatId();
            s.other(channel, SUPPORT, InteractionType.SUPPORT_CONTACT, contactId, agent, null);
            s.survey(
                    Channel.EMAIL,
                    SUPPORT,
                    FeedbackMetric.NPS,
                    between(0, DETRACTOR_NPS_MAX),
                    pick(NEGATIVE_SUPPORT_COMMENTS),
                    agent,
                    SURVEY_NPS_SUPPORT);
        } else {
            arrive(s);
            browse(s);
            cart(s);
            String order = checkoutAndOrder(s);
            String status = chance(DETRACTOR_LATE_DELIVERY_SHARE) ? pick(DELIVERY_PROBLEMS) : DELIVERED;
            s.other(
                    Channel.EMAIL,
                    DELIVERY,
                    InteractionType.DELIVERY,
                    null,
                    null,
                    attrs(ATTR_ORDER_ID, order, ATTR_DELIVERY_STATUS, status));
            s.survey(
                    Channel.EMAIL,
                    DELIVERY,
                    FeedbackMetric.NPS,
                    between(0, DETRACTOR_NPS_MAX),
                    pick(NEGATIVE_PURCHASE_COMMENTS),
                    null,
                    SURVEY_NPS_DELIVERY);
        }
    }

    private void promoter(Script s) {
        arrive(s);
        browse(s);
        cart(s);
        String order = checkoutAndOrder(s);
        delivered(s, order);
        if (chance(PROMOTER_USES_APP_SHARE)) {
            s.other(
                    Channel.MOBILE_APP,
                    APP,
                    InteractionType.USAGE,
                    ids.nextSessionId(),
                    null,
                    attrs(ATTR_FEATURE, pick(APP_FEATURES)));
        }
        s.survey(
                Channel.EMAIL,
                RELATIONSHIP,
                FeedbackMetric.NPS,
                between(PROMOTER_NPS_MIN, NPS_MAX),
                pick(POSITIVE_COMMENTS),
                null,
                SURVEY_NPS_RELATIONSHIP);
    }

    // ---- building blocks --------------------------------------------------------------------------

    /** How the customer arrives: a newsletter, a social ad, a login, or straight to the home page. */
    private void arrive(Script s) {
        if (chance(AWARENESS_SHARE)) {
            String campaign = pick(CAMPAIGNS);
            if (random.nextBoolean()) {
                s.other(
                        Channel.EMAIL,
                        NEWSLETTER,
                        InteractionType.EMAIL_OPEN,
                        null,
                        null,
                        attrs(ATTR_CAMPAIGN, campaign));
            } else {
                s.other(
                        Channel.SOCIAL,
                        SOCIAL_AD,
                        InteractionType.PAGE_VIEW,
                        null,
                        null,
                        attrs(ATTR_CAMPAIGN, campaign));
            }
            s.interaction(InteractionType.PAGE_VIEW, HOME, attrs(ATTR_CAMPAIGN, campaign));
        } else if (chance(LOGIN_FIRST_SHARE)) {
            s.login();
        } else {
            s.interaction(InteractionType.PAGE_VIEW, HOME, null);
        }
    }

    private void browse(Script s) {
        int searches = random.nextInt(MAX_SEARCHES + 1);
        for (int i = 0; i < searches; i++) {
            s.interaction(InteractionType.SEARCH, SEARCH, attrs(ATTR_QUERY, pick(SEARCH_QUERIES)));
        }
        int views = between(MIN_PRODUCT_VIEWS, MAX_PRODUCT_VIEWS);
        for (int i = 0; i < views; i++) {
            s.interaction(InteractionType.PRODUCT_VIEW, PRODUCT, attrs(ATTR_SKU, sku()));
        }
    }

    /** Adds an item to the cart, at its price. */
    private void cart(Script s) {
        int cents = between(MIN_AMOUNT_CENTS, MAX_AMOUNT_CENTS);
        s.cartCents += cents;
        s.interaction(
                InteractionType.CART_ADD,
                CART,
                attrs(ATTR_SKU, sku(), ATTR_AMOUNT, amount(cents), ATTR_CURRENCY, CURRENCY));
    }

    /** CHECKOUT_START for the cart's total; returns that amount. */
    private String checkoutStart(Script s) {
        String amount = amount(s.cartCents);
        s.interaction(InteractionType.CHECKOUT_START, CHECKOUT, attrs(ATTR_AMOUNT, amount, ATTR_CURRENCY, CURRENCY));
        return amount;
    }

    /** ORDER_PLACED for the given amount; returns the order id. */
    private String placeOrder(Script s, String amount) {
        String order = ids.nextOrderId();
        s.interaction(
                InteractionType.ORDER_PLACED,
                CHECKOUT,
                attrs(
                        ATTR_ORDER_ID,
                        order,
                        ATTR_PAYMENT_METHOD,
                        pick(PAYMENT_METHODS),
                        ATTR_AMOUNT,
                        amount,
                        ATTR_CURRENCY,
                        CURRENCY));
        return order;
    }

    /** CHECKOUT_START then ORDER_PLACED for the cart; returns the order id. */
    private String checkoutAndOrder(Script s) {
        return placeOrder(s, checkoutStart(s));
    }

    private void delivered(Script s, String order) {
        s.other(
                Channel.EMAIL,
                DELIVERY,
                InteractionType.DELIVERY,
                null,
                null,
                attrs(ATTR_ORDER_ID, order, ATTR_DELIVERY_STATUS, DELIVERED));
    }

    /**
     * An OPT_IN for MARKETING right after the first event, an OPT_OUT anywhere after that (never
     * first), an ERASE as the very last event; each as often as the configuration says.
     */
    private void addConsents(Script s, SimulatorConfig config) {
        List<JourneyStep> steps = s.steps;
        int earliest = Math.min(1, steps.size());
        if (chance(config.marketingOptInShare())) {
            steps.add(earliest, new JourneyStep.Consent(ConsentAction.OPT_IN, ConsentPurpose.MARKETING, s.channel));
            earliest++;
        }
        if (chance(config.optOutShare())) {
            ConsentPurpose purpose = chance(OPT_OUT_OF_ALL_SHARE) ? ConsentPurpose.ALL : ConsentPurpose.MARKETING;
            int at = earliest + random.nextInt(steps.size() - earliest + 1);
            steps.add(at, new JourneyStep.Consent(ConsentAction.OPT_OUT, purpose, Channel.EMAIL));
        }
        if (chance(config.eraseShare())) {
            steps.add(new JourneyStep.Consent(ConsentAction.ERASE, ConsentPurpose.ALL, s.channel));
        }
    }

    // ---- random helpers -----------------------------------------------------------------------------

    private Channel shoppingChannel() {
        return chance(MOBILE_APP_SHARE) ? Channel.MOBILE_APP : Channel.WEB;
    }

    private boolean chance(double share) {
        return random.nextDouble() < share;
    }

    /** Uniform in [min, max], both inclusive. */
    private int between(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private String sku() {
        return "sku-" + random.nextInt(SKUS);
    }

    private String agent() {
        return "agent-" + random.nextInt(AGENTS);
    }

    /** A price such as {@code 123.45}, independent of the default locale. */
    private static String amount(long cents) {
        long fraction = cents % 100;
        return (cents / 100) + (fraction < 10 ? ".0" : ".") + fraction;
    }

    private static Map<String, String> attrs(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>(keysAndValues.length);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** The steps so far, and the channel and web/app session of the shopping part. */
    private final class Script {
        final List<JourneyStep> steps = new ArrayList<>();
        final Channel channel;
        String sessionId;
        long cartCents;

        Script(Channel channel) {
            this.channel = channel;
            this.sessionId = ids.nextSessionId();
        }

        /** Later interactions in the shopping channel belong to a new session. */
        void newSession() {
            sessionId = ids.nextSessionId();
        }

        /** An interaction in the shopping channel and session. */
        void interaction(InteractionType type, String touchpoint, Map<String, String> attributes) {
            other(channel, touchpoint, type, sessionId, null, attributes);
        }

        void login() {
            interaction(InteractionType.LOGIN, LOGIN, null);
        }

        void other(
                Channel channel,
                String touchpoint,
                InteractionType type,
                String session,
                String agentId,
                Map<String, String> attributes) {
            steps.add(new JourneyStep.Interaction(
                    channel,
                    touchpoint,
                    type,
                    session,
                    agentId,
                    attributes == null ? new LinkedHashMap<>() : attributes));
        }

        void survey(
                Channel channel,
                String touchpoint,
                FeedbackMetric metric,
                int score,
                String comment,
                String agentId,
                String surveyId) {
            steps.add(new JourneyStep.Feedback(channel, touchpoint, metric, score, comment, agentId, surveyId));
        }
    }
}

package io.cxstream.generator;

import java.util.List;

/**
 * The names and texts the simulated journeys use: touchpoints, attribute keys, codes, survey ids
 * and comments. Gathered here so that the job's configuration (e.g. the checkout touchpoint its
 * abandonment detector watches) and the tests can refer to them by name.
 */
final class Vocabulary {
    private Vocabulary() {}

    // ---- touchpoints ----
    static final String HOME = "home";
    static final String NEWSLETTER = "newsletter";
    static final String SOCIAL_AD = "social-ad";
    static final String SEARCH = "search";
    static final String PRODUCT = "product";
    static final String CART = "cart";
    /** Where CHECKOUT_START, ORDER_PLACED and the abandonment ERROR happen. */
    static final String CHECKOUT = "checkout";

    static final String PAYMENT = "payment";
    static final String DELIVERY = "delivery";
    static final String LOGIN = "login";
    static final String ACCOUNT = "account";
    static final String APP = "app";
    static final String SUPPORT = "support";
    static final String RETURNS = "returns";
    static final String PREFERENCES = "preferences";
    static final String RELATIONSHIP = "relationship";

    // ---- attribute keys ----
    static final String ATTR_ORDER_ID = "orderId";
    static final String ATTR_ERROR_CODE = "errorCode";
    static final String ATTR_AMOUNT = "amount";
    static final String ATTR_CURRENCY = "currency";
    static final String ATTR_SKU = "sku";
    static final String ATTR_QUERY = "query";
    static final String ATTR_CAMPAIGN = "campaign";
    static final String ATTR_PAYMENT_METHOD = "paymentMethod";
    static final String ATTR_DELIVERY_STATUS = "deliveryStatus";
    static final String ATTR_CONTACT_REASON = "contactReason";
    static final String ATTR_FEATURE = "feature";

    static final String CURRENCY = "EUR";
    static final String DELIVERED = "DELIVERED";

    // ---- survey ids ----
    static final String SURVEY_NPS_DELIVERY = "nps-post-delivery";
    static final String SURVEY_NPS_SUPPORT = "nps-post-support";
    static final String SURVEY_NPS_RELATIONSHIP = "nps-relationship";
    static final String SURVEY_CSAT_DELIVERY = "csat-delivery";
    static final String SURVEY_CSAT_SUPPORT = "csat-support";
    static final String SURVEY_CES_SUPPORT = "ces-support";

    // ---- id spaces ----
    static final int SKUS = 5_000;
    static final int AGENTS = 400;
    static final String CUSTOMER_PREFIX = "c-";
    /** Customer ids are zero-padded to at least this many digits: {@code c-0000042}. */
    static final int CUSTOMER_DIGITS = 7;

    // ---- value lists ----
    static final List<String> CAMPAIGNS = List.of("winter-sale", "new-arrivals", "free-shipping", "loyalty-week");
    static final List<String> SEARCH_QUERIES = List.of(
            "running shoes",
            "wireless headphones",
            "coffee grinder",
            "rain jacket",
            "kids backpack",
            "standing desk",
            "phone case",
            "yoga mat",
            "smart watch",
            "garden hose");
    static final List<String> PAYMENT_METHODS = List.of("CARD", "PAYPAL", "APPLE_PAY", "KLARNA");
    static final List<String> PAYMENT_ERROR_CODES = List.of(
            "CARD_DECLINED", "INSUFFICIENT_FUNDS", "3DS_AUTH_FAILED", "PAYMENT_GATEWAY_TIMEOUT", "EXPIRED_CARD");
    static final List<String> CHECKOUT_ERROR_CODES =
            List.of("HTTP_500", "HTTP_503", "CHECKOUT_TIMEOUT", "ADDRESS_VALIDATION_FAILED", "PROMO_CODE_SERVICE_DOWN");
    static final List<String> DELIVERY_PROBLEMS = List.of("DELAYED", "DAMAGED", "INCOMPLETE", "WRONG_ITEM");
    static final List<String> APP_FEATURES = List.of("order-tracking", "wishlist", "recommendations", "loyalty-card");

    static final List<String> POSITIVE_COMMENTS = List.of(
            "Fast delivery and everything as described.",
            "Great service, I will recommend you to my friends.",
            "Checkout was quick and the app is easy to use.",
            "Love the products, arrived a day early!",
            "Easy returns and friendly people, thank you.");
    /** About a purchase or its delivery. */
    static final List<String> NEGATIVE_PURCHASE_COMMENTS = List.of(
            "The parcel arrived late and nobody told me why.",
            "Item arrived damaged and the return process is confusing.",
            "Too expensive for what you get.",
            "Wrong size delivered, again.");
    /** About a support contact. */
    static final List<String> NEGATIVE_SUPPORT_COMMENTS = List.of(
            "I had to explain my problem three times.",
            "Waited 40 minutes on the phone, then the call dropped.",
            "Every agent told me something different.",
            "Still no refund after all these calls.");
}

package io.cxstream.generator;

/**
 * The kinds of customer journey the {@link CustomerSimulator} plays. Each journey follows one
 * persona from start to end; {@link SimulatorConfig#personaMix()} says how often each is chosen.
 */
public enum Persona {
    /**
     * Awareness, search and product views, cart, checkout, ORDER_PLACED, DELIVERY, then LOGIN and
     * USAGE; sometimes an NPS 7-10 or CSAT 4-5 survey (an NPS of 9 or 10 is a promoter score too).
     */
    HAPPY_BUYER,
    /** CHECKOUT_START, then PAYMENT_FAILED two or three times; sometimes recovers with ORDER_PLACED. */
    PAYMENT_FRICTION,
    /** CHECKOUT_START, then an ERROR at touchpoint {@code checkout}, and the customer leaves: no order. */
    ERROR_ABANDON,
    /**
     * An order, a delivery problem, then three or more SUPPORT_CONTACTs on the call center or chat
     * (maybe a CALL_ABANDONED), and a low CSAT and/or CES.
     */
    REPEAT_CONTACT,
    /** An order or a support contact, then NPS 0-6 with a free-text comment. */
    DETRACTOR,
    /** An order and its delivery, then NPS 9-10 with a positive comment. */
    PROMOTER
}

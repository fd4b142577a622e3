package io.cxstream.generator;

/**
 * Deterministic ids for one simulator: a prefix, the seed in hex, and a counter, e.g.
 * {@code e-2a-17}. Unique within a simulator, and across simulators with different seeds.
 */
final class IdSequence {
    private final String tag;
    private long events;
    private long sessions;
    private long orders;
    private long calls;
    private long chats;

    IdSequence(long seed) {
        this.tag = "-" + Long.toHexString(seed) + "-";
    }

    String nextEventId() {
        return "e" + tag + events++;
    }

    String nextSessionId() {
        return "s" + tag + sessions++;
    }

    String nextOrderId() {
        return "o" + tag + orders++;
    }

    String nextCallId() {
        return "call" + tag + calls++;
    }

    String nextChatId() {
        return "chat" + tag + chats++;
    }
}

package io.cxstream.loop;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The deterministic holdout: a trigger is held out when a hash (CRC-32) of its customer and rule falls in the
 * first {@code percent} of 100 buckets. The same customer and rule always land in the same arm, on any task
 * and after any restart, so a replay holds out exactly the same triggers.
 */
public final class Holdout {
    private Holdout() {}

    /** The bucket 0..99 of a customer and rule. */
    public static int bucket(String customerId, String ruleId) {
        CRC32 crc = new CRC32();
        crc.update(customerId.getBytes(StandardCharsets.UTF_8));
        crc.update(0);
        crc.update(ruleId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % 100);
    }

    public static boolean heldOut(String customerId, String ruleId, int percent) {
        return percent > 0 && bucket(customerId, ruleId) < percent;
    }
}

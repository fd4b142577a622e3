package io.cxstream.local;

import io.cxstream.config.CxConfig;
import io.cxstream.generator.AgentPlan;
import io.cxstream.generator.ContactCenterAgent;

import java.io.PrintStream;

/**
 * The closed loop in {@code ./cx demo} and {@code ./cx serve}: the printer of status changes and recovery figures
 * ({@link LoopPrinter}) and, in the demo, a contact center that acks some outreach and leaves others unanswered
 * ({@link ContactCenterAgent}). Does nothing when {@code outreach.lifecycle.enabled} is false.
 */
final class LoopDemo implements AutoCloseable {
    private final LoopPrinter printer;
    private final ContactCenterAgent agent;

    private LoopDemo(LoopPrinter printer, ContactCenterAgent agent) {
        this.printer = printer;
        this.agent = agent;
    }

    /** The topics the loop needs, to create with the others (none when it is off). */
    static String[] topics(CxConfig config) {
        return config.loop.enabled
                ? new String[] {config.loop.updatesTopic, config.loop.feedbackTopic, config.loop.recoveryTopic}
                : new String[0];
    }

    static LoopDemo start(CxConfig config, String bootstrapServers, PrintStream out, boolean demo) {
        if (!config.loop.enabled) {
            return new LoopDemo(null, null);
        }
        LoopPrinter printer =
                new LoopPrinter(bootstrapServers, config.loop.updatesTopic, config.loop.recoveryTopic, out);
        Daemons.start(printer, "loop-printer");
        ContactCenterAgent agent = null;
        if (demo) {
            agent = new ContactCenterAgent(
                    bootstrapServers,
                    config.contactCenterTopic,
                    config.loop.updatesTopic,
                    config.loop.feedbackTopic,
                    config.feedbackTopic,
                    AgentPlan.Shares.demo());
            Daemons.start(agent, "contact-center");
        }
        return new LoopDemo(printer, agent);
    }

    /** Summary lines (empty when the loop is off). */
    String summary() {
        if (printer == null) {
            return "";
        }
        return "         " + printer.summary() + (agent != null ? "\n         " + agent.summary() : "");
    }

    @Override
    public void close() {
        if (agent != null) {
            agent.close();
        }
        if (printer != null) {
            printer.close();
        }
    }
}

package io.cxstream.privacy;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sees every log event of this JVM, at DEBUG and above for every logger (the job, Flink, Kafka
 * clients and the in-process broker), while installed: the rendered message, the logger, the thread
 * and every message of an attached exception and its causes. It keeps only the lines that contain
 * {@code needle}, a count of all lines, and a count of lines from the job's operator threads.
 */
final class LogCapture extends AbstractAppender implements AutoCloseable {
    private final String needle;
    private final String jobThreadMarker;
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong jobLines = new AtomicLong();
    private final List<String> hits = new CopyOnWriteArrayList<>();

    private LogCapture(String needle, String jobThreadMarker) {
        super("privacy-capture", null, null, true, Property.EMPTY_ARRAY);
        this.needle = needle;
        this.jobThreadMarker = jobThreadMarker;
    }

    /** Installs the capture on the root logger and lowers every logger to DEBUG. */
    static LogCapture install(String needle, String jobThreadMarker) {
        LogCapture capture = new LogCapture(needle, jobThreadMarker);
        capture.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        config.addAppender(capture);
        config.getRootLogger().addAppender(capture, Level.ALL, null);
        // The test's console keeps showing warnings only, not the DEBUG flood captured here.
        org.apache.logging.log4j.core.Appender console =
                config.getRootLogger().getAppenders().get("console");
        if (console != null) {
            config.getRootLogger().removeAppender("console");
            config.getRootLogger().addAppender(console, Level.WARN, null);
        }
        Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.DEBUG);
        context.updateLoggers();
        return capture;
    }

    @Override
    public void append(LogEvent event) {
        StringBuilder line = new StringBuilder()
                .append(event.getLevel())
                .append(' ')
                .append(event.getThreadName())
                .append(' ')
                .append(event.getLoggerName())
                .append(" - ")
                .append(event.getMessage().getFormattedMessage());
        for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
            line.append(" | ").append(t);
        }
        lines.incrementAndGet();
        if (event.getThreadName() != null && event.getThreadName().contains(jobThreadMarker)) {
            jobLines.incrementAndGet();
        }
        String text = line.toString();
        if (text.contains(needle)) {
            hits.add(text);
        }
    }

    long lines() {
        return lines.get();
    }

    long jobLines() {
        return jobLines.get();
    }

    List<String> hits() {
        return hits;
    }

    /** Removes the capture and restores the configured levels (re-reads the test log configuration). */
    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(getName());
        context.reconfigure();
        stop();
    }
}

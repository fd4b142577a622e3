package io.cxstream.local;

/** The local commands' background threads: daemons, so that none of them holds the JVM open. */
final class Daemons {
    private Daemons() {}

    /** Runs {@code task} on a new daemon thread called {@code name}. */
    static void start(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }
}

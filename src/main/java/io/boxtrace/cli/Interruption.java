package io.boxtrace.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import io.boxtrace.internal.ffm.ProcessSignals;
import sun.misc.Signal;

/**
 * Ctrl-C and SIGTERM for every command, in one place. boxtrace handles SIGINT and SIGTERM itself
 * instead of letting the JVM run shutdown hooks, so the command's own thread decides what an
 * interruption means: a command that traces until interrupted stops, drains and reports; a command
 * that runs a child (trace/run/build/record -- COMMAND) behaves as a shell does, passing the signal
 * on to the child when the terminal did not already deliver it to the whole process group, and
 * waiting for the child before reporting. Where the JVM was started with a signal ignored (a
 * background job of a non-interactive shell), it stays ignored, as for any program.
 *
 * <p>Thread-safety: signal handlers run on the JVM's signal thread; {@link #await} on the command's.
 */
public final class Interruption {

    private final CountDownLatch interrupted = new CountDownLatch(1);
    private final AtomicInteger signal = new AtomicInteger();
    private volatile IntConsumer forward = sig -> { };

    private Interruption() {
    }

    /** Takes over SIGINT and SIGTERM for this run. */
    public static Interruption install() {
        Interruption i = new Interruption();
        i.handle("INT", 2);
        i.handle("TERM", 15);
        return i;
    }

    private void handle(String name, int number) {
        try {
            Signal.handle(new Signal(name), s -> {
                signal.compareAndSet(0, number);
                // The terminal sends Ctrl-C to the whole foreground group, child included; SIGTERM (and a
                // SIGINT sent with kill to boxtrace alone) reaches only boxtrace, so pass it on.
                if (number != 2 || System.console() == null) {
                    forward.accept(number);
                }
                interrupted.countDown();
            });
        } catch (IllegalArgumentException ignoredByParent) {
            // the signal was ignored when the JVM started: it stays ignored
        }
    }

    /** Where a signal goes on to (the child's pid), for commands that run one. */
    public void forwardTo(long pid) {
        forward = sig -> ProcessSignals.send((int) pid, sig);
    }

    /**
     * Waits until interrupted, until done says the work ended on its own, or until the deadline
     * (System.nanoTime; Long.MAX_VALUE for none). Returns true when interrupted.
     */
    public boolean await(BooleanSupplier done, long deadlineNanos) {
        while (interrupted.getCount() > 0 && !done.getAsBoolean() && System.nanoTime() < deadlineNanos) {
            long left = Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
            try {
                if (interrupted.await(left, TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }
        return wasInterrupted();
    }

    public boolean wasInterrupted() {
        return interrupted.getCount() == 0;
    }

    /** The signal that interrupted the run (2 or 15), or 0. */
    public int signal() {
        return signal.get();
    }
}

package dev.argus.batching;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the scheduling priority of the threads that do a request's heavy CPU work (decoding
 * images, running models) by {@code server.cpu_work_nice}, so that when predictions saturate the
 * cores, the threads that answer probes, scrapes and refusals, and read and write sockets, get a
 * core first: a probe needs microseconds, and without this it waits behind whole model runs in the
 * kernel's run queue. The work itself is not slowed when the CPU has room; under saturation the
 * heavy threads still get every cycle the others leave. Linux only ({@code setpriority} on the
 * calling thread, which an unprivileged process may always do to lower its own priority);
 * elsewhere, or with 0, nothing changes.
 */
public final class CpuPriority {
  private static final Logger log = LoggerFactory.getLogger(CpuPriority.class);
  private static final int PRIO_PROCESS = 0;
  private static volatile int nice = 0;
  private static final AtomicLong lowered = new AtomicLong();
  private static final boolean AVAILABLE = register();

  private CpuPriority() {}

  private static native int setpriority(int which, int who, int prio);

  private static native int gettid();

  private static boolean register() {
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return false;
    }
    try {
      Native.register(CpuPriority.class, NativeLibrary.getInstance("c"));
      return true;
    } catch (Throwable e) { // UnsatisfiedLinkError, or no JNA dispatch for this platform
      log.warn("cannot lower the priority of compute threads: {}", e.toString());
      return false;
    }
  }

  /** The nice value heavy threads take from now on (0..19; 0 leaves them as they are). */
  public static void configure(int niceness) {
    nice = Math.max(0, Math.min(19, niceness));
  }

  /** Threads whose priority was lowered so far. */
  public static long lowered() {
    return lowered.get();
  }

  /** Lowers the calling thread's priority to the configured nice value; call it on the thread. */
  public static void lowerCurrentThread() {
    int n = nice;
    if (n == 0 || !AVAILABLE) {
      return;
    }
    try {
      if (setpriority(PRIO_PROCESS, gettid(), n) == 0) {
        lowered.incrementAndGet();
      }
    } catch (Throwable e) { // never let scheduling advice fail a worker
      log.debug("setpriority failed", e);
    }
  }
}

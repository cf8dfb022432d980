package dev.argus.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CpuPriorityTest {
  @AfterEach
  void restore() {
    CpuPriority.configure(0);
  }

  /** The calling thread's nice value, field 19 of /proc/thread-self/stat. */
  private static int niceOfThisThread() throws Exception {
    String stat = Files.readString(Path.of("/proc/thread-self/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Integer.parseInt(fields[16]); // fields after the command start at field 3
  }

  private static int niceOfAThreadThatLowersItself() throws Exception {
    AtomicInteger nice = new AtomicInteger(Integer.MIN_VALUE);
    Thread t =
        Thread.ofPlatform()
            .start(() -> {
              CpuPriority.lowerCurrentThread();
              try {
                nice.set(niceOfThisThread());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    t.join();
    return nice.get();
  }

  @Test
  void aComputeThreadTakesTheConfiguredNiceValueAndOnlyItself() throws Exception {
    int mine = niceOfThisThread();
    long before = CpuPriority.lowered();
    CpuPriority.configure(7);

    assertThat(niceOfAThreadThatLowersItself()).isEqualTo(Math.max(7, mine));
    assertThat(CpuPriority.lowered()).isEqualTo(before + 1);
    assertThat(niceOfThisThread()).isEqualTo(mine); // the caller, and the process, keep theirs
  }

  @Test
  void zeroLeavesThreadsAsTheyAreAndValuesAreClampedToTheNiceRange() throws Exception {
    int mine = niceOfThisThread();
    CpuPriority.configure(0);
    assertThat(niceOfAThreadThatLowersItself()).isEqualTo(mine);

    CpuPriority.configure(40);
    assertThat(niceOfAThreadThatLowersItself()).isEqualTo(19);
  }
}

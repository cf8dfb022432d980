package dev.argus.observe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureStoreTest {
  @TempDir Path tmp;

  private static byte[] bytes(int n) {
    return new byte[n];
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Test
  void evictsTheOldestBeforeAWriteWouldPassTheByteCap() throws IOException {
    Path dir = tmp.resolve("c");
    CaptureStore store = new CaptureStore(dir, 1000, 100);

    for (int i = 0; i < 10; i++) {
      store.write("%03d.json".formatted(i), bytes(300));
      assertThat(size(dir)).isLessThanOrEqualTo(1000);
    }

    assertThat(names(dir)).containsExactly("007.json", "008.json", "009.json");
    assertThat(store.bytes()).isEqualTo(900);
    assertThat(store.takeEvicted()).isEqualTo(7);
    assertThat(store.takeEvicted()).isZero();
  }

  @Test
  void evictsTheOldestPastTheFileCap() throws IOException {
    Path dir = tmp.resolve("c");
    CaptureStore store = new CaptureStore(dir, 1_000_000, 3);

    for (int i = 0; i < 5; i++) {
      store.write("%03d.json".formatted(i), bytes(10));
    }

    assertThat(names(dir)).containsExactly("002.json", "003.json", "004.json");
    assertThat(store.count()).isEqualTo(3);
  }

  @Test
  void refusesAnEntryLargerThanTheWholeStoreAndKeepsTheRest() throws IOException {
    Path dir = tmp.resolve("c");
    CaptureStore store = new CaptureStore(dir, 1000, 10);
    store.write("001.json", bytes(100));

    assertThat(store.write("002.json", bytes(1001))).isFalse();

    assertThat(names(dir)).containsExactly("001.json");
  }

  @Test
  void countsWhatAnEarlierRunLeftAndEvictsItFirst() throws IOException {
    Path dir = tmp.resolve("c");
    CaptureStore first = new CaptureStore(dir, 1000, 10);
    first.write("001.json", bytes(400));
    first.write("002.json", bytes(400));
    Files.write(dir.resolve("003.json.tmp"), bytes(50)); // a write cut short

    CaptureStore second = new CaptureStore(dir, 1000, 10);
    assertThat(second.bytes()).isEqualTo(800);
    assertThat(names(dir)).containsExactly("001.json", "002.json");
    second.write("004.json", bytes(400));

    assertThat(names(dir)).containsExactly("002.json", "004.json");
  }

  @Test
  void aStoreOverItsNewCapsShrinksWhenOpened() throws IOException {
    Path dir = tmp.resolve("c");
    CaptureStore big = new CaptureStore(dir, 10_000, 10);
    for (int i = 0; i < 5; i++) {
      big.write("%03d.json".formatted(i), bytes(100));
    }

    CaptureStore small = new CaptureStore(dir, 10_000, 2);

    assertThat(names(dir)).containsExactly("003.json", "004.json");
    assertThat(small.takeEvicted()).isEqualTo(3);
  }

  @Test
  void directoryAndFilesAreOwnerOnly() throws IOException {
    Path dir = tmp.resolve("open");
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

    new CaptureStore(dir, 1000, 10).write("001.json", bytes(1));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("001.json"))))
        .isEqualTo("rw-------");
  }
}

package dev.argus.observe.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture directory: one file per request, owner-only ({@code rwx------} for the directory,
 * {@code rw-------} for files), never more than {@code maxBytes} and {@code maxFiles}. Before a
 * file is written the oldest are deleted until it fits, so the caps hold at every moment, not only
 * between writes. The running total starts from what the directory already holds. Used by one
 * thread (the capture writer).
 */
final class CaptureStore {
  private static final Logger log = LoggerFactory.getLogger(CaptureStore.class);
  private static final Set<PosixFilePermission> DIR_PERMISSIONS =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE_PERMISSIONS =
      PosixFilePermissions.fromString("rw-------");
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  /** A file in the store, oldest first in {@link #files}. */
  private record Stored(Path path, long size) {}

  private final Path dir;
  private final long maxBytes;
  private final int maxFiles;
  private final Deque<Stored> files = new ArrayDeque<>();
  private long total;

  /** Files deleted since {@link #takeEvicted()} was last called. */
  private int evicted;

  /**
   * Opens (creating it owner-only) {@code dir}; a directory that exists gets owner-only permissions
   * too, and the files of an earlier run count against the caps (evicted now if over).
   *
   * @throws IOException when the directory cannot be created, read or restricted
   */
  CaptureStore(Path dir, long maxBytes, int maxFiles) throws IOException {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.maxFiles = maxFiles;
    if (POSIX) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_PERMISSIONS));
      // createDirectories applies the umask, and leaves an existing directory as it was.
      Files.setPosixFilePermissions(dir, DIR_PERMISSIONS);
    } else {
      Files.createDirectories(dir);
    }
    List<Path> existing = new ArrayList<>();
    try (Stream<Path> list = Files.list(dir)) {
      list.forEach(existing::add);
    }
    existing.sort(null);
    for (Path p : existing) {
      String name = p.getFileName().toString();
      if (name.endsWith(".tmp")) {
        Files.deleteIfExists(p); // a write cut short by a crash
      } else if (name.endsWith(CaptureFormat.SUFFIX) && Files.isRegularFile(p)) {
        long size = Files.size(p);
        files.addLast(new Stored(p, size));
        total += size;
      }
    }
    evictUntil(0, 0);
  }

  /**
   * Writes {@code content} as {@code name}, evicting the oldest files first so that the store with
   * it stays within both caps. False (and nothing changed) when {@code content} alone is over
   * {@code maxBytes}.
   */
  boolean write(String name, byte[] content) throws IOException {
    if (content.length > maxBytes) {
      return false;
    }
    evictUntil(content.length, 1);
    Path target = dir.resolve(name);
    Path tmp = dir.resolve(name + ".tmp");
    FileAttribute<?>[] attrs =
        POSIX
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_PERMISSIONS)}
            : new FileAttribute<?>[0];
    try (OutputStream out =
        Channels.newOutputStream(
            Files.newByteChannel(
                tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs))) {
      out.write(content);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    // Readers (argus replay) see a file whole or not at all.
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    files.addLast(new Stored(target, content.length));
    total += content.length;
    return true;
  }

  /** Deletes the oldest files until {@code bytes} and {@code count} more fit within the caps. */
  private void evictUntil(long bytes, int count) {
    while (!files.isEmpty() && (total + bytes > maxBytes || files.size() + count > maxFiles)) {
      Stored oldest = files.removeFirst();
      total -= oldest.size();
      try {
        Files.delete(oldest.path());
      } catch (NoSuchFileException e) {
        // Someone removed it already (an operator cleaning up): it is gone either way.
      } catch (IOException e) {
        log.warn("capture: could not delete {}; it no longer counts against the caps", oldest, e);
      }
      evicted++;
    }
  }

  /** How many files were evicted since the last call, and resets the count. */
  int takeEvicted() {
    int n = evicted;
    evicted = 0;
    return n;
  }

  long bytes() {
    return total;
  }

  int count() {
    return files.size();
  }

  Path dir() {
    return dir;
  }
}

package dev.argus.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * External programs tests need. Missing under {@code CI=true}: the test fails. Missing elsewhere:
 * the test is skipped with the command that installs the program.
 */
public final class ExternalTools {
  private ExternalTools() {}

  /** The program's path on the PATH. */
  public static Path require(String program, String debianPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String message =
        program + " is not installed; install it with: apt-get install " + debianPackage;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message + " (CI=true makes this a failure; .ci/run installs it)");
    }
    assumeTrue(false, message);
    throw new AssertionError("unreachable");
  }

  /**
   * A native library a test needs, {@code present} when it could be loaded. Missing under {@code
   * CI=true}: the test fails; elsewhere it is skipped with the command that installs it.
   */
  public static void requireLibrary(boolean present, String library, String debianPackage) {
    if (present) {
      return;
    }
    String message =
        library + " is not installed; install it with: apt-get install " + debianPackage;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message + " (CI=true makes this a failure; .ci/run installs it)");
    }
    assumeTrue(false, message);
  }

  /**
   * Runs a tool in {@code dir} and returns its output; fails the test, with the output, when it
   * exits non-zero.
   */
  public static String run(Path dir, java.util.List<String> command) throws Exception {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    org.assertj.core.api.Assertions.assertThat(p.waitFor())
        .as(String.join(" ", command) + "\n" + out)
        .isZero();
    return out;
  }
}

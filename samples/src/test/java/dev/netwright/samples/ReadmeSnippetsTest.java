package dev.netwright.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use it in your own Maven build" is what the consumer project {@code
 * src/it/trains-a-network} does: each of its XML snippets is in that pom, line for line.
 */
class ReadmeSnippetsTest {
  private static final String SECTION = "## Use it in your own Maven build";
  private static final String VERSION = System.getProperty("netwright.version");

  @Test
  void theMavenSnippetsAreTheConsumerProjectsPom() throws IOException {
    String readme = Files.readString(Path.of("../README.md"));
    int start = readme.indexOf(SECTION);
    assertTrue(start >= 0, "README has no section '" + SECTION + "'");
    int end = readme.indexOf("\n## ", start + SECTION.length());
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    assertTrue(section.contains("mvn -B -ntp -DskipTests install"), section);

    assertFalse(VERSION == null || VERSION.isEmpty(), "surefire sets netwright.version");
    List<String> pom =
        Files.readString(Path.of("src/it/trains-a-network/pom.xml"))
            .replace("@project.version@", VERSION)
            .lines()
            .toList();
    Matcher xml = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL).matcher(section);
    int snippets = 0;
    while (xml.find()) {
      List<String> snippet = xml.group(1).lines().toList();
      assertTrue(
          containsIndented(pom, snippet),
          "this README snippet is not in src/it/trains-a-network/pom.xml:\n" + xml.group(1));
      snippets++;
    }
    assertEquals(2, snippets, "the dependencies and the compiler plugin");
  }

  /** Whether {@code lines} holds {@code block} as consecutive lines, all indented alike. */
  static boolean containsIndented(List<String> lines, List<String> block) {
    for (int i = 0; i + block.size() <= lines.size(); i++) {
      String first = lines.get(i);
      if (!first.endsWith(block.get(0))
          || !first.substring(0, first.length() - block.get(0).length()).isBlank()) {
        continue;
      }
      String indent = first.substring(0, first.length() - block.get(0).length());
      List<String> candidate = new ArrayList<>();
      for (String line : lines.subList(i, i + block.size())) {
        candidate.add(line.startsWith(indent) ? line.substring(indent.length()) : line);
      }
      if (candidate.equals(block)) {
        return true;
      }
    }
    return false;
  }
}

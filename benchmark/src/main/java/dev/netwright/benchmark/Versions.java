package dev.netwright.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Library versions, from the Maven metadata inside their jars. */
final class Versions {
  private Versions() {}

  /**
   * The version of {@code groupId:artifactId} on the class path, or "?" when its jar does not say.
   */
  static String of(String groupId, String artifactId) {
    String resource = "/META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
    try (InputStream in = Versions.class.getResourceAsStream(resource)) {
      if (in == null) {
        return "?";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "?");
    } catch (IOException e) {
      return "?";
    }
  }
}

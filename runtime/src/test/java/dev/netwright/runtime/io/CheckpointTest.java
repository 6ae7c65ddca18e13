package dev.netwright.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.optim.Adam;
import dev.netwright.runtime.optim.Optimizer;
import dev.netwright.runtime.optim.Sgd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CheckpointTest {
  private static final Dataset DATA = blobs(90, 3);

  @TempDir Path dir;

  static Stream<Arguments> optimizers() {
    return Stream.of(
        optimizer("SGD with momentum", m -> new Sgd(m.parameters(), 0.1, 0.9)),
        optimizer(
            "SGD, Nesterov, weight decay",
            m ->
                Sgd.builder(m.parameters(), 0.1)
                    .momentum(0.9)
                    .nesterov(true)
                    .weightDecay(0.01, ".bias")
                    .build()),
        optimizer("Adam", m -> Adam.builder(m.parameters(), 0.01).build()),
        optimizer(
            "AdamW", m -> Adam.adamW(m.parameters(), 0.01).weightDecay(0.05, ".bias").build()));
  }

  private static Arguments optimizer(String name, Function<Model, Optimizer> make) {
    return Arguments.of(Named.of(name, make));
  }

  @ParameterizedTest
  @MethodSource("optimizers")
  void roundTripRestoresParametersBuffersOptimizerAndState(Function<Model, Optimizer> make)
      throws IOException {
    TinyNet a = new TinyNet(1);
    Optimizer optA = make.apply(a);
    train(a, optA, 5);
    optA.setLearningRate(0.0375);
    Path file = dir.resolve("a.ckpt");
    TrainingState state = new TrainingState(4, -77L, 5);
    Checkpoint.save(file, a, optA, state);

    TinyNet b = new TinyNet(2);
    Optimizer optB = make.apply(b);
    assertNotEquals(snapshot(a, optA), snapshot(b, optB));
    assertEquals(state, Checkpoint.load(file, b, optB));
    assertEquals(
        snapshot(a, optA), snapshot(b, optB), "values, buffers and optimizer state, bit for bit");
    assertEquals(5, optB.steps());
    assertEquals(0.0375, optB.learningRate());

    // The same steps from here on give the same values: step count (bias correction) included.
    train(a, optA, 3);
    train(b, optB, 3);
    assertEquals(snapshot(a, optA), snapshot(b, optB));
  }

  @Test
  void withoutAnOptimizerSavesAndLoadsParametersAlone() throws IOException {
    TinyNet a = new TinyNet(1);
    train(a, new Sgd(a.parameters(), 0.1, 0.9), 2);
    Path file = dir.resolve("p.ckpt");
    Checkpoint.save(file, a, null, new TrainingState(0, 1, 0));
    TinyNet b = new TinyNet(2);
    Checkpoint.load(file, b, null);
    assertEquals(snapshot(a, null), snapshot(b, null));

    Sgd sgd = new Sgd(b.parameters(), 0.1, 0.9);
    ModelFileException e =
        assertThrows(ModelFileException.class, () -> Checkpoint.load(file, b, sgd));
    assertTrue(
        e.getMessage()
            .contains(
                "holds no optimizer state (it was saved without an optimizer), but a Sgd was"
                    + " given; pass null as the optimizer"),
        e.getMessage());

    // And a checkpoint with optimizer state loads into a model alone.
    Path full = dir.resolve("full.ckpt");
    Checkpoint.save(full, a, new Sgd(a.parameters(), 0.1, 0.9), new TrainingState(0, 1, 0));
    Checkpoint.load(full, new TinyNet(3), null);
  }

  @Test
  void layoutStartsWithMagicVersionAndHeaderLength() throws IOException {
    TinyNet a = new TinyNet(1);
    Path file = dir.resolve("a.ckpt");
    Checkpoint.save(file, a, new Sgd(a.parameters(), 0.1, 0.9), new TrainingState(1, 2, 3));
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
    byte[] magic = new byte[8];
    bytes.get(magic);
    assertArrayEquals(new byte[] {(byte) 0x89, 'N', 'W', 'C', 'K', 'P', 'T', '\n'}, magic);
    assertEquals(Checkpoint.VERSION, bytes.getInt());
    int header = bytes.getInt();
    long values = (a.parameters().count() * 2 + a.parameters().bufferCount()) * 4; // + velocity
    assertEquals(16 + header + 4 + values + 32, bytes.capacity());
    assertEquals(64, Checkpoint.fingerprint(a).length());
    assertEquals(
        Checkpoint.fingerprint(a), Checkpoint.fingerprint(new TinyNet(9)), "names and shapes only");
  }

  @Test
  void everyTruncationIsReportedAndChangesNothing() throws IOException {
    Fixture f = fixture();
    byte[] good = Files.readAllBytes(f.file);
    Path cut = dir.resolve("cut.ckpt");
    for (int length = 0; length < good.length; length++) {
      Files.write(cut, java.util.Arrays.copyOf(good, length));
      ModelFileException e =
          assertThrows(ModelFileException.class, () -> Checkpoint.load(cut, f.model, f.optimizer));
      assertTrue(
          e.getMessage()
              .startsWith(
                  cut + ": is cut short: it has " + String.format("%,d", length) + " bytes"),
          length + ": " + e.getMessage());
      assertTrue(
          e.getMessage().contains("copy it again or use an earlier checkpoint"), e.getMessage());
    }
    assertEquals(f.before, snapshot(f.model, f.optimizer));
    assertArrayEquals(good, Files.readAllBytes(f.file));
  }

  @Test
  void everyFlippedByteIsDetectedAndChangesNothing() throws IOException {
    Fixture f = fixture();
    byte[] good = Files.readAllBytes(f.file);
    int headerLength = ByteBuffer.wrap(good, 12, 4).getInt();
    int dataStart = 16 + headerLength + 4;
    Path bad = dir.resolve("bad.ckpt");
    for (int i = 0; i < good.length; i++) {
      byte[] bytes = good.clone();
      bytes[i] ^= (byte) (1 << (i % 8));
      Files.write(bad, bytes);
      ModelFileException e =
          assertThrows(
              ModelFileException.class,
              () -> Checkpoint.load(bad, f.model, f.optimizer),
              "byte " + i);
      String m = e.getMessage();
      if (i < 8) {
        assertTrue(m.contains("is not a Netwright checkpoint: it starts with "), m);
      } else if (i < 12) {
        assertTrue(m.contains("checkpoint format version"), m);
      } else if (i >= 16 && i < 16 + headerLength + 4) {
        assertTrue(m.contains("is damaged: its header does not match its checksum"), i + ": " + m);
      } else if (i >= dataStart) {
        assertTrue(m.contains("is damaged: its values do not match their checksum"), i + ": " + m);
      }
    }
    assertEquals(f.before, snapshot(f.model, f.optimizer));
  }

  @Test
  void otherFilesAndVersionsAreNamed() throws IOException {
    Fixture f = fixture();
    Path text = dir.resolve("notes.ckpt");
    Files.writeString(text, "hello, world", StandardCharsets.US_ASCII);
    ModelFileException e =
        assertThrows(ModelFileException.class, () -> Checkpoint.load(text, f.model, f.optimizer));
    assertEquals(
        text
            + ": is not a Netwright checkpoint: it starts with 68 65 6C 6C 6F 2C 20 77, not with 89 4E 57 43"
            + " 4B 50 54 0A",
        e.getMessage());

    Path npz = dir.resolve("weights.npz");
    Npz.export(npz, f.model);
    e = assertThrows(ModelFileException.class, () -> Checkpoint.load(npz, f.model, f.optimizer));
    assertTrue(
        e.getMessage()
            .endsWith("it is a zip archive, e.g. an .npz (load that with Npz.importInto)"),
        e.getMessage());

    byte[] future = Files.readAllBytes(f.file);
    future[11] = (byte) (Checkpoint.VERSION + 1);
    Path next = dir.resolve("future.ckpt");
    Files.write(next, future);
    e = assertThrows(ModelFileException.class, () -> Checkpoint.load(next, f.model, f.optimizer));
    assertEquals(
        next
            + ": is checkpoint format version "
            + (Checkpoint.VERSION + 1)
            + ", newer than the version "
            + Checkpoint.VERSION
            + " this Netwright reads: load it with"
            + " the Netwright that wrote it, or a newer one",
        e.getMessage());
    assertEquals(f.before, snapshot(f.model, f.optimizer));
  }

  @Test
  void aCheckpointOfAnotherNetworkNamesEveryDifference() throws IOException {
    Fixture f = fixture();
    TinyNet other = new TinyNet("Wider", DataType.FLOAT, 4, 5, 3);
    Sgd sgd = new Sgd(other.parameters(), 0.1, 0.9);
    Map<String, List<Float>> before = snapshot(other, sgd);
    ModelFileException e =
        assertThrows(ModelFileException.class, () -> Checkpoint.load(f.file, other, sgd));
    assertEquals(
        f.file
            + ": is a checkpoint of network TinyNet, not of Wider: 4 of their parameters and buffers"
            + " differ:\n"
            + "  shape differs: fc.weight is [3, 16] in the checkpoint, [5, 16] in the model\n"
            + "  shape differs: fc.bias is [3] in the checkpoint, [5] in the model\n"
            + "  shape differs: bn.running_mean is [3] in the checkpoint, [5] in the model\n"
            + "  shape differs: bn.running_var is [3] in the checkpoint, [5] in the model\n"
            + "Load it into the TinyNet it was saved from, or train this Wider from its own initial weights.",
        e.getMessage());
    assertEquals(before, snapshot(other, sgd));

    TinyNet bigger = new TinyNet("TinyNet", DataType.FLOAT, 5, 3, 3);
    e = assertThrows(ModelFileException.class, () -> Checkpoint.load(f.file, bigger, null));
    assertTrue(
        e.getMessage()
            .contains(
                "is a checkpoint of an earlier TinyNet (was the network changed since?): 1 of"
                    + " their parameters and buffers differ:\n  shape differs: fc.weight is [3, 16] in the checkpoint, [3, 25] in"
                    + " the model\n"),
        e.getMessage());

    TinyNet renamed = new TinyNet("Renamed", DataType.FLOAT, 4, 3, 3);
    e = assertThrows(ModelFileException.class, () -> Checkpoint.load(f.file, renamed, null));
    assertTrue(
        e.getMessage()
            .contains(
                "is a checkpoint of network TinyNet, not of Renamed: their parameters and"
                    + " buffers have the same names and shapes"),
        e.getMessage());

    TinyNet twice = new TinyNet("TinyNet", DataType.DOUBLE, 4, 3, 3);
    e = assertThrows(ModelFileException.class, () -> Checkpoint.load(f.file, twice, null));
    assertTrue(
        e.getMessage()
            .contains(
                "holds FLOAT values, but this TinyNet is DOUBLE: create the model with"
                    + " DataType.FLOAT to resume"),
        e.getMessage());
  }

  @Test
  void anotherOptimizerIsNamed() throws IOException {
    Fixture f = fixture(); // saved with SGD momentum after 4 steps
    TinyNet model = new TinyNet(5);
    Adam adam = Adam.builder(model.parameters(), 0.01).build();
    Map<String, List<Float>> before = snapshot(model, adam);
    ModelFileException e =
        assertThrows(ModelFileException.class, () -> Checkpoint.load(f.file, model, adam));
    assertEquals(
        f.file
            + ": holds the state of a Sgd (state velocity, after 4 steps), but the optimizer is an Adam"
            + " (state m, v): build a Sgd to resume; pass null as the optimizer to load the parameters and buffers alone",
        e.getMessage());
    assertEquals(before, snapshot(model, adam));

    Sgd plain = new Sgd(model.parameters(), 0.1, 0);
    e = assertThrows(ModelFileException.class, () -> Checkpoint.load(f.file, model, plain));
    assertTrue(
        e.getMessage()
            .contains(
                "holds Sgd state that differs from this Sgd's (built with other settings, e.g."
                    + " without momentum?):\n  unexpected in the checkpoint (not in the optimizer): velocity [51] (FLOAT)"),
        e.getMessage());
    assertEquals(before, snapshot(model, adam));
  }

  @Test
  void aFailedSaveKeepsThePreviousFileAndLeavesNoTemporaryFile() throws IOException {
    Fixture f = fixture();
    byte[] good = Files.readAllBytes(f.file);
    // An optimizer whose state cannot be read: the save fails after the header, mid-file.
    INDArray closed = Nd4j.create(DataType.FLOAT, f.model.parameters().count());
    closed.close();
    Optimizer broken =
        new Optimizer() {
          @Override
          public void step() {}

          @Override
          public double learningRate() {
            return 0.1;
          }

          @Override
          public Map<String, INDArray> state() {
            return Map.of("velocity", closed);
          }

          @Override
          public long steps() {
            return 9;
          }
        };
    assertThrows(
        IllegalStateException.class,
        () -> Checkpoint.save(f.file, f.model, broken, new TrainingState(9, 9, 9)));
    assertArrayEquals(good, Files.readAllBytes(f.file));
    assertEquals(List.of(f.file), list(dir));

    // The rename fails: the target is a directory with something in it.
    Path occupied = dir.resolve("occupied.ckpt");
    Files.createDirectory(occupied);
    Files.writeString(occupied.resolve("keep.txt"), "keep");
    IOException e =
        assertThrows(
            IOException.class,
            () -> Checkpoint.save(occupied, f.model, f.optimizer, new TrainingState(1, 1, 1)));
    assertTrue(
        e.getMessage().startsWith(occupied + ": cannot replace it with the new file"),
        e.getMessage());
    assertEquals(List.of(f.file, occupied), list(dir));
    assertEquals(List.of(occupied.resolve("keep.txt")), list(occupied));

    e =
        assertThrows(
            IOException.class,
            () ->
                Checkpoint.save(
                    dir.resolve("missing/last.ckpt"),
                    f.model,
                    f.optimizer,
                    new TrainingState(1, 1, 1)));
    assertTrue(
        e.getMessage().contains("the directory " + dir.resolve("missing") + " does not exist"),
        e.getMessage());

    // A good save replaces the file, and leaves nothing else either.
    Checkpoint.save(f.file, f.model, f.optimizer, new TrainingState(2, 2, 2));
    assertEquals(List.of(f.file, occupied), list(dir));
    assertEquals(
        new TrainingState(2, 2, 2),
        Checkpoint.load(f.file, new TinyNet(1), new Sgd(new TinyNet(1).parameters(), 0.1, 0.9)));
  }

  /**
   * A model trained four SGD-momentum steps, saved to {@code good.ckpt}, and a snapshot of it all.
   */
  private record Fixture(
      Path file, TinyNet model, Optimizer optimizer, Map<String, List<Float>> before) {}

  private Fixture fixture() throws IOException {
    TinyNet model = new TinyNet(1);
    Sgd sgd = new Sgd(model.parameters(), 0.1, 0.9);
    train(model, sgd, 4);
    Path file = dir.resolve("good.ckpt");
    Checkpoint.save(file, model, sgd, new TrainingState(2, 7, 2));
    // Move on, so that a load that wrongly went through would show.
    train(model, sgd, 1);
    return new Fixture(file, model, sgd, snapshot(model, sgd));
  }

  private static List<Path> list(Path directory) throws IOException {
    try (Stream<Path> s = Files.list(directory)) {
      return s.sorted().toList();
    }
  }

  /** Trains {@code steps} batches of 30 from the fixed data set. */
  static void train(Model model, Optimizer optimizer, int steps) {
    try (BatchLoader loader = new BatchLoader(DATA, 30, true, 11, DataType.FLOAT)) {
      for (int i = 0; i < steps; i++) {
        if (!loader.hasNext()) {
          loader.reset();
        }
        var batch = loader.next();
        model.setTraining(true);
        model.forward(batch.features());
        model.loss(batch.labels());
        model.parameters().zeroGradients();
        model.backward();
        optimizer.step();
      }
    }
  }

  /**
   * Every parameter, buffer and optimizer state value, the step count and rate, as exact boxed
   * floats.
   */
  static Map<String, List<Float>> snapshot(Model model, Optimizer optimizer) {
    Map<String, List<Float>> out = new java.util.TreeMap<>();
    model.parameters().list().forEach(p -> out.put(p.name(), floats(p.value())));
    model.parameters().bufferList().forEach(b -> out.put(b.name(), floats(b.value())));
    if (optimizer != null) {
      optimizer.state().forEach((k, v) -> out.put("optimizer." + k, floats(v)));
      out.put("optimizer.steps", List.of((float) optimizer.steps()));
      out.put("optimizer.rate", List.of((float) optimizer.learningRate()));
    }
    return out;
  }

  private static List<Float> floats(INDArray a) {
    float[] f = a.dup().reshape(a.length()).toFloatVector();
    Float[] boxed = new Float[f.length];
    for (int i = 0; i < f.length; i++) {
      boxed[i] = f[i];
    }
    return List.of(boxed);
  }

  /** Three noisy classes of 1×4×4 images. */
  static Dataset blobs(int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] pixels = new float[size * 16];
    int[] labels = new int[size];
    for (int i = 0; i < size; i++) {
      labels[i] = i % 3;
      for (int j = 0; j < 16; j++) {
        pixels[i * 16 + j] = (float) ((j % 3 == labels[i] ? 1 : -1) + random.nextDouble() - 0.5);
      }
    }
    return Dataset.of(1, 4, 4, 3, pixels, labels);
  }

  @Test
  void snapshotsSeeAChange() {
    TinyNet a = new TinyNet(1);
    Map<String, List<Float>> before = snapshot(a, null);
    a.parameters().get("fc.bias").value().putScalar(0, 0.5f);
    assertFalse(before.equals(snapshot(a, null)));
  }
}

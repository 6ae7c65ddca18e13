package dev.netwright.runtime.io;

import dev.netwright.runtime.io.CheckpointHeader.Entry;
import dev.netwright.runtime.io.Differences.Spec;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.model.Parameters;
import dev.netwright.runtime.optim.Adam;
import dev.netwright.runtime.optim.Optimizer;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One file holding everything needed to continue training exactly: a network's parameters and
 * buffers, its optimizer's state, step count and learning rate, and the {@link TrainingState}.
 *
 * <p>Layout, integers big-endian:
 *
 * <pre>
 * magic        8 bytes  89 4E 57 43 4B 50 54 0A ("\x89NWCKPT\n": 8-bit and newline damage show)
 * version      int32    {@value #VERSION}
 * headerLength int32
 * header       identity, training state and the array table ({@link CheckpointHeader})
 * headerCrc    int32    CRC32 of the header
 * data         every array's elements in table order, C order, little-endian float32/float64
 * dataSha256   32 bytes SHA-256 of the data
 * </pre>
 *
 * <p>{@link #save} replaces the file atomically (temporary file, fsync, rename), so a crash leaves
 * the previous checkpoint or the new one. {@link #load} checks everything — length, magic, version,
 * both checksums, network, element type, optimizer — before it copies a single value.
 *
 * <p>What resuming restores exactly: parameters, buffers (batch norm's running statistics), the
 * optimizer's state and step count (Adam's bias correction), its learning rate, and through the
 * training state the data loader's shuffle sequence and the model's training-step count, from which
 * generated networks draw their dropout masks.
 */
public final class Checkpoint {
  /** The format version this class writes and reads. */
  public static final int VERSION = 2;

  static final byte[] MAGIC = {(byte) 0x89, 'N', 'W', 'C', 'K', 'P', 'T', '\n'};
  static final int PREAMBLE = 16;
  private static final int MAX_HEADER = 64 << 20;
  private static final int DIGEST = 32;

  private Checkpoint() {}

  /**
   * Writes {@code model}'s parameters and buffers, {@code optimizer}'s state (none if null) and
   * {@code state} to {@code file}, replacing it atomically. The model must not train meanwhile.
   *
   * @throws IOException if the file cannot be written; any previous file is then unchanged
   * @throws UnsupportedOperationException if the optimizer does not expose its state
   */
  public static void save(Path file, Model model, Optimizer optimizer, TrainingState state)
      throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(state, "state");
    Parameters p = model.parameters();
    List<Entry> entries = new ArrayList<>();
    List<INDArray> arrays = new ArrayList<>();
    p.list().forEach(q -> add(entries, arrays, CheckpointHeader.PARAMETER, q.name(), q.value()));
    p.bufferList().forEach(b -> add(entries, arrays, CheckpointHeader.BUFFER, b.name(), b.value()));
    String kind = "";
    long steps = 0;
    double learningRate = 0;
    if (optimizer != null) {
      kind = kind(optimizer);
      steps = optimizer.steps();
      learningRate = optimizer.learningRate();
      optimizer
          .state()
          .forEach((name, a) -> add(entries, arrays, CheckpointHeader.OPTIMIZER, name, a));
    }
    long dataLength = entries.stream().mapToLong(Entry::bytes).sum();
    byte[] header =
        new CheckpointHeader(
                model.name(),
                model.dataType(),
                fingerprint(model),
                state,
                kind,
                steps,
                learningRate,
                entries,
                dataLength)
            .encode();
    AtomicFile.write(
        file,
        out -> {
          DataOutputStream preamble = new DataOutputStream(out);
          preamble.write(MAGIC);
          preamble.writeInt(VERSION);
          preamble.writeInt(header.length);
          preamble.write(header);
          preamble.writeInt(crc(header));
          MessageDigest sha = sha256();
          DigestOutputStream data = new DigestOutputStream(out, sha);
          for (INDArray a : arrays) {
            RawArrays.write(a, ByteOrder.LITTLE_ENDIAN, data);
          }
          out.write(sha.digest());
        });
  }

  private static void add(
      List<Entry> entries, List<INDArray> arrays, byte kind, String name, INDArray a) {
    CheckpointHeader.code(a.dataType()); // FLOAT or DOUBLE, else a clear exception before any write
    entries.add(new Entry(kind, name, a.dataType(), a.shape()));
    arrays.add(a);
  }

  /**
   * Reads {@code file} into {@code model} and {@code optimizer} (null to load the parameters and
   * buffers alone) and returns the saved training state. Nothing is changed unless everything
   * checks out.
   *
   * @throws ModelFileException if the file is cut short, damaged, of an unknown version, or made
   *     for another network, element type or optimizer; the message names what differs
   * @throws IOException if the file cannot be read
   */
  public static TrainingState load(Path file, Model model, Optimizer optimizer) throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(model, "model");
    if (Files.isDirectory(file)) { // e.g. the directory given to Trainer.Builder.checkpoint
      Path last = file.resolve("last.ckpt");
      throw new FileSystemException(
          file.toString(),
          null,
          "is a directory, not a checkpoint; "
              + (Files.isRegularFile(last)
                  ? "load " + last + ", the checkpoint Trainer saves in it"
                  : "Trainer saves" + " <directory>/last.ckpt"));
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(
          file.toString(),
          null,
          "no checkpoint there; check the path (Trainer saves" + " <directory>/last.ckpt)");
    }
    // Size and content from the one open file: a save may rename a new file over the path
    // meanwhile.
    try (channel;
        InputStream stream = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16)) {
      long size = channel.size();
      DataInputStream in = new DataInputStream(stream);
      checkMagic(file, in.readNBytes(MAGIC.length), size);
      if (size < PREAMBLE) {
        throw truncated(file, size, PREAMBLE);
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new ModelFileException(
            file,
            version > VERSION
                ? "is checkpoint format version "
                    + version
                    + ", newer than the version "
                    + VERSION
                    + " this Netwright"
                    + " reads: load it with the Netwright that wrote it, or a newer one"
                : "claims checkpoint format version "
                    + version
                    + ", which no Netwright wrote: the file is damaged;"
                    + " use an earlier checkpoint");
      }
      int headerLength = in.readInt();
      if (headerLength < 0 || headerLength > MAX_HEADER) {
        throw damaged(file, "its header length " + headerLength + " is impossible");
      }
      long headerEnd = PREAMBLE + headerLength + 4L;
      if (size < headerEnd) {
        throw truncated(file, size, headerEnd);
      }
      byte[] headerBytes = in.readNBytes(headerLength);
      if (in.readInt() != crc(headerBytes)) {
        throw damaged(file, "its header does not match its checksum");
      }
      CheckpointHeader header;
      try {
        header = CheckpointHeader.decode(headerBytes);
      } catch (IOException e) {
        throw damaged(file, "its header is inconsistent (" + e.getMessage() + ")");
      }
      long expected = headerEnd + header.dataLength() + DIGEST;
      if (size < expected) {
        throw truncated(file, size, expected);
      }
      if (size > expected) {
        throw damaged(
            file,
            String.format(
                Locale.ROOT,
                "it has %,d bytes after the checkpoint's end at %,d",
                size - expected,
                expected));
      }
      check(file, header, model, optimizer);
      MessageDigest sha = sha256();
      DigestInputStream data = new DigestInputStream(in, sha);
      List<INDArray> staged = new ArrayList<>();
      for (Entry e : header.entries()) {
        INDArray a = RawArrays.allocate(e.dtype(), e.shape());
        RawArrays.read(data, e.dtype(), ByteOrder.LITTLE_ENDIAN, a);
        staged.add(a);
      }
      if (!MessageDigest.isEqual(sha.digest(), in.readNBytes(DIGEST))) {
        throw damaged(file, "its values do not match their checksum");
      }
      apply(header, staged, model, optimizer);
      return header.state();
    } catch (EOFException e) {
      throw new ModelFileException(
          file, "ended early while being read (is something writing it?): " + e.getMessage(), e);
    }
  }

  private static void checkMagic(Path file, byte[] magic, long size) throws ModelFileException {
    if (Arrays.equals(magic, MAGIC)) {
      return;
    }
    if (magic.length < MAGIC.length && Arrays.equals(magic, Arrays.copyOf(MAGIC, magic.length))) {
      throw truncated(file, size, PREAMBLE);
    }
    String found = HexFormat.ofDelimiter(" ").withUpperCase().formatHex(magic);
    String hint =
        startsWith(magic, "PK\u0003\u0004")
            ? ": it is a zip archive, e.g. an .npz (load that with" + " Npz.importInto)"
            : startsWith(magic, "\u0093NUMPY")
                ? ": it is a NumPy .npy file (read it with Npy.read)"
                : "";
    throw new ModelFileException(
        file,
        "is not a Netwright checkpoint: it starts with "
            + found
            + ", not with "
            + HexFormat.ofDelimiter(" ").withUpperCase().formatHex(MAGIC)
            + hint);
  }

  private static boolean startsWith(byte[] bytes, String prefix) {
    byte[] p = prefix.getBytes(StandardCharsets.ISO_8859_1);
    return bytes.length >= p.length && Arrays.equals(Arrays.copyOf(bytes, p.length), p);
  }

  private static ModelFileException truncated(Path file, long size, long expected) {
    return new ModelFileException(
        file,
        String.format(
            Locale.ROOT,
            "is cut short: it has %,d bytes where the"
                + " checkpoint needs %s%,d (an interrupted copy or a full disk?); copy it again or use an earlier"
                + " checkpoint",
            size,
            expected == PREAMBLE ? "at least " : "",
            expected));
  }

  private static ModelFileException damaged(Path file, String what) {
    return new ModelFileException(
        file, "is damaged: " + what + "; copy it again or use an earlier checkpoint");
  }

  /** Everything {@link #load} checks against the model and optimizer before it copies. */
  private static void check(Path file, CheckpointHeader h, Model model, Optimizer optimizer)
      throws ModelFileException {
    Map<String, Spec> theirs = new LinkedHashMap<>();
    Map<String, Spec> theirState = new LinkedHashMap<>();
    for (Entry e : h.entries()) {
      switch (e.kind()) {
        case CheckpointHeader.PARAMETER -> theirs.put(e.name(), new Spec("parameter", e.shape()));
        case CheckpointHeader.BUFFER -> theirs.put(e.name(), new Spec("buffer", e.shape()));
        default -> theirState.put(e.name(), new Spec(e.dtype().name(), e.shape()));
      }
    }
    List<String> differences = Differences.between(specs(model), theirs, "checkpoint", "model");
    boolean sameName = h.network().equals(model.name());
    if (!sameName || !differences.isEmpty()) {
      String what =
          sameName
              ? "is a checkpoint of an earlier "
                  + h.network()
                  + " (was the network changed since?): "
              : "is a checkpoint of network " + h.network() + ", not of " + model.name() + ": ";
      String summary =
          differences.isEmpty()
              ? "their parameters and buffers have the same names and shapes"
              : differences.size()
                  + " of their parameters and buffers differ:"
                  + Differences.indent(differences);
      throw new ModelFileException(
          file,
          what
              + summary
              + "\nLoad it into the "
              + h.network()
              + " it was saved from, or"
              + " train this "
              + model.name()
              + " from its own initial weights.");
    }
    boolean wrongType =
        h.dtype() != model.dataType()
            || h.entries().stream()
                .anyMatch(
                    e -> e.kind() != CheckpointHeader.OPTIMIZER && e.dtype() != model.dataType());
    if (wrongType) {
      throw new ModelFileException(
          file,
          "holds "
              + h.dtype()
              + " values, but this "
              + model.name()
              + " is "
              + model.dataType()
              + ": create the model with DataType."
              + h.dtype()
              + " to resume (checkpoints resume"
              + " exactly, so they do not convert; Npz.export and Npz.importInto move weights between types)");
    }
    if (optimizer == null) {
      return;
    }
    String kind = kind(optimizer);
    Map<String, INDArray> state = optimizer.state();
    Map<String, Spec> mine = new LinkedHashMap<>();
    state.forEach((name, a) -> mine.put(name, new Spec(a.dataType().name(), a.shape())));
    String load = "; pass null as the optimizer to load the parameters and buffers alone";
    if (h.optimizer().isEmpty()) {
      throw new ModelFileException(
          file,
          "holds no optimizer state (it was saved without an optimizer), but a "
              + kind
              + " was given"
              + load);
    }
    if (!h.optimizer().equals(kind)) {
      throw new ModelFileException(
          file,
          String.format(
              Locale.ROOT,
              "holds the state of %s %s (%s, after %,d steps),"
                  + " but the optimizer is %s %s (%s): build %s %s to resume%s",
              article(h.optimizer()),
              h.optimizer(),
              names(theirState),
              h.steps(),
              article(kind),
              kind,
              names(mine),
              article(h.optimizer()),
              h.optimizer(),
              load));
    }
    List<String> stateDifferences =
        Differences.between(mine, theirState, "checkpoint", "optimizer");
    if (!stateDifferences.isEmpty()) {
      throw new ModelFileException(
          file,
          "holds "
              + kind
              + " state that differs from this "
              + kind
              + "'s (built with"
              + " other settings, e.g. without momentum?):"
              + Differences.indent(stateDifferences)
              + "\nBuild the optimizer as the saved run did"
              + load);
    }
    if (h.learningRate() != optimizer.learningRate()) {
      optimizer.setLearningRate(
          optimizer.learningRate()); // refuses now, not after the model has changed
    }
  }

  private static void apply(
      CheckpointHeader h, List<INDArray> staged, Model model, Optimizer optimizer) {
    Parameters p = model.parameters();
    Map<String, INDArray> state = new LinkedHashMap<>();
    for (int i = 0; i < staged.size(); i++) {
      Entry e = h.entries().get(i);
      switch (e.kind()) {
        case CheckpointHeader.PARAMETER -> p.get(e.name()).value().assign(staged.get(i));
        case CheckpointHeader.BUFFER -> p.buffer(e.name()).value().assign(staged.get(i));
        default -> state.put(e.name(), staged.get(i));
      }
    }
    if (optimizer != null) {
      optimizer.restore(state, h.steps());
      if (h.learningRate() != optimizer.learningRate()) {
        optimizer.setLearningRate(h.learningRate());
      }
    }
  }

  /** The model's parameters and buffers by name, with their roles and shapes. */
  static Map<String, Spec> specs(Model model) {
    Map<String, Spec> out = new LinkedHashMap<>();
    model.parameters().list().forEach(q -> out.put(q.name(), new Spec("parameter", q.shape())));
    model.parameters().bufferList().forEach(b -> out.put(b.name(), new Spec("buffer", b.shape())));
    return out;
  }

  /**
   * The hex SHA-256 of the model's sorted "name:[shape]" lines, parameters and buffers: equal for
   * two models whose checkpoints fit each other.
   */
  public static String fingerprint(Model model) {
    String lines =
        specs(model).entrySet().stream()
            .map(e -> e.getKey() + ":" + Arrays.toString(e.getValue().shape()))
            .sorted()
            .collect(Collectors.joining("\n"));
    return HexFormat.of().formatHex(sha256().digest(lines.getBytes(StandardCharsets.UTF_8)));
  }

  /** The optimizer's kind as checkpoints record it: Sgd, Adam, AdamW, or a class name. */
  static String kind(Optimizer optimizer) {
    if (optimizer instanceof Adam adam) {
      return adam.decoupled() ? "AdamW" : "Adam";
    }
    Class<?> c = optimizer.getClass();
    return c.getPackageName().equals(Optimizer.class.getPackageName())
        ? c.getSimpleName()
        : c.getName();
  }

  private static String article(String kind) {
    return "AEIOU".indexOf(Character.toUpperCase(kind.charAt(0))) >= 0 ? "an" : "a";
  }

  private static String names(Map<String, Spec> state) {
    return state.isEmpty() ? "no state" : "state " + String.join(", ", state.keySet());
  }

  static int crc(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return (int) crc.getValue();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java platform has SHA-256", e);
    }
  }
}

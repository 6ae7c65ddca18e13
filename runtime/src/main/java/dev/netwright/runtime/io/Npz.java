package dev.netwright.runtime.io;

import dev.netwright.runtime.io.Differences.Spec;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.model.Parameters;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network's parameters and buffers as a NumPy {@code .npz} archive, named and laid out as the
 * equivalent PyTorch module's {@code state_dict()}: {@code np.savez(f, **{k: v.numpy() for k, v in
 * m.state_dict().items()})} writes what {@link #importInto} reads, and {@link #export} writes what
 * {@code m.load_state_dict({k: torch.from_numpy(v) for k, v in np.load(f).items()}, strict=True)}
 * accepts.
 *
 * <p>The archive holds one {@code .npy} entry per array, stored uncompressed as {@code np.savez}
 * does: {@code <name>.npy}, format 1.0, little-endian {@code <f4} (FLOAT models) or {@code <f8}
 * (DOUBLE), C order. The mapping:
 *
 * <ul>
 *   <li>Each node is a module named as the node: a convolution node {@code conv1} is {@code
 *       nn.Conv2d} {@code conv1}, {@code conv1.weight} [out, in / groups, kH, kW] and {@code
 *       conv1.bias} [out]; a dense node {@code fc} is {@code nn.Linear}, {@code fc.weight} [out,
 *       in] and {@code fc.bias} [out], reading its input flattened in (c, h, w) order as PyTorch's
 *       {@code x.view(x.size(0), -1)}.
 *   <li>Batch norm inside a node is a submodule {@code bn}: {@code conv2.bn.weight}, {@code .bias},
 *       {@code .running_mean}, {@code .running_var} [C], and {@code conv2.bn.num_batches_tracked},
 *       a 0-d int64 that PyTorch keeps and Netwright does not: export writes 0 (PyTorch reads it
 *       only with {@code momentum=None}), import accepts and ignores it. Group norm inside a node
 *       is a submodule {@code gn}: {@code conv2.gn.weight} and {@code .bias} [C]; alone in a node,
 *       {@code norm1.weight}.
 *   <li>Blocks are submodules named as the node, their inner modules as in the PyTorch lecture:
 *       InceptionA {@code incep1.branch1x1}, {@code .branch5x5_1}, {@code .branch5x5_2}, {@code
 *       .branch3x3_1}, {@code .branch3x3_2}, {@code .branch3x3_3}, {@code .branch_pool}; the
 *       residual block {@code rblock1.conv1}, {@code rblock1.conv2}.
 *   <li>Names are Netwright's node names, not torchvision's: the classic ResNet18's {@code
 *       layer1_0.bn1} is torchvision's {@code layer1.0.bn1}; rename the keys to move between them.
 * </ul>
 *
 * <p>The archive's entries get a fixed date, so one model always exports to the same bytes.
 */
public final class Npz {
  private static final String NUM_BATCHES_TRACKED = ".num_batches_tracked";
  private static final String RUNNING_MEAN = ".running_mean";
  // np.savez stamps the time; a fixed one keeps exports reproducible.
  private static final LocalDateTime EPOCH = LocalDateTime.of(1980, 1, 1, 0, 0);

  private Npz() {}

  /**
   * Writes {@code model}'s parameters and buffers to {@code file} as a state_dict .npz, atomically.
   */
  public static void export(Path file, Model model) throws IOException {
    Objects.requireNonNull(model, "model");
    Map<String, INDArray> arrays = new LinkedHashMap<>();
    Parameters p = model.parameters();
    p.list().forEach(q -> arrays.put(q.name(), q.value()));
    for (Parameters.Buffer b : p.bufferList()) {
      arrays.put(b.name(), b.value());
      if (b.name().endsWith(".running_var")) {
        String module = b.name().substring(0, b.name().length() - ".running_var".length());
        arrays.put(module + NUM_BATCHES_TRACKED, Nd4j.scalar(DataType.INT64, 0L));
      }
    }
    write(file, arrays);
  }

  /**
   * Writes {@code arrays} (FLOAT, DOUBLE or INT64) as {@code <name>.npy} entries of an .npz,
   * atomically.
   */
  public static void write(Path file, Map<String, INDArray> arrays) throws IOException {
    arrays.values().forEach(Npy::header); // an unsupported type fails before the file is touched
    AtomicFile.write(
        file,
        out -> {
          ZipOutputStream zip = new ZipOutputStream(out);
          for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
            INDArray a = e.getValue();
            CRC32 crc = new CRC32();
            // STORED entries declare their size and CRC up front: one pass to compute, one to
            // write.
            CheckedOutputStream sum = new CheckedOutputStream(OutputStream.nullOutputStream(), crc);
            Npy.writeTo(sum, a);
            long size = Npy.header(a).length + a.length() * a.dataType().width();
            ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(size);
            entry.setCompressedSize(size);
            entry.setCrc(crc.getValue());
            entry.setTimeLocal(EPOCH);
            zip.putNextEntry(entry);
            Npy.writeTo(zip, a);
            zip.closeEntry();
          }
          zip.finish(); // not close(): that would close the file before it is synced
        });
  }

  /**
   * Every array in {@code file}, by entry name without {@code .npy}, in archive order, each of the
   * type it was stored in.
   */
  public static Map<String, INDArray> read(Path file) throws IOException {
    Map<String, INDArray> out = new LinkedHashMap<>();
    try (ZipFile zip = open(file)) {
      for (ZipEntry e : entries(zip)) {
        Npy.Header h;
        try (InputStream in = new BufferedInputStream(zip.getInputStream(e))) {
          h = Npy.parse(in, file, e.getName());
        }
        out.put(key(e), readEntry(zip, e, file, h, h.type(), h.shape()));
      }
    } catch (ZipException e) {
      throw notZip(file, e);
    }
    return out;
  }

  /**
   * Copies the arrays of {@code file} into {@code model}'s parameters and buffers, casting float64
   * to float32 (round to nearest) or back as the model needs. Checks names, shapes and types of
   * every entry first; the model changes only if all fit.
   *
   * @throws ModelFileException if the file is not an .npz, is damaged, or does not fit the model,
   *     naming every missing, unexpected, reshaped or mistyped array
   */
  public static void importInto(Path file, Model model) throws IOException {
    Objects.requireNonNull(model, "model");
    Map<String, Spec> mine = new LinkedHashMap<>();
    Checkpoint.specs(model).forEach((name, spec) -> mine.put(name, new Spec("", spec.shape())));
    try (ZipFile zip = open(file)) {
      Map<String, Spec> found = new LinkedHashMap<>();
      Map<String, ZipEntry> entries = new LinkedHashMap<>();
      Map<String, Npy.Header> headers = new LinkedHashMap<>();
      List<String> problems = new ArrayList<>();
      for (ZipEntry e : entries(zip)) {
        String key = key(e);
        Npy.Header h;
        try (InputStream in = new BufferedInputStream(zip.getInputStream(e))) {
          h = Npy.parse(in, file, e.getName());
        }
        if (key.endsWith(NUM_BATCHES_TRACKED) && mine.containsKey(batchNorm(key) + RUNNING_MEAN)) {
          if (h.length() != 1 || h.type() == DataType.FLOAT || h.type() == DataType.DOUBLE) {
            problems.add(
                key
                    + " should be one integer, as PyTorch's, but is "
                    + h.descr()
                    + " "
                    + Arrays.toString(h.shape()));
          }
          continue; // PyTorch's batch counter: Netwright has no use for it
        }
        found.put(key, new Spec("", h.shape()));
        entries.put(key, e);
        headers.put(key, h);
      }
      problems.addAll(0, Differences.between(mine, found, "file", "model"));
      headers.forEach(
          (key, h) -> {
            if (mine.containsKey(key)
                && h.type() != DataType.FLOAT
                && h.type() != DataType.DOUBLE) {
              problems.add(
                  "type differs: "
                      + key
                      + " is "
                      + h.descr()
                      + " in the file; the model needs float32 or"
                      + " float64");
            } else if (mine.containsKey(key) && h.fortranOrder() && h.shape().length > 1) {
              problems.add(
                  "layout differs: " + key + " is in Fortran order; save np.ascontiguousarray(a)");
            }
          });
      if (!problems.isEmpty()) {
        throw new ModelFileException(
            file,
            "does not fit "
                + model.name()
                + ": "
                + problems.size()
                + " of its"
                + " arrays differ from the model's parameters and buffers:"
                + Differences.indent(problems)
                + "\nExport it from the equivalent PyTorch module's state_dict (Npz's documentation gives the names).");
      }
      Map<String, INDArray> staged = new LinkedHashMap<>();
      for (Map.Entry<String, Spec> m : mine.entrySet()) {
        String key = m.getKey();
        staged.put(
            key,
            readEntry(
                zip,
                entries.get(key),
                file,
                headers.get(key),
                model.dataType(),
                m.getValue().shape()));
      }
      Parameters p = model.parameters();
      for (Parameters.Parameter q : p.list()) {
        q.value().assign(staged.get(q.name()));
      }
      for (Parameters.Buffer b : p.bufferList()) {
        b.value().assign(staged.get(b.name()));
      }
    } catch (ZipException e) {
      throw notZip(file, e);
    }
  }

  private static String batchNorm(String key) {
    return key.substring(0, key.length() - NUM_BATCHES_TRACKED.length());
  }

  /**
   * Reads one entry into a new array of {@code type} and {@code shape}, checking the entry's CRC.
   */
  private static INDArray readEntry(
      ZipFile zip, ZipEntry e, Path file, Npy.Header h, DataType type, long[] shape)
      throws IOException {
    if (h.length() == 0) {
      return Nd4j.create(type, shape);
    }
    INDArray a = RawArrays.allocate(type, shape);
    CRC32 crc = new CRC32();
    try (InputStream in =
        new CheckedInputStream(new BufferedInputStream(zip.getInputStream(e)), crc)) {
      Npy.parse(in, file, e.getName());
      Npy.readData(in, h, a, file, e.getName());
      in.transferTo(OutputStream.nullOutputStream());
    }
    if (e.getCrc() != -1 && crc.getValue() != e.getCrc()) {
      throw new ModelFileException(
          file,
          "entry " + e.getName() + " is damaged: it does not match its CRC; export it" + " again");
    }
    return a;
  }

  private static ZipFile open(Path file) throws IOException {
    try {
      return new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw notZip(file, e);
    }
  }

  private static List<ZipEntry> entries(ZipFile zip) {
    List<ZipEntry> out = new ArrayList<>();
    for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
      ZipEntry e = en.nextElement();
      if (!e.isDirectory()) {
        out.add(e);
      }
    }
    return out;
  }

  /** The array's name as numpy.load gives it: the entry name without ".npy". */
  private static String key(ZipEntry e) {
    String name = e.getName();
    return name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
  }

  private static ModelFileException notZip(Path file, ZipException e) {
    return new ModelFileException(
        file,
        "is not a readable .npz ("
            + e.getMessage()
            + "): an .npz is a zip archive"
            + " of .npy arrays as numpy.savez writes it; is the file complete?",
        e);
  }
}

package dev.netwright.spark;

import dev.netwright.runtime.model.HeadType;
import dev.netwright.runtime.model.Model;
import dev.netwright.runtime.data.Normalization;
import dev.netwright.runtime.train.Predictions;
import dev.netwright.runtime.exec.Threads;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Applies a trained classifier to a DataFrame of images, adding {@code prediction} (int, the
 * most probable class) and {@code probabilities} (array of float, softmax of the outputs).
 *
 * <pre>{@code
 * Dataset<Row> scored = SparkScorer.of(net).imageColumn("content").score(spark.read().format("binaryFile").load(dir));
 * }</pre>
 *
 * <p>The weights are broadcast once; each partition builds the network once, on one native
 * thread (one task per core), and runs it in batches through buffers it reuses.
 */
public final class SparkScorer {
  private final ModelSnapshot snapshot;
  private final int[] inputShape;
  private final int classes;
  private String imageColumn = "image";
  private int batchSize = 256;
  private Normalization normalization = Normalization.MNIST;

  private SparkScorer(Model model) {
    if (model.head() != HeadType.SOFTMAX_CROSS_ENTROPY) {
      throw new IllegalArgumentException("SparkScorer scores classifiers with a softmax head; " + model.name()
          + " has " + model.head());
    }
    this.snapshot = ModelSnapshot.of(model, null);
    this.inputShape = model.inputShape();
    this.classes = model.classes();
  }

  /** A scorer of {@code model}'s current weights (e.g. loaded from a checkpoint or .npz). */
  public static SparkScorer of(Model model) {
    return new SparkScorer(Objects.requireNonNull(model, "model"));
  }

  /** The image column (default "image"); see {@link ImageColumn} for the types read. */
  public SparkScorer imageColumn(String column) {
    this.imageColumn = Objects.requireNonNull(column, "column");
    return this;
  }

  /** Images per forward pass (default 256). */
  public SparkScorer batchSize(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    this.batchSize = batchSize;
    return this;
  }

  /** Applied to byte pixels and decoded images (default MNIST's). */
  public SparkScorer normalization(Normalization normalization) {
    this.normalization = Objects.requireNonNull(normalization, "normalization");
    return this;
  }

  /**
   * {@code rows} with the two columns added (lazily: nothing runs until an action).
   *
   * @throws BadInputException at once for a missing or mistyped image column or a declared shape
   *     that differs; in the job for a null, wrongly sized or unreadable image
   */
  public Dataset<Row> score(Dataset<Row> rows) {
    StructType schema = rows.schema();
    ImageColumn images = ImageColumn.check(schema, imageColumn, inputShape, normalization);
    for (String taken : List.of("prediction", "probabilities")) {
      if (List.of(schema.fieldNames()).contains(taken)) {
        throw new BadInputException("the DataFrame already has a column '" + taken + "'; drop or rename it first");
      }
    }
    StructType out = schema.add("prediction", DataTypes.IntegerType, false)
        .add("probabilities", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext());
    Broadcast<ModelSnapshot> weights = jsc.broadcast(snapshot);
    int field = schema.fieldIndex(imageColumn);
    int pathField = List.of(schema.fieldNames()).contains("path") ? schema.fieldIndex("path") : -1;
    int batch = batchSize;
    int k = classes;
    MapPartitionsFunction<Row, Row> partition =
        it -> new Batches(it, weights.value(), images, field, pathField, batch, k);
    return rows.mapPartitions(partition, Encoders.row(out));
  }

  /** One partition's rows, scored a batch at a time. */
  private static final class Batches implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final Model model;
    private final ImageColumn images;
    private final int field;
    private final int pathField;
    private final int classes;
    private final float[] pixels;
    private final List<Row> pending = new ArrayList<>();
    private final List<Row> scored = new ArrayList<>();
    private final INDArray[] inputs;
    private final double[] exp;
    private int next;
    private long row;

    Batches(Iterator<Row> rows, ModelSnapshot weights, ImageColumn images, int field, int pathField, int batch,
        int classes) {
      this.rows = rows;
      Threads.set(1);
      this.model = weights.newModel();
      model.setTraining(false);
      this.images = images;
      this.field = field;
      this.pathField = pathField;
      this.classes = classes;
      this.pixels = new float[batch * images.size()];
      this.inputs = new INDArray[batch + 1];
      this.exp = new double[classes];
    }

    @Override
    public boolean hasNext() {
      if (next < scored.size()) {
        return true;
      }
      if (!rows.hasNext()) {
        return false;
      }
      fill();
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return scored.get(next++);
    }

    private void fill() {
      pending.clear();
      scored.clear();
      next = 0;
      int size = images.size();
      int batch = inputs.length - 1;
      while (pending.size() < batch && rows.hasNext()) {
        Row r = rows.next();
        String where = pathField >= 0 && !r.isNullAt(pathField) ? r.getString(pathField) : "row " + row
            + " of this partition";
        images.read(r, field, where, pixels, pending.size() * size);
        pending.add(r);
        row++;
      }
      int n = pending.size();
      INDArray input = input(n);
      if (model.dataType() == DataType.FLOAT) {
        input.data().asNioFloat().put(0, pixels, 0, n * size);
      } else {
        for (int i = 0; i < n * size; i++) {
          input.putScalar(i, pixels[i]);
        }
      }
      INDArray output = model.forward(input);
      for (int i = 0; i < n; i++) {
        float[] p = softmax(output, i);
        int best = Predictions.argmax(output, i);
        Row r = pending.get(i);
        Object[] values = new Object[r.length() + 2];
        for (int j = 0; j < r.length(); j++) {
          values[j] = r.get(j);
        }
        values[r.length()] = best;
        values[r.length() + 1] = p;
        scored.add(RowFactory.create(values));
      }
    }

    private INDArray input(int n) {
      if (inputs[n] == null) {
        int[] s = model.inputShape();
        inputs[n] = Nd4j.create(model.dataType(), n, s[0], s[1], s[2]);
      }
      return inputs[n];
    }

    /** Softmax of row {@code i}, read from the output's buffer by strides (no per-value call). */
    private float[] softmax(INDArray output, int i) {
      DataBuffer data = output.data(); // a view's buffer starts at the view's offset
      long at = i * output.stride(0);
      long step = output.stride(1);
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, data.getDouble(at + c * step));
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        exp[c] = Math.exp(data.getDouble(at + c * step) - max);
        sum += exp[c];
      }
      float[] p = new float[classes]; // goes into the row
      for (int c = 0; c < classes; c++) {
        p[c] = (float) (exp[c] / sum);
      }
      return p;
    }
  }
}


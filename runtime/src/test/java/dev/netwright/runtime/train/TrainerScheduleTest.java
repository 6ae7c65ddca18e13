package dev.netwright.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netwright.runtime.data.BatchLoader;
import dev.netwright.runtime.data.Dataset;
import dev.netwright.runtime.optim.Sgd;
import dev.netwright.runtime.optim.StepDecay;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trainer sets the optimizer's rate from the schedule before every epoch. */
class TrainerScheduleTest {
  @Test
  void stepDecayRatesArePerEpoch() {
    Dataset data = ToyData.blobs(128, 3);
    SoftmaxRegression model = ToyData.model();
    Sgd sgd = new Sgd(model.parameters(), 0.5, 0.9);
    List<Double> rates = new ArrayList<>();
    try (BatchLoader train = ToyData.loader(data, 32, true)) {
      Trainer.builder()
          .epochs(5)
          .quiet(true)
          .schedule(new StepDecay(0.5, 2, 0.1))
          .listener(r -> rates.add(sgd.learningRate()))
          .build()
          .fit(model, sgd, train);
    }
    assertEquals(
        List.of(0.5, 0.5, 0.05, 0.05, 0.005),
        rates.stream().map(r -> Math.round(r * 1e9) / 1e9).toList());
  }
}

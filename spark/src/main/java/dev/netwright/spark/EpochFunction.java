package dev.netwright.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.ServerSocketChannel;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * The barrier task of one epoch: open a socket, exchange addresses with the other tasks once
 * ({@code allGather}, about a second), join the ring, train this replica's shares, close
 * everything. A failure anywhere fails the whole barrier stage, which the driver retries from the
 * weights it held at the epoch's start.
 */
final class EpochFunction
    extends AbstractFunction1<Iterator<Tuple2<Long, Example>>, Iterator<EpochOutcome>>
    implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Broadcast<EpochJob> job;

  EpochFunction(Broadcast<EpochJob> job) {
    this.job = job;
  }

  @Override
  public Iterator<EpochOutcome> apply(Iterator<Tuple2<Long, Example>> examples) {
    BarrierTaskContext context = BarrierTaskContext.get();
    EpochJob j = job.value();
    int rank = context.partitionId();
    String host = SparkEnv.get().blockManager().blockManagerId().host();
    try {
      ServerSocketChannel server = RingAllreduce.listen(host);
      List<String> addresses;
      try {
        addresses = Arrays.asList(context.allGather(RingAllreduce.address(server)));
      } catch (RuntimeException e) { // join closes the socket from here on
        server.close();
        throw e;
      }
      try (RingAllreduce ring =
              RingAllreduce.join(
                  rank, addresses, server, j.job(), j.timeoutMillis(), context::isInterrupted);
          ProgressClient progress =
              rank == 0 ? ProgressClient.to(j.progress()) : ProgressClient.to(null)) {
        Replica replica = new Replica(j, rank);
        EpochOutcome outcome =
            replica.train(
                CollectionConverters.asJava(examples),
                ring,
                progress,
                context::isInterrupted,
                worker());
        return CollectionConverters.asScala(List.of(outcome).iterator());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "replica " + rank + " of " + j.job() + " on " + host + ": " + e.getMessage(), e);
    }
  }

  /** "executor 1, pid 4242": which process did the work. */
  private static String worker() {
    return "executor "
        + SparkEnv.get().executorId()
        + ", pid "
        + ManagementFactory.getRuntimeMXBean().getPid();
  }
}

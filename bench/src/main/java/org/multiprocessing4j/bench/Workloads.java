package org.multiprocessing4j.bench;

import java.util.ArrayList;
import java.util.List;
import org.multiprocessing4j.bench.workloads.IdleRss;
import org.multiprocessing4j.bench.workloads.ListenerRoundtrip;
import org.multiprocessing4j.bench.workloads.PipeRoundtrip;
import org.multiprocessing4j.bench.workloads.PoolApply;
import org.multiprocessing4j.bench.workloads.PoolFirstResult;
import org.multiprocessing4j.bench.workloads.PoolImap;
import org.multiprocessing4j.bench.workloads.PoolMap;
import org.multiprocessing4j.bench.workloads.PipeSendBytes;
import org.multiprocessing4j.bench.workloads.QueueThroughput;
import org.multiprocessing4j.bench.workloads.ShmCreateAttach;
import org.multiprocessing4j.bench.workloads.ProcessStartJoin;
import org.multiprocessing4j.bench.workloads.StartToRunning;

/** The registry of workloads, in the order {@code ./mp4j bench} runs them. */
public final class Workloads {
  /** Every workload; add new ones here. */
  public static final List<Workload> ALL = List.of(
      new ProcessStartJoin(),
      new StartToRunning(),
      new IdleRss(),
      new PipeRoundtrip(),
      new PipeSendBytes(),
      new QueueThroughput(),
      new ListenerRoundtrip(),
      new PoolMap(),
      new PoolApply(),
      new PoolImap(),
      new PoolFirstResult(),
      new ShmCreateAttach(),
      new ValueIncrementWorkload());

  private Workloads() {}

  /**
   * The workloads with these names, in the order given; all of them for an empty list.
   *
   * @throws IllegalArgumentException naming the unknown workload and listing the known ones
   */
  public static List<Workload> select(List<String> names) {
    if (names.isEmpty()) {
      return ALL;
    }
    var chosen = new ArrayList<Workload>();
    for (String n : names) {
      chosen.add(ALL.stream().filter(w -> w.name().equals(n)).findFirst().orElseThrow(() ->
          new IllegalArgumentException("no workload called '" + n + "'; the workloads are "
              + ALL.stream().map(Workload::name).toList())));
    }
    return chosen;
  }
}

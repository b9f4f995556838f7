package org.multiprocessing4j.bench.workloads;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multiprocessing4j.Context;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.Queue;
import org.multiprocessing4j.bench.Bench;
import org.multiprocessing4j.bench.Result;
import org.multiprocessing4j.bench.Row;
import org.multiprocessing4j.bench.Samples;
import org.multiprocessing4j.bench.Target;
import org.multiprocessing4j.bench.Unit;
import org.multiprocessing4j.bench.Workload;
import org.multiprocessing4j.connection.Client;
import org.multiprocessing4j.connection.Connection;
import org.multiprocessing4j.connection.TcpAddress;
import org.multiprocessing4j.internal.spawn.SparePool;

/**
 * 16-byte {@code sendBytes}/{@code recvBytes} echo over TCP loopback with an authkey: a server
 * child ({@code warm}; CPython {@code fork}) runs a {@code Listener} and echoes; the parent connects
 * with {@code Client} and times each round trip. No target: reported for comparison.
 */
public final class ListenerRoundtrip implements Workload {
  private static final int RUNS = 3_000;
  private static final int WARMUP = 2_000;
  private static final int SIZE = 16;

  @Override
  public String name() {
    return "listener-roundtrip";
  }

  @Override
  public String description() {
    return "16 B sendBytes/recvBytes echo over TCP loopback with an authkey, per round trip";
  }

  @Override
  public Result run(Bench bench) throws Exception {
    int runs = bench.runs(RUNS);
    var pyRuns = new LinkedHashMap<String, Integer>();
    pyRuns.put("fork", runs);
    Map<String, Samples> cpython = bench.python(name(), Unit.MICROS, pyRuns, "--warmup=" + WARMUP, "--size=" + SIZE);

    long[] samples = new long[runs];
    byte[] key = "mp4j-bench-key".getBytes();
    bench.useWarmSpares(SparePool.DEFAULT_SPARES);
    Context warm = Multiprocessing.getContext("warm");
    Queue<Integer> ports = warm.queue();
    Process server = warm.process(Targets.echoServer(ports, key));
    try {
      server.start();
      Integer port = ports.get(true, Duration.ofSeconds(60));
      try (Connection c = Client.connect(new TcpAddress("127.0.0.1", port), key)) {
        byte[] msg = new byte[SIZE];
        for (int i = -WARMUP; i < runs; i++) {
          long t0 = System.nanoTime();
          c.sendBytes(msg);
          byte[] back = c.recvBytes();
          long t1 = System.nanoTime();
          if (back.length != SIZE) {
            throw new IllegalStateException("echo sent back " + back.length + " bytes");
          }
          if (i >= 0) {
            samples[i] = t1 - t0;
          }
        }
        c.sendBytes(new byte[0]);
      }
      JavaRuns.joinSuccessful(server);
    } finally {
      JavaRuns.end(server);
      ports.close();
      bench.stopWarmSpares();
    }
    var row = new Row(name(), "warm", new Samples(Unit.MICROS, samples), cpython, "fork", new Target.None());
    return new Result(List.of(row), List.of(), List.of(
        "listener-roundtrip: server child started with the warm context (Java) / fork (CPython), client in the"
            + " parent; " + runs + " round trips each after " + WARMUP + " not counted."));
  }
}

package io.ddlcast.bench;

import io.ddlcast.producer.OfflineReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Memory and CPU of the producer and the appliers over one measured window (see {@link Footprint}): the producer's
 * peak RSS and heap, the largest of the appliers', and the producer's CPU per 1,000 csvlog records written by the
 * primary during the window, and its CPU in percent of one core over the window's wall time.
 */
record ComponentCost(double producerRssMb, double producerLiveHeapMb, double producerPeakHeapMb,
    double applierRssMb, double applierLiveHeapMb, double applierPeakHeapMb, double producerCpuMsPer1000Records,
    long records, double producerCpuPercent) {

  /** Where a window starts: the producer's CPU time, the number of records in the primary's csvlog, the clock. */
  record Start(double producerCpuMs, long records, long nanos) {}

  static Start start(Rig rig) {
    return new Start(Footprint.cpuMillis(rig.producer().pid()), csvRecords(rig.primary.logDirectory()),
        System.nanoTime());
  }

  /** Ends the window: CPU and records first, then a forced collection in each component for its live heap. */
  static ComponentCost end(Rig rig, Start start) {
    double cpu = Footprint.cpuMillis(rig.producer().pid()) - start.producerCpuMs();
    double wallMs = (System.nanoTime() - start.nanos()) / 1e6;
    long records = csvRecords(rig.primary.logDirectory()) - start.records();
    Rig.Component producer = rig.producer();
    List<Rig.Component> appliers = rig.appliers();
    Footprint.forceGc(producer.pid());
    appliers.forEach(a -> Footprint.forceGc(a.pid()));
    pause();
    Footprint.Heap producerHeap = Footprint.heap(producer.gcLog());
    double applierRss = 0;
    double applierLive = Double.NaN;
    double applierPeak = Double.NaN;
    for (Rig.Component a : appliers) {
      applierRss = Math.max(applierRss, Footprint.peakRssMb(a.pid()));
      Footprint.Heap heap = Footprint.heap(a.gcLog());
      applierLive = max(applierLive, heap.liveMb());
      applierPeak = max(applierPeak, heap.peakUsedMb());
    }
    return new ComponentCost(Footprint.peakRssMb(producer.pid()), producerHeap.liveMb(), producerHeap.peakUsedMb(),
        applierRss, applierLive, applierPeak, records == 0 ? Double.NaN : cpu * 1000.0 / records, records,
        cpu * 100.0 / wallMs);
  }

  private static double max(double a, double b) {
    return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
  }

  /** Records in the csvlog files of {@code logDir}, counted by the producer's own parser. */
  static long csvRecords(Path logDir) {
    try {
      return OfflineReader.readDirectory(logDir).records();
    } catch (IOException e) {
      throw new BenchException("cannot read " + logDir + ": " + e.getMessage(), e);
    }
  }

  /** The GC log line of a forced collection is written right after it; give the file a moment. */
  private static void pause() {
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

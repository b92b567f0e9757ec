// What a worker's heartbeat says about its own process: memory now, and CPU since the last heartbeat.
// process.cpuUsage counts every thread of the process, so the chunk pool's threads are included.

export interface ProcessLoad {
  rss_bytes: number;
  /** CPU time per wall time since the previous sample, as a percentage: 100 is one core busy. */
  cpu_percent: number;
}

export class ProcessLoadSampler {
  private lastCpu: NodeJS.CpuUsage;
  private lastAt: bigint;

  constructor(
    private readonly cpuUsage: () => NodeJS.CpuUsage = () => process.cpuUsage(),
    private readonly rss: () => number = () => process.memoryUsage.rss(),
    private readonly clock: () => bigint = () => process.hrtime.bigint(),
  ) {
    this.lastCpu = this.cpuUsage();
    this.lastAt = this.clock();
  }

  sample(): ProcessLoad {
    const cpu = this.cpuUsage();
    const at = this.clock();
    const cpuMicros = cpu.user - this.lastCpu.user + (cpu.system - this.lastCpu.system);
    const wallMicros = Number(at - this.lastAt) / 1000;
    this.lastCpu = cpu;
    this.lastAt = at;
    // Two samples in the same microsecond say nothing about CPU; report idle rather than divide by zero.
    const percent = wallMicros > 0 ? (cpuMicros / wallMicros) * 100 : 0;
    return { rss_bytes: this.rss(), cpu_percent: Math.round(Math.max(0, percent) * 10) / 10 };
  }
}

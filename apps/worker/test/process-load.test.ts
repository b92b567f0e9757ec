import { ProcessLoadSampler } from '../src/process-load';

function sampler(cpu: NodeJS.CpuUsage[], clockNs: bigint[], rss = 123_456_789) {
  return new ProcessLoadSampler(
    () => cpu.shift() as NodeJS.CpuUsage,
    () => rss,
    () => clockNs.shift() as bigint,
  );
}

it('reports CPU time since the previous sample per wall time, as a percentage of one core', () => {
  // 1.5 s of CPU (user + system, two threads busy) over 1 s of wall time, then 0.25 s over 0.5 s.
  const s = sampler(
    [{ user: 0, system: 0 }, { user: 1_200_000, system: 300_000 }, { user: 1_400_000, system: 350_000 }],
    [0n, 1_000_000_000n, 1_500_000_000n],
  );

  expect(s.sample()).toStrictEqual({ rss_bytes: 123_456_789, cpu_percent: 150 });
  expect(s.sample()).toStrictEqual({ rss_bytes: 123_456_789, cpu_percent: 50 });
});

it('reports 0 % rather than dividing by zero when no wall time has passed', () => {
  const s = sampler([{ user: 0, system: 0 }, { user: 10, system: 0 }], [5n, 5n]);
  expect(s.sample().cpu_percent).toBe(0);
});

it('samples the real process: its resident set and a CPU share that is a finite, non-negative number', () => {
  const s = new ProcessLoadSampler();
  let spin = 0;
  for (let i = 0; i < 2_000_000; i++) spin += i % 7;
  const load = s.sample();
  expect(spin).toBeGreaterThan(0);
  expect(load.rss_bytes).toBeGreaterThan(10 * 1024 * 1024);
  expect(Number.isFinite(load.cpu_percent) && load.cpu_percent >= 0).toBe(true);
});

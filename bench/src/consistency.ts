// Cross-checks between measurements that read the same files: they must count the same lines, or a
// figure is not measuring what it claims to.
import type { BaselineRun } from './baselines';
import type { ClusterThroughput } from './cluster-throughput';
import type { CoreThroughput } from './core-throughput';

export function lineCountNotes(core: CoreThroughput[], cluster: ClusterThroughput[], wc: BaselineRun | null): string[] {
  const notes: string[] = [];
  let compared = 0;
  for (const run of cluster) {
    const single = core.find((c) => c.format === run.format);
    if (!single) continue;
    compared++;
    if (single.lines !== run.lines) notes.push(`${run.format}: the cluster counted ${run.lines} lines, one thread ${single.lines}`);
  }
  const applog = wc && core.find((c) => c.format === wc.format);
  if (wc && applog) {
    compared++;
    const wcLines = Number(wc.output.split(/\s+/)[0]);
    if (wcLines !== applog.lines) notes.push(`${wc.format}: wc -l counted ${wcLines} lines, core ${applog.lines}`);
  }
  if (compared > 0 && notes.length === 0) notes.push(`line counts agree (${compared} comparisons of core, cluster and wc -l)`);
  return notes;
}

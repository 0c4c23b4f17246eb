// How the history and the comparison name a run: by its name, or by what it trained (dataset and
// network), with its key hyperparameters; in a comparison, by the settings that tell the runs apart.

interface LooseSpec {
  data?: { dataset?: string };
  model?: { layers?: { type?: string; units?: number; filters?: number; activation?: string }[] };
  train?: {
    optimizer?: { name?: string; lr?: number };
    batch_size?: number;
    l1?: number;
    l2?: number;
    weight_elimination?: { lambda?: number } | null;
    seed?: number;
    epochs?: number;
  };
}

export interface NamedRun {
  id: string;
  name?: string | null;
  spec: unknown;
  created_at?: string | null;
}

/** Dense layers by their width (4-2), others by their type (conv8-maxpool2d-flatten). */
function network(spec: LooseSpec): string {
  const short = (l: NonNullable<NonNullable<LooseSpec['model']>['layers']>[number]) =>
    l.units !== undefined ? String(l.units) : l.type === 'conv2d' ? `conv${l.filters}` : (l.type ?? '?');
  return spec.model?.layers?.map(short).join('-') || 'no hidden layer';
}

export function describeRun(run: NamedRun): string {
  const spec = run.spec as LooseSpec;
  return run.name ?? `${spec.data?.dataset ?? '?'} · ${network(spec)}`;
}

/** The hyperparameters a student changes most, each as a short `key value` text. */
export function keySettings(spec: unknown): [string, string][] {
  const s = spec as LooseSpec;
  const train = s.train ?? {};
  const activations = [...new Set((s.model?.layers ?? []).map((l) => l.activation).filter(Boolean))];
  const penalty = train.weight_elimination
    ? `weight elimination ${train.weight_elimination.lambda}`
    : train.l1
      ? `L1 ${train.l1}`
      : train.l2
        ? `L2 ${train.l2}`
        : 'no regularization';
  return [
    ['dataset', s.data?.dataset ?? '?'],
    ['network', network(s)],
    ['optimizer', train.optimizer?.name ?? '?'],
    ['lr', `lr ${train.optimizer?.lr}`],
    ['activation', activations.join('/') || 'linear'],
    ['regularization', penalty],
    ['batch', `batch ${train.batch_size}`],
    ['epochs', `${train.epochs} epochs`],
    ['seed', `seed ${train.seed}`],
  ];
}

/** A run's start, as the user's clock reads it (today: the time only). */
export function runTime(created: string | null | undefined, now = new Date()): string {
  if (!created) return '';
  const at = new Date(created);
  if (Number.isNaN(at.getTime())) return '';
  const time = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return at.toDateString() === now.toDateString() ? time : `${at.toLocaleDateString()} ${time}`;
}

/**
 * Labels for runs shown side by side: a run's own name where it is unique, else its dataset and
 * network with the settings that differ between the runs; runs alike in every key setting are told
 * apart by when they started.
 */
export function comparisonLabels(runs: NamedRun[]): string[] {
  const settings = runs.map((run) => keySettings(run.spec));
  const differing = (settings[0] ?? []).map(([key]) => key).filter((key, i) => new Set(settings.map((s) => s[i][1])).size > 1);
  const labels = runs.map((run, r) => {
    const names = runs.map((other) => other.name);
    if (run.name && names.filter((n) => n === run.name).length === 1) return run.name;
    const parts = settings[r].filter(([key]) => differing.includes(key) && key !== 'dataset' && key !== 'network');
    return [describeRun({ ...run, name: null }), ...parts.map(([, text]) => text)].join(' · ');
  });
  return labels.map((label, r) =>
    labels.filter((other) => other === label).length > 1 ? `${label} · ${runTime(runs[r].created_at) || runs[r].id.slice(0, 6)}` : label,
  );
}

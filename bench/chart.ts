import { isMeasured, type BenchData, type BenchRow } from './harness';

/** Colours by subject kind; a kind's variants (durable: false, scan) get lighter shades. */
const PALETTE: Record<string, string[]> = {
  aiofs: ['#1f5fbf', '#5b8fe0', '#9dbcf0'],
  raw: ['#6b6b6b', '#a0a0a0'],
  unstorage: ['#e07b00'],
  opendal: ['#2e9e44'],
  flydrive: ['#8e44ad'],
};

const BACKEND_TITLES: Record<string, string> = {
  local: 'Local disk',
  redis: 'Redis',
  azure: 'Azure Blob (Azurite)',
};

const KIND_ORDER = ['raw', 'aiofs', 'unstorage', 'opendal', 'flydrive'];

/** The subjects of some rows: raw client first, then aiofs, then the peers; first seen first. */
export function subjectsOf(rows: BenchRow[]): string[] {
  const seen = [...new Set(rows.map((r) => r.subject))];
  const kind = (subject: string) => {
    const at = KIND_ORDER.indexOf(rows.find((r) => r.subject === subject)?.kind ?? '');
    return at === -1 ? KIND_ORDER.length : at;
  };
  return seen
    .map((subject, at) => ({ subject, at }))
    .sort((a, b) => kind(a.subject) - kind(b.subject) || a.at - b.at)
    .map((entry) => entry.subject);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function ratioLabel(ratio: number): string {
  return `${ratio < 10 ? ratio.toFixed(2) : ratio.toFixed(1)}×`;
}

/**
 * A horizontal bar chart, one panel per backend: for every workload, each subject's median over
 * the raw client's (log scale, 1× marked). The reference row itself is not drawn; a subject that
 * cannot do a workload shows "n/a". No dependencies: the SVG is written as text.
 */
export function chartSvg(data: BenchData): string {
  const rows = data.results.filter((r) => !r.workload.startsWith('target:'));
  const backends = [...new Set(rows.map((r) => r.backend))];
  const width = 980;
  const labelWidth = 250;
  const plotLeft = labelWidth + 10;
  const plotWidth = width - plotLeft - 90;
  const bar = 9;
  const gap = 2;
  const groupGap = 12;
  const measured = rows.filter(isMeasured);
  const maxRatio = Math.max(2, ...measured.map((r) => r.ratio));
  const minRatio = Math.min(0.5, ...measured.map((r) => r.ratio));
  const lo = 2 ** Math.floor(Math.log2(minRatio));
  const hi = 2 ** Math.ceil(Math.log2(maxRatio));
  const x = (ratio: number) =>
    plotLeft + ((Math.log2(ratio) - Math.log2(lo)) / (Math.log2(hi) - Math.log2(lo))) * plotWidth;

  const parts: string[] = [];
  let y = 40;
  parts.push(
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">Time relative to the raw client (median, log scale; lower is faster)</text>`,
  );
  for (const backend of backends) {
    const mine = rows.filter((r) => r.backend === backend);
    const reference = new Set(
      mine.filter((r) => isMeasured(r) && r.ratio === 1 && r.kind === 'raw').map(key),
    );
    const subjects = subjectsOf(mine.filter((r) => !reference.has(key(r))));
    const colour = colours(mine, subjects);
    const workloads = [...new Set(mine.map((r) => r.workload))];
    parts.push(
      `<text x="10" y="${y + 16}" font-size="14" font-weight="bold">${escapeXml(BACKEND_TITLES[backend] ?? backend)}</text>`,
    );
    y += 26;
    let legendX = 10;
    for (const subject of subjects) {
      parts.push(
        `<rect x="${legendX}" y="${y}" width="10" height="10" fill="${colour.get(subject)}"/>`,
        `<text x="${legendX + 14}" y="${y + 9}" font-size="11">${escapeXml(subject)}</text>`,
      );
      legendX += 24 + subject.length * 6.2;
      if (legendX > width - 200) {
        legendX = 10;
        y += 16;
      }
    }
    y += 22;
    const top = y;
    for (const workload of workloads) {
      const group = mine.filter(
        (r) => r.workload === workload && !reference.has(key(r)) && subjects.includes(r.subject),
      );
      const height = group.length * (bar + gap);
      parts.push(
        `<text x="${labelWidth}" y="${y + height / 2 + 4}" text-anchor="end" font-size="11">${escapeXml(workload)}</text>`,
      );
      for (const row of group) {
        if (isMeasured(row)) {
          const end = x(row.ratio);
          const start = x(1);
          parts.push(
            `<rect x="${Math.min(start, end).toFixed(1)}" y="${y}" width="${Math.max(1, Math.abs(end - start)).toFixed(1)}" height="${bar}" fill="${colour.get(row.subject)}"><title>${escapeXml(`${row.subject}: ${ratioLabel(row.ratio)}`)}</title></rect>`,
            `<text x="${(Math.max(start, end) + 3).toFixed(1)}" y="${y + bar - 1}" font-size="9" fill="#333">${ratioLabel(row.ratio)}</text>`,
          );
        } else {
          parts.push(
            `<text x="${(x(1) + 3).toFixed(1)}" y="${y + bar - 1}" font-size="9" fill="#999">${escapeXml(`${row.subject}: n/a`)}</text>`,
          );
        }
        y += bar + gap;
      }
      y += groupGap;
    }
    for (let tick = lo; tick <= hi; tick *= 2) {
      const tx = x(tick).toFixed(1);
      parts.push(
        `<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${y - groupGap + 2}" stroke="${tick === 1 ? '#000' : '#ddd'}" stroke-width="${tick === 1 ? 1.2 : 1}"/>`,
        `<text x="${tx}" y="${y + 8}" text-anchor="middle" font-size="10" fill="#555">${tick >= 1 ? tick : `1/${1 / tick}`}×</text>`,
      );
    }
    y += 30;
  }
  const header = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="Helvetica, Arial, sans-serif">`;
  // Grid lines first, so that bars are drawn over them.
  const grid = parts.filter((p) => p.startsWith('<line'));
  const rest = parts.filter((p) => !p.startsWith('<line'));
  return [
    header,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...grid,
    ...rest,
    '</svg>',
    '',
  ].join('\n');
}

function key(row: BenchRow): string {
  return `${row.workload}\u0000${row.subject}`;
}

function colours(rows: BenchRow[], subjects: string[]): Map<string, string> {
  const used: Record<string, number> = {};
  const map = new Map<string, string>();
  for (const subject of subjects) {
    const kind = rows.find((r) => r.subject === subject)?.kind ?? 'raw';
    const shades = PALETTE[kind] ?? ['#444'];
    const at = used[kind] ?? 0;
    used[kind] = at + 1;
    map.set(subject, shades[Math.min(at, shades.length - 1)]);
  }
  return map;
}

// The measured complexity as a small SVG chart: counted steps against input size n on
// log-log axes, the measured points as dots and the fitted class as a curve, labelled with
// the class. Hand-drawn SVG: a handful of points does not need a chart library.

import type { MeasuredComplexity } from "../api/types";

const W = 280;
const H = 150;
const PAD = { left: 40, right: 10, top: 18, bottom: 26 };

/** The growth function of a class label, or null for a label we cannot draw. */
export function growth(label: string): ((n: number) => number) | null {
  const table: Record<string, (n: number) => number> = {
    "O(1)": () => 1,
    "O(log n)": (n) => Math.log2(Math.max(n, 2)),
    "O(n)": (n) => n,
    "O(n log n)": (n) => n * Math.log2(Math.max(n, 2)),
    "O(n^2)": (n) => n * n,
    "O(n^3)": (n) => n * n * n,
    "O(2^n)": (n) => 2 ** n,
  };
  return table[label] ?? null;
}

/** a + b·g(n) fitted to the points on relative error (the server's weighting), b ≥ 0. */
export function fitCurve(
  points: { n: number; ops: number }[],
  g: (n: number) => number,
): (n: number) => number {
  let s11 = 0;
  let s12 = 0;
  let s22 = 0;
  let t1 = 0;
  let t2 = 0;
  for (const p of points) {
    const w = 1 / Math.max(p.ops, 1) ** 2;
    const x = g(p.n);
    s11 += w;
    s12 += w * x;
    s22 += w * x * x;
    t1 += w * p.ops;
    t2 += w * p.ops * x;
  }
  const det = s11 * s22 - s12 * s12;
  let a = det !== 0 ? (t1 * s22 - t2 * s12) / det : 0;
  let b = det !== 0 ? (s11 * t2 - s12 * t1) / det : 0;
  if (b < 0 || a < 0 || !Number.isFinite(a) || !Number.isFinite(b)) {
    // one term only: the scale of g alone (or a constant)
    a = 0;
    b = s22 > 0 ? t2 / s22 : 0;
  }
  return (n) => a + b * g(n);
}

export function MeasuredChart({ measured }: { measured: MeasuredComplexity }) {
  const points = measured.points.filter((p) => p.n > 0);
  const label = measured.time_complexity;
  if (!label || points.length < 2) {
    return (
      <p className="muted small" data-testid="measured-none">
        Not measured{measured.reason ? `: ${measured.reason}` : ""}.
      </p>
    );
  }
  const g = growth(label);
  const curve = g ? fitCurve(points, g) : null;
  const ns = points.map((p) => p.n);
  const minN = Math.min(...ns);
  const maxN = Math.max(...ns);
  const samples = Array.from({ length: 40 }, (_, i) => minN * (maxN / minN) ** (i / 39));
  const curveValues = curve ? samples.map(curve) : [];
  const ys = [...points.map((p) => Math.max(p.ops, 1)), ...curveValues.filter((v) => v > 0)];
  const minY = Math.min(...ys);
  const maxY = Math.max(...ys, minY * 2);
  const lx = (n: number) => Math.log(n);
  const x = (n: number) =>
    PAD.left + ((lx(n) - lx(minN)) / (lx(maxN) - lx(minN) || 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) =>
    H -
    PAD.bottom -
    ((Math.log(Math.max(v, minY)) - Math.log(minY)) / (Math.log(maxY) - Math.log(minY) || 1)) *
      (H - PAD.top - PAD.bottom);
  const path = curve
    ? samples
        .map(
          (n, i) => `${i === 0 ? "M" : "L"}${x(n).toFixed(1)},${y(curveValues[i] ?? 1).toFixed(1)}`,
        )
        .join(" ")
    : "";
  const title = `Measured ${label}, confidence ${measured.confidence.toFixed(2)}`;
  return (
    <figure className="measured-chart" data-testid="measured-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width={W}
        height={H}
        role="img"
        aria-label={`${title}: ${points.length} sizes from n = ${minN} to ${maxN}`}
      >
        <title>{title}</title>
        <line
          x1={PAD.left}
          y1={H - PAD.bottom}
          x2={W - PAD.right}
          y2={H - PAD.bottom}
          className="axis"
        />
        <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} className="axis" />
        <text x={PAD.left} y={H - 8} className="tick">
          {minN}
        </text>
        <text x={W - PAD.right} y={H - 8} textAnchor="end" className="tick">
          n = {maxN}
        </text>
        <text x={PAD.left - 4} y={H - PAD.bottom} textAnchor="end" className="tick">
          {Math.round(minY)}
        </text>
        <text x={PAD.left - 4} y={PAD.top + 4} textAnchor="end" className="tick">
          {compact(maxY)}
        </text>
        <text x={PAD.left + 6} y={12} className="chart-label" data-testid="measured-class">
          {label}
        </text>
        {path && <path d={path} className="fit" data-testid="measured-fit" fill="none" />}
        {points.map((p) => (
          <circle
            key={p.n}
            cx={x(p.n)}
            cy={y(Math.max(p.ops, 1))}
            r={2.8}
            className="point"
            data-testid="measured-point"
          >
            <title>{`n = ${p.n}: ${p.ops} steps, peak ${p.peak_bytes} bytes`}</title>
          </circle>
        ))}
      </svg>
      <figcaption className="muted small">
        {title} · steps counted at each size (log–log)
        {measured.entry ? ` · ${measured.entry}` : ""}
      </figcaption>
    </figure>
  );
}

function compact(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return String(Math.round(v));
}

// The Mann–Whitney U test (Wilcoxon rank-sum), two-sided, by the normal approximation with the tie
// correction and a continuity correction: the same numbers as R's
// `wilcox.test(x, y, exact = FALSE, correct = TRUE)` and SciPy's
// `mannwhitneyu(x, y, method="asymptotic", use_continuity=True)`. Small and dependency-free so
// that every step of a `worse` verdict can be read here; no exact distribution, because
// `compare` calls samples too small for the approximation inconclusive anyway (see
// `smallestPValue`).

export interface MannWhitneyResult {
  /** U of the first sample: pairs (x, y) with x > y, ties counting one half. */
  u: number;
  /** Standardised U (continuity-corrected); positive when the first sample tends to be larger. */
  z: number;
  /** Two-sided p-value; 1 when every value is tied (no evidence of any difference). */
  p: number;
}

/** Standard normal upper tail, P(Z > z), accurate to about 1e-15 relative (via erfc). */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * Complementary error function. W. J. Cody's rational approximations (Math. Comp. 1969), the
 * ones most libm implementations use: relative error below 1e-14 everywhere, which matters for
 * the tiny p-values of clear regressions (a 1.2e-7 approximation would print them as 0).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 0.5) return 1 - erfSmall(x);
  if (x < 4) return erfcMid(x);
  return erfcLarge(x);
}

function polyval(c: readonly number[], x: number): number {
  let r = 0;
  for (const k of c) r = r * x + k;
  return r;
}

// Cody's coefficients, highest power first.
const ERF_P = [1.857777061846031526730e-1, 3.161123743870565596947, 1.138641541510501556495e2, 3.774852376853020208137e2, 3.209377589138469472562e3];
const ERF_Q = [1, 2.360129095234412093499e1, 2.440246379344441733056e2, 1.282616526077372275645e3, 2.844236833439170622273e3];
const ERFC_P = [2.15311535474403846343e-8, 5.64188496988670089180e-1, 8.88314979438837594118, 6.61191906371416294775e1, 2.98635138197400131132e2, 8.81952221241769090411e2, 1.71204761263407058314e3, 2.05107837782607146532e3, 1.23033935479799725272e3];
const ERFC_Q = [1, 1.57449261107098347253e1, 1.17693950891312499305e2, 5.37181101862009857509e2, 1.62138957456669018874e3, 3.29079923573345962678e3, 4.36261909014324715820e3, 3.43936767414372163696e3, 1.23033935480374942043e3];
const ERFC_LP = [1.63153871373020978498e-2, 3.05326634961232344035e-1, 3.60344899949804439429e-1, 1.25781726111229246204e-1, 1.60837851487422766278e-2, 6.58749161529837803157e-4];
const ERFC_LQ = [1, 2.56852019228982242072, 1.87295284992346725209, 5.27905102951428412248e-1, 6.05183413124413191178e-2, 2.33520497626869185443e-3];
const ONE_OVER_SQRT_PI = 0.56418958354775628695;

function erfSmall(x: number): number {
  const z = x * x;
  return (x * polyval(ERF_P, z)) / polyval(ERF_Q, z);
}

function erfcMid(x: number): number {
  return (Math.exp(-x * x) * polyval(ERFC_P, x)) / polyval(ERFC_Q, x);
}

function erfcLarge(x: number): number {
  if (x > 27) return 0;
  const z = 1 / (x * x);
  const r = (z * polyval(ERFC_LP, z)) / polyval(ERFC_LQ, z);
  return (Math.exp(-x * x) / x) * (ONE_OVER_SQRT_PI - r);
}

/** Mid-ranks (1-based) of `values`, ties sharing the mean of their ranks, plus Σ(t³ − t) over tie groups. */
export function midRanks(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((v, i) => ({ v, i })).sort((p, q) => p.v - q.v);
  const ranks = new Array<number>(values.length).fill(0);
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.v === order[start]!.v) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]!.i] = rank;
    const t = end - start + 1;
    tieTerm += t * t * t - t;
    start = end + 1;
  }
  return { ranks, tieTerm };
}

/** Two-sided Mann–Whitney U test of `x` against `y` (each needs at least one value). */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('mannWhitneyU needs at least one value in each sample');
  if ([...x, ...y].some((v) => !Number.isFinite(v))) throw new RangeError('mannWhitneyU takes finite numbers only');
  const n = n1 + n2;
  const { ranks, tieTerm } = midRanks([...x, ...y]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i]!;
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, z: 0, p: 1 };
  const diff = u - mean;
  // Continuity correction toward the mean, never past it.
  const corrected = Math.sign(diff) * Math.max(0, Math.abs(diff) - 0.5);
  const z = corrected / Math.sqrt(variance);
  const p = Math.min(1, 2 * normalUpperTail(Math.abs(z)));
  return { u, z, p };
}

/**
 * The smallest two-sided p-value the test can give for these sample sizes (the samples entirely
 * apart, no ties). With 3 windows against 3 it is 0.081: no data could reach p < 0.05, so a
 * comparison that small is inconclusive rather than "within noise".
 */
export function smallestPValue(n1: number, n2: number): number {
  if (n1 === 0 || n2 === 0) return 1;
  const x = Array.from({ length: n1 }, (_, i) => i);
  const y = Array.from({ length: n2 }, (_, i) => n1 + i);
  return mannWhitneyU(x, y).p;
}

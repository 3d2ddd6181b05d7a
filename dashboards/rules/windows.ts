// Multi-window, multi-burn-rate alerting after Pyrra (and the SRE workbook): four tiers with burn
// factors 14, 6, 3 and 1, each firing only while a long window AND a short window (long / 12) both
// burn faster than the factor. Pyrra sizes the windows as fractions of a 28-day SLO window; here the
// SLO window is the run, so the long windows are fractions of the profile's duration. Pyrra's own
// fractions (1/672 to 1/7) would give sub-second windows for a 10-minute run, so the fractions are
// larger, chosen so that each tier fires once half to three quarters of the run's error budget is
// gone (factor × fraction): the run is then on course to fail its verdict.

export interface BurnTier {
  factor: number;
  /** The long window as a share of the run's duration. */
  longFraction: number;
  severity: 'critical' | 'warning';
}

export const TIERS: readonly BurnTier[] = [
  { factor: 14, longFraction: 1 / 24, severity: 'critical' },
  { factor: 6, longFraction: 1 / 8, severity: 'critical' },
  { factor: 3, longFraction: 1 / 4, severity: 'warning' },
  { factor: 1, longFraction: 1 / 2, severity: 'warning' },
];

/** Pyrra's ratio of long to short window. */
export const SHORT_DIVISOR = 12;

/** rate() needs several scrapes in a window: 4 × the 5 s scrape interval of dashboards/prometheus.yml. */
export const MIN_WINDOW_S = 20;

export interface TierWindows extends BurnTier {
  longS: number;
  shortS: number;
}

export function windowsFor(durationS: number): TierWindows[] {
  return TIERS.map((t) => {
    const longS = Math.max(MIN_WINDOW_S, Math.ceil(durationS * t.longFraction));
    const shortS = Math.max(MIN_WINDOW_S, Math.ceil(longS / SHORT_DIVISOR));
    return { ...t, longS, shortS };
  });
}

/** A Prometheus duration: whole minutes as `Nm`, else seconds. */
export function promDuration(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

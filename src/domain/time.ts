/** Lengths of time in milliseconds, in one place (UTC arithmetic: no daylight-saving days). */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

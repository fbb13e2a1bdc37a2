// Who made a 5xx: a proxy answers 502, 503 and 504 itself when its backend fails it (refused,
// reset, marked down, timed out); any other 5xx (500 Internal Server Error above all) is the
// application's own answer, which the proxy only relays. A backend can answer 503 itself too
// (cheroot's full accepted queue): that is overload, told apart by other evidence, never counted
// as the application failing. One rule for the access-log parsers, the findings and the detector.

/** Statuses a proxy makes itself when the backend fails it. */
export const GATEWAY_STATUSES: readonly number[] = [502, 503, 504];

/** A 5xx that the application answered (not a gateway status). */
export function isApplicationServerError(status: number): boolean {
  return status >= 500 && status <= 599 && !GATEWAY_STATUSES.includes(status);
}

/** Responses counted by error kind (`http_500`, …) that were the application's own 5xx. */
export function applicationServerErrors(byKind: Partial<Record<string, number>> | undefined): number {
  let n = 0;
  for (const [kind, count] of Object.entries(byKind ?? {})) {
    const m = /^http_(\d{3})$/.exec(kind);
    if (m && isApplicationServerError(Number(m[1])) && count) n += count;
  }
  return n;
}

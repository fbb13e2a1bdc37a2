// The service-level objective a run or sweep is judged against.

export interface Slo {
  p99_ms?: number;
  p95_ms?: number;
  error_rate?: number;
}

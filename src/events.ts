// Events: notable things that happened while cpdiag worked (a target exited, a step failed).
// Shared by every document (run, sweep, inspect) and by the findings the diagnosis reads, so it
// sits beneath all of them and imports nothing.

/** Something notable that happened during a run (target exited, step failed, ...). */
export interface RunEvent {
  t_s: number;
  /**
   * target_killed: killed on purpose by a scenario fault (faults: kill_target), not a crash.
   * backend_exited: one of the processes behind a balancer exited; the balancer answers for it.
   */
  kind: 'target_exited' | 'target_killed' | 'backend_exited' | 'target_not_ready' | 'interrupted' | 'generator_saturated' | 'note' | 'error';
  message: string;
}

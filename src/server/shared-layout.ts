// The shared-memory contract between the acceptor (main thread) and the worker threads.
// Handoff goes through Atomics on SharedArrayBuffers rather than postMessage: a job costs one
// store + notify each way and no allocation, which is what lets the pool reach >5k req/s.

/** Int32 words of one worker slot. */
export const SLOT = {
  /** Main increments to post a job; an idle worker sleeps in Atomics.wait on this word. */
  JOB_SEQ: 0,
  /** Worker sets 1 once it has started (and named its thread). */
  READY: 1,
  /** Worker increments per event (chunk ready / job done); main waits with Atomics.waitAsync. */
  EVT_SEQ: 2,
  EVT_KIND: 3,
  /** Main increments when a streamed chunk has been handed to the socket (backpressure). */
  ACK_SEQ: 4,
  OP: 5,
  STATUS: 6,
  /** What the worker thread is doing right now (WORKER_STATE), for stats and inspect. */
  STATE: 7,
  TID: 8,
  /** Upload: 0 body still arriving, 1 complete, -1 aborted (413, disconnect, timeout). */
  BODY_STATE: 9,
  /** Set to 1 to make the worker leave its loop (shutdown). */
  STOP: 10,
} as const;
export const SLOT_INTS = 16;

/** Float64 words of one worker slot (job parameters and results). */
export const SLOTF = {
  IO_MS: 0,
  CPU_MS: 1,
  /** /leak/memory: KiB to retain. /stream: chunks. */
  ARG_A: 2,
  /** /stream: chunk KiB. */
  ARG_B: 3,
  /** /stream: delay between chunks, ms. */
  ARG_C: 4,
  /** Upload bytes counted by the acceptor, read by the handler. */
  BODY_BYTES: 5,
  /** Results: seconds this worker spent on jobs, in total. */
  WORK_TIME_S: 6,
  /** Results: thread CPU ms the last job actually burned. */
  CPU_USED_MS: 7,
  /** Results: number of jobs done. */
  JOBS: 8,
  /** Results: first fd number the last /leak/fd job opened. */
  RESULT: 9,
} as const;
export const SLOT_FLOATS = 12;

/** Bytes per slot: ints first, then floats (8-byte aligned). */
export const SLOT_BYTES = SLOT_INTS * 4 + SLOT_FLOATS * 8;

export const OP = {
  WORK: 1,
  UPLOAD: 2,
  STREAM: 3,
  LEAK_MEMORY: 4,
  LEAK_FD: 5,
  LEAK_THREAD: 6,
  INDEX: 7,
  NOT_FOUND: 8,
} as const;
export type OpCode = (typeof OP)[keyof typeof OP];

export const EVT = { DONE: 1, CHUNK: 2 } as const;

/** What a worker thread is doing; shown in stats as workers[].state. */
export const WORKER_STATE = { IDLE: 0, READING: 1, IO: 2, GIL_WAIT: 3, CPU: 4, WRITING: 5, STARTING: 6 } as const;
export const WORKER_STATE_NAMES = ['idle', 'reading', 'io', 'gil_wait', 'cpu', 'writing', 'starting'] as const;
export type WorkerStateName = (typeof WORKER_STATE_NAMES)[number];

/** The GIL: a FIFO ticket lock in its own buffer. */
export const GIL = {
  NEXT_TICKET: 0,
  NOW_SERVING: 1,
  ENABLED: 2,
  /** Times a holder gave the lock up at the end of a switch interval because others waited. */
  SWITCHES: 3,
  /** Threads burning CPU right now, and the most there ever were at once (the GIL keeps it 1). */
  CPU_ACTIVE: 4,
  CPU_ACTIVE_MAX: 5,
} as const;
/**
 * Then one wake word per ticket (modulo): a releaser wakes only the next ticket's holder, as
 * CPython's drop_gil signals one waiter, instead of every waiting thread.
 */
export const GIL_WAKE_BASE = 8;
/** A power of two at least the largest pool (thread_pool max 4096): no two waiters share a word. */
export const GIL_WAKE_WORDS = 4096;
export const GIL_INTS = GIL_WAKE_BASE + GIL_WAKE_WORDS;

/** CPython's default sys.getswitchinterval(): 5 ms. */
export const GIL_SWITCH_INTERVAL_MS = 5;

export interface WorkerData {
  id: number;
  slots: SharedArrayBuffer;
  gil: SharedArrayBuffer;
}

export function slotInts(buffer: SharedArrayBuffer, id: number): Int32Array {
  return new Int32Array(buffer, id * SLOT_BYTES, SLOT_INTS);
}

export function slotFloats(buffer: SharedArrayBuffer, id: number): Float64Array {
  return new Float64Array(buffer, id * SLOT_BYTES + SLOT_INTS * 4, SLOT_FLOATS);
}

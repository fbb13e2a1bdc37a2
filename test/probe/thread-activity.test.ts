import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNetTcp } from '../../src/probe/parse-net-tcp.js';
import { parseSyscall } from '../../src/probe/parse-syscall.js';
import { activityKey, classifyThread, groupActivities, summarizeActivities, type FdContext, type ThreadReading } from '../../src/probe/thread-activity.js';
import { countWorkerStates, recognizeWorkers, type ClassifiedThread } from '../../src/probe/worker-threads.js';
import { countClientReads, topBlockedPeer } from '../../src/probe/worker-census.js';
import { findBacklog, listenKey, parseSsListen, readListenBacklogs } from '../../src/inspect/listen-backlog.js';
import { fixture } from '../probe/fixtures-path.js';

// Sockets of the captured fixture: fd 5 → inode 10828 (ESTABLISHED to 127.0.0.1:41617), fd 3 → the listener.
const rows = parseNetTcp(fixture('net-tcp.txt'));
const ctx: FdContext = {
  links: new Map([[0, 'pipe:[10822]'], [3, 'socket:[10826]'], [5, 'socket:[10828]'], [13, '/etc/hostname']]),
  tcpByInode: new Map(rows.filter((r) => r.inode).map((r) => [r.inode, r])),
};

function reading(tid: number, syscall: string, state = 'S', name = 'python3'): ThreadReading {
  return { tid, name, state, cpuTicks: 0, syscall: parseSyscall(syscall) };
}

const sc = (nr: number, a0: string, a3 = '0x0', pc = '0x7f0000001000') => `${nr} ${a0} 0x189 0x0 ${a3} 0x0 0x0 0x7ffc00000000 ${pc}`;

test('classify: socket I/O names the peer, accept names the listener, futex/poll/sleep/running', () => {
  assert.equal(classifyThread(reading(1, sc(45, '0x5')), ctx).label, 'blocked in recvfrom on 127.0.0.1:41617');
  assert.equal(classifyThread(reading(1, sc(288, '0x3')), ctx).label, 'blocked in accept4 on listening 127.0.0.1:41617');
  assert.equal(classifyThread(reading(1, sc(0, '0x0')), ctx).label, 'blocked in read on a pipe');
  assert.equal(classifyThread(reading(1, sc(0, '0xd')), ctx).label, 'blocked in read on /etc/hostname');
  const futex = classifyThread(reading(1, sc(202, '0x7f6990000ba0')), ctx);
  assert.equal(futex.kind, 'lock');
  assert.equal(futex.futexAddr, 0x7f6990000ba0n);
  assert.equal(futex.futexTimed, false);
  assert.equal(classifyThread(reading(1, sc(202, '0x10', '0x7ffc1234')), ctx).futexTimed, true);
  assert.equal(classifyThread(reading(1, sc(232, '0x4')), ctx).label, 'in epoll_wait');
  assert.equal(classifyThread(reading(1, sc(230, '0x1')), ctx).label, 'sleeping in clock_nanosleep');
  assert.equal(classifyThread(reading(1, 'running', 'R'), ctx).kind, 'running');
  assert.equal(activityKey(classifyThread(reading(1, sc(45, '0x5')), ctx)), 'blocked:recvfrom');
});

test('classify from wchan when syscall is unreadable', () => {
  const base = { tid: 1, name: 't', state: 'S', cpuTicks: 0 };
  assert.equal(classifyThread({ ...base, wchan: 'futex_do_wait' }, ctx).kind, 'lock');
  assert.equal(classifyThread({ ...base, wchan: 'do_epoll_wait' }, ctx).label, 'in epoll_wait');
  assert.equal(classifyThread({ ...base, wchan: 'hrtimer_nanosleep' }, ctx).kind, 'sleep');
  assert.equal(classifyThread({ ...base, wchan: 'something_else' }, ctx).label, 'waiting in something_else');
  assert.equal(classifyThread({ ...base, state: 'Z' }, ctx).kind, 'zombie');
});

test('grouping and the one-line summary', () => {
  const items = [
    ...Array.from({ length: 12 }, (_, i) => reading(100 + i, sc(45, '0x5'))),
    reading(200, sc(202, '0x1')), reading(201, sc(202, '0x2')),
    reading(300, sc(232, '0x4')),
    reading(400, 'running', 'R'),
  ].map((r) => ({ tid: r.tid, name: r.name, activity: classifyThread(r, ctx) }));
  const groups = groupActivities(items);
  assert.equal(summarizeActivities(groups), '12 threads blocked in recvfrom on 127.0.0.1:41617, 2 waiting in futex, 1 in epoll_wait, 1 running');
  assert.deepEqual(groups[1].tids, [200, 201]);
});

function classified(tid: number, syscall: string, name = 'python3', state = 'S'): ClassifiedThread {
  return { tid, name, activity: classifyThread(reading(tid, syscall, state, name), ctx) };
}

test('workers: cheroot idle pool parks at one pc on different futex words (CPython Condition)', () => {
  const pc = '0x7f69a1890f16';
  const idle = [
    classified(10, sc(230, '0x1', '0x0', '0x7f69a18da545')), // main thread: engine.block sleeps
    classified(11, sc(232, '0x4')), // acceptor
    ...[0, 1, 2, 3].map((i) => classified(12 + i, sc(202, `0x7f69${i}0000ba0`, '0x0', pc))),
  ];
  const r = recognizeWorkers([idle], 10);
  assert.equal(r.method, 'parked-together');
  assert.deepEqual([...r.tids].sort(), [12, 13, 14, 15]);
  assert.deepEqual(countWorkerStates(idle, r.tids), { total: 4, idle: 4, blocked_io: 0, waiting_lock: 0, running: 0, other: 0 });
  // Two busy in the next sample (sleeping in the handler), still recognised from the first.
  const mixed = [...idle.slice(0, 4), classified(14, sc(230, '0x1', '0x0', '0x7f69a18da545')), classified(15, sc(45, '0x5'))];
  const r2 = recognizeWorkers([idle, mixed], 10);
  assert.deepEqual(countWorkerStates(mixed, r2.tids), { total: 4, idle: 2, blocked_io: 2, waiting_lock: 0, running: 0, other: 0 });
});

test('workers: an exhausted pool (never idle) is recognised as busy together; GIL waits count as lock', () => {
  const sleeping = (tid: number) => classified(tid, sc(230, '0x1', '0x0', '0x7f69a18da545'));
  const sample = [sleeping(10), classified(11, sc(232, '0x4')), sleeping(12), sleeping(13), sleeping(14), sleeping(15)];
  const r = recognizeWorkers([sample], 10);
  assert.equal(r.method, 'busy-together');
  assert.deepEqual([...r.tids].sort(), [12, 13, 14, 15], 'the main thread is never a worker');
  const gil = [classified(12, sc(202, '0xabc', '0x7ffc1')), classified(13, sc(202, '0xabc', '0x7ffc1')), classified(14, 'running', 'python3', 'R'), sleeping(15)];
  assert.deepEqual(countWorkerStates(gil, r.tids), { total: 4, idle: 0, blocked_io: 1, waiting_lock: 2, running: 1, other: 0 });
});

test('workers: by name first; the bundled server emulates I/O with a timed wait on a private word', () => {
  const sample = [
    classified(10, sc(281, '0x4'), 'node'),
    classified(11, sc(202, '0x100'), 'cpdiag-wk-0'),
    classified(12, sc(202, '0x200', '0x7ffc'), 'cpdiag-wk-1'),
    classified(13, sc(202, '0x300'), 'node'),
    classified(14, sc(202, '0x300'), 'node'),
  ];
  const r = recognizeWorkers([sample], 10);
  assert.equal(r.method, 'name');
  assert.deepEqual(countWorkerStates(sample, r.tids), { total: 2, idle: 1, blocked_io: 1, waiting_lock: 0, running: 0, other: 0 });
  assert.equal(recognizeWorkers([[classified(10, sc(232, '0x4'))]], 10).method, 'none');
});

test('ss -ltn: backlog is Send-Q of the LISTEN row; missing ss is unknown', () => {
  const text = 'LISTEN 0      5          127.0.0.1:44975      0.0.0.0:*\nLISTEN 3      128             [::1]:8080          [::]:*\nLISTEN 0 511 *:80 *:*\n';
  assert.deepEqual(parseSsListen(text), [
    { local: '127.0.0.1:44975', recvQ: 0, sendQ: 5 },
    { local: '::1:8080', recvQ: 3, sendQ: 128 },
    { local: ':::80', recvQ: 0, sendQ: 511 },
  ]);
  assert.equal(listenKey('[::1]:8080'), '::1:8080');
  assert.equal(readListenBacklogs(() => undefined), undefined);
  assert.equal(readListenBacklogs(() => text)?.get('127.0.0.1:44975'), 5);
  const backlogs = readListenBacklogs(() => text);
  assert.equal(findBacklog(backlogs, '[::]:80'), 511, 'ss shows a dual-stack wildcard as *');
  assert.equal(findBacklog(backlogs, '[::1]:8080'), 128);
  assert.equal(findBacklog(backlogs, '0.0.0.0:44975'), 5, 'by port when only one listener has it');
  assert.equal(findBacklog(undefined, '127.0.0.1:1'), null);
});

test('clients vs peers (issue 13): a socket accepted on the process\'s own port is a client; a poll on one fd names its socket from the pollfd', () => {
  const ep = (port: number) => ({ address: '127.0.0.1', port });
  const row = (inode: number, local: number, remote: number, state: 'LISTEN' | 'ESTABLISHED') => ({ local: ep(local), remote: ep(remote), state, txQueue: 0, rxQueue: 0, inode });
  const pollfds = new Map<bigint, { fd: number; events: number }>([[0x1000n, { fd: 7, events: 1 }], [0x2000n, { fd: 8, events: 1 }], [0x3000n, { fd: 7, events: 4 }]]);
  const c: FdContext = {
    links: new Map([[3, 'socket:[100]'], [7, 'socket:[101]'], [8, 'socket:[102]']]),
    tcpByInode: new Map([
      [100, row(100, 8080, 0, 'LISTEN')],
      [101, row(101, 8080, 50123, 'ESTABLISHED')], // accepted: a client of :8080
      [102, row(102, 40000, 5432, 'ESTABLISHED')], // outbound: a database
      [900, row(900, 9090, 0, 'LISTEN')], // another process's listener: not ours
    ]),
    readPollFd: (address) => pollfds.get(address),
  };
  const recv = classifyThread(reading(1, sc(45, '0x7')), c);
  assert.equal(recv.label, 'blocked in recvfrom on a client of 127.0.0.1:8080');
  assert.equal(recv.client, 'read');
  const out = classifyThread(reading(1, sc(45, '0x8')), c);
  assert.equal(out.label, 'blocked in recvfrom on 127.0.0.1:5432');
  assert.equal(out.client, undefined);
  // poll(fds=0x1000, nfds=1, timeout): CPython's socket with a timeout.
  const poll = (addr: string) => reading(1, `7 ${addr} 0x1 0x2710 0x0 0x0 0x0 0x7ffc00000000 0x7f0000001000`);
  const p = classifyThread(poll('0x1000'), c);
  assert.equal(p.kind, 'io');
  assert.equal(p.label, 'blocked in poll on a client of 127.0.0.1:8080');
  assert.equal(p.client, 'read');
  assert.equal(classifyThread(poll('0x2000'), c).label, 'blocked in poll on 127.0.0.1:5432');
  assert.equal(classifyThread(poll('0x3000'), c).client, 'write', 'POLLOUT: waiting to write to the client');
  // Unreadable memory, or several fds: a plain poll, as before.
  assert.equal(classifyThread(poll('0x4000'), c).label, 'in poll');
  assert.equal(classifyThread(reading(1, '7 0x1000 0x2 0x2710 0x0 0x0 0x0 0x7ffc00000000 0x7f0000001000'), c).label, 'in poll');
  assert.equal(classifyThread(poll('0x1000'), { ...c, readPollFd: undefined }).label, 'in poll');
});

test('workers held by clients are counted, and are never a blocked-on peer', () => {
  const ep = (port: number) => ({ address: '127.0.0.1', port });
  const c: FdContext = {
    links: new Map([[3, 'socket:[100]'], [7, 'socket:[101]'], [9, 'socket:[103]']]),
    tcpByInode: new Map([
      [100, { local: ep(8080), remote: ep(0), state: 'LISTEN' as const, txQueue: 0, rxQueue: 0, inode: 100 }],
      [101, { local: ep(8080), remote: ep(50123), state: 'ESTABLISHED' as const, txQueue: 0, rxQueue: 0, inode: 101 }],
      [103, { local: ep(8080), remote: ep(50123), state: 'ESTABLISHED' as const, txQueue: 0, rxQueue: 0, inode: 103 }],
    ]),
  };
  const threads: ClassifiedThread[] = [1, 2, 3].map((tid) => ({ tid, name: 'python3', activity: classifyThread(reading(tid, sc(45, tid === 3 ? '0x9' : '0x7')), c) }));
  const workers = new Set([1, 2, 3]);
  assert.equal(countClientReads(threads, workers), 3);
  assert.equal(topBlockedPeer(threads, workers), undefined, 'three workers reading one client address are not blocked on a peer');
});

test('workers: threads leaked every few tens of ms right after the pool started are leaked, not workers: they never run again', () => {
  // pool-too-small.and.thread-leak-1: a pool of 4 started in one loop, then a thread leaked about
  // every 50 ms (5 ticks) from the first requests on — close enough to chain into the pool's burst.
  const pc = '0x7f69a1890f16';
  const parked = (tid: number, startTicks: number, runNs: number): ClassifiedThread => ({ ...classified(tid, sc(202, `0x7f${tid}0ba0`, '0x0', pc)), startTicks, runNs });
  const leakedStarts = [105, 109, 113, 118, 124, 129];
  const window = (served: number) => [
    { ...classified(10, sc(230, '0x1', '0x0', '0x7f69a18da545')), startTicks: 90, runNs: 1e6 },
    { ...classified(11, sc(232, '0x4')), startTicks: 100, runNs: 1e6 },
    // The workers served requests between the samples (their run time grew); the leaked threads did not.
    ...[0, 1, 2, 3].map((i) => parked(12 + i, 101 + (i > 1 ? 1 : 0), 5e6 + served * 1e6)),
    ...leakedStarts.map((s, i) => parked(20 + i, s, 2e5)),
  ];
  const r = recognizeWorkers([window(0), window(3)], 10);
  assert.deepEqual([...r.tids].sort((a, b) => a - b), [12, 13, 14, 15]);
  assert.equal(r.leaked.size, leakedStarts.length);
  // A pool that served nothing in the window: the burst rule alone (the leaks chain into it).
  assert.equal(recognizeWorkers([window(0), window(0)], 10).tids.size, 4 + leakedStarts.length);
});

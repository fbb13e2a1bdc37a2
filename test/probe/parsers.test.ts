import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKernelThread, parseProcStat } from '../../src/probe/parse-stat.js';
import { parseProcStatus } from '../../src/probe/parse-status.js';
import { parseMaxOpenFiles } from '../../src/probe/parse-limits.js';
import { decodeEndpoint, formatEndpoint, parseNetTcp, type TcpRow } from '../../src/probe/parse-net-tcp.js';
import { matchOwnedSockets } from '../../src/probe/tcp-sockets.js';
import { classifyFdLink } from '../../src/probe/parse-fd-link.js';
import { parseSyscall } from '../../src/probe/parse-syscall.js';
import { syscallName } from '../../src/probe/syscall-names.js';
import { fixture } from './fixtures-path.js';

test('stat: fields after the last parenthesis, real process line', () => {
  const s = parseProcStat(fixture('stat.txt'));
  assert.equal(s.pid, 7159);
  assert.equal(s.comm, 'python3');
  assert.equal(s.state, 'S');
  assert.equal(s.ppid, 7155);
  assert.equal(s.numThreads, 3);
  assert.equal(s.utimeTicks, 150);
  assert.equal(s.starttimeTicks, 33083);
  assert.equal(isKernelThread(s), false);
});

test('stat: task in R and in S (captured threads)', () => {
  const r = parseProcStat(fixture('task-stat-python3-R.txt'));
  assert.equal(r.state, 'R');
  assert.equal(r.utimeTicks, 153);
  const s = parseProcStat(fixture('task-stat-python3-S.txt'));
  assert.equal(s.state, 'S');
  assert.equal(s.pid, 7163);
});

test('stat: a comm holding spaces and parentheses does not shift the fields', () => {
  const line = '77 (evil ) (name) S 1 77 77 0 -1 4194560 10 0 0 0 3 4 0 0 20 0 2 0 999 1000 50 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0';
  const s = parseProcStat(line);
  assert.equal(s.comm, 'evil ) (name');
  assert.equal(s.state, 'S');
  assert.equal(s.ppid, 1);
  assert.equal(s.utimeTicks + s.stimeTicks, 7);
  assert.equal(s.numThreads, 2);
});

test('stat: kthreadd is a kernel thread (PF_KTHREAD)', () => {
  const s = parseProcStat('2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 24 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0');
  assert.equal(isKernelThread(s), true);
});

test('status: RSS split, threads, context switches', () => {
  const s = parseProcStatus(fixture('status.txt'));
  assert.equal(s.name, 'python3');
  assert.equal(s.threads, 3);
  assert.equal(s.vmRssBytes, 10684 * 1024);
  assert.equal(s.rssAnonBytes, 4844 * 1024);
  assert.equal(s.rssFileBytes, 5840 * 1024);
  assert.equal(s.ctxVoluntary, 63);
  assert.equal(s.ctxInvoluntary, 0);
});

test('limits: Max open files soft and hard', () => {
  assert.deepEqual(parseMaxOpenFiles(fixture('limits.txt')), { soft: 20000, hard: 20000 });
  assert.deepEqual(parseMaxOpenFiles('Max open files            unlimited            unlimited            files\n'), { soft: null, hard: null });
});

test('net/tcp: states, queues, inodes, little-endian addresses', () => {
  const rows = parseNetTcp(fixture('net-tcp.txt'));
  const listen = rows.find((r) => r.inode === 10826)!;
  assert.equal(listen.state, 'LISTEN');
  assert.equal(formatEndpoint(listen.local), '127.0.0.1:41617');
  assert.equal(listen.rxQueue, 2, 'two connections wait in the accept queue');
  assert.equal(rows.find((r) => r.inode === 10831)!.state, 'CLOSE_WAIT');
  assert.equal(rows.find((r) => r.inode === 10829)!.state, 'ESTABLISHED');
  assert.ok(rows.some((r) => r.state === 'FIN_WAIT2' && r.inode === 0));
  assert.equal(rows.length, 10);
});

test('net/tcp6: ::1 listener', () => {
  const rows = parseNetTcp(fixture('net-tcp6.txt'));
  assert.equal(rows.length, 1);
  assert.equal(rows[0].state, 'LISTEN');
  assert.equal(rows[0].local.address, '::1');
  assert.equal(formatEndpoint(rows[0].local), '[::1]:56097');
  assert.equal(decodeEndpoint('0000000000000000FFFF00000100007F:1F90').address, '127.0.0.1');
});

test('fd links by type', () => {
  assert.deepEqual(classifyFdLink('socket:[10826]'), { type: 'socket', inode: 10826 });
  assert.deepEqual(classifyFdLink('pipe:[10822]'), { type: 'pipe', inode: 10822 });
  assert.equal(classifyFdLink('anon_inode:[eventpoll]').type, 'anon_inode');
  assert.equal(classifyFdLink('anon_inode:[eventpoll]').detail, 'eventpoll');
  assert.equal(classifyFdLink('/etc/hostname').type, 'file');
  assert.equal(classifyFdLink('net:[4026531840]').type, 'other');
});

test('syscall: blocked, running, and x86-64 names', () => {
  const read = parseSyscall(fixture('task-syscall-read.txt'));
  assert.equal(read.kind, 'syscall');
  if (read.kind === 'syscall') {
    assert.equal(read.nr, 0);
    assert.equal(read.args[0], 0n);
    assert.equal(read.pc, 0x7f44af4ff2ecn);
  }
  assert.deepEqual(parseSyscall(fixture('task-syscall-running.txt')), { kind: 'running' });
  const sleep = parseSyscall(fixture('task-syscall-nanosleep.txt'));
  assert.equal(sleep.kind === 'syscall' && syscallName(sleep.nr, 'x64'), 'clock_nanosleep');
  assert.deepEqual(parseSyscall('-1 0x7ffc 0x7f00'), { kind: 'blocked_no_syscall' });
  const names: [number, string][] = [[202, 'futex'], [232, 'epoll_wait'], [281, 'epoll_pwait'], [7, 'poll'], [271, 'ppoll'], [23, 'select'],
    [270, 'pselect6'], [45, 'recvfrom'], [0, 'read'], [1, 'write'], [44, 'sendto'], [230, 'clock_nanosleep'], [35, 'nanosleep'],
    [43, 'accept'], [288, 'accept4'], [61, 'wait4']];
  for (const [nr, name] of names) assert.equal(syscallName(nr, 'x64'), name);
  assert.equal(syscallName(9999, 'x64'), 'syscall_9999');
  assert.equal(syscallName(98, 'arm64'), 'futex');
});

test('owned sockets: connections accepted on a listening port with bytes unread are requests waiting for a thread', () => {
  const ep = (port: number) => ({ address: '127.0.0.1', port });
  const row = (state: TcpRow['state'], local: number, remote: number, rxQueue: number, inode: number): TcpRow => ({ local: ep(local), remote: ep(remote), state, txQueue: 0, rxQueue, inode });
  const rows = [
    row('LISTEN', 8080, 0, 0, 1),
    row('ESTABLISHED', 8080, 50001, 54, 2), // a request arrived, nobody read it
    row('ESTABLISHED', 8080, 50002, 0, 3), // read (a worker has it) or idle keep-alive
    row('ESTABLISHED', 8080, 50003, 120, 4),
    row('ESTABLISHED', 40000, 5432, 300, 5), // the server's own outbound connection: not a request
    row('CLOSE_WAIT', 8080, 50004, 1, 6),
  ];
  const owned = matchOwnedSockets(rows, new Set([1, 2, 3, 4, 5, 6]));
  assert.equal(owned.listen.length, 1);
  assert.equal(owned.listen[0].unreadConnections, 2);
});

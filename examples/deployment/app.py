#!/usr/bin/env python3
"""The same small WSGI app under each deployment model of "Deploying CherryPy", served by real
Python servers, as a `cpdiag compare models --cmd` target:

    python3 examples/deployment/app.py --model {model} --processes {processes} --threads {thread_pool} --port {port}

  single              wsgiref's WSGIServer: one request at a time, the backlog holds the rest
  fork-per-request    socketserver.ForkingMixIn: a child process per connection
  thread-per-request  socketserver.ThreadingMixIn: a thread per connection, no bound
  thread-pool         cheroot's thread pool when cheroot is installed, else the standard library's
                      ThreadPoolExecutor behind the same WSGIServer (a fixed pool, an unbounded queue)
  process-pool        a pre-fork: the master binds one socket and forks --processes children that
                      all accept on it, each with a thread pool of --threads

GET /work?io_ms=20&cpu_ms=5 waits io_ms (as a handler waits on a database) then computes cpu_ms of
this thread's CPU time under the GIL; the response names its process in X-Cpdiag-Pid.
GET /_cpdiag/stats answers the bundled server's stats shape (threads busy, requests completed and,
in a process pool, each process's own count: how evenly the shared socket spread the load), from
counters every process keeps in memory shared across the fork. Only the standard library is needed
(cheroot is used when present).
"""
import argparse
import json
import multiprocessing
import os
import signal
import socket
import socketserver
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

MODELS = ("single", "fork-per-request", "thread-per-request", "thread-pool", "process-pool")
STATS_PATH = "/_cpdiag/stats"


class Counters:
    """Per serving process: its pid, requests completed and threads busy, in one array shared
    across fork (so a pre-fork's processes, or a forking server's children, count where the stats
    page of any of them can read). One lock for all: a counter update is a few instructions, and a
    lock shared across processes is the standard library's (multiprocessing.Lock, a semaphore)."""

    FIELDS = 3  # pid, completed, busy

    def __init__(self, slots, threads_per_slot):
        self.values = multiprocessing.RawArray("q", slots * self.FIELDS)
        self.lock = multiprocessing.Lock()
        self.slots = slots
        self.threads_per_slot = threads_per_slot  # None: a thread or a process per request
        self.slot = 0
        self.master = os.getpid()
        self.values[0] = self.master

    def take_slot(self, i):
        """In a pool process after the fork: count in slot i from now on."""
        self.slot = i
        self.values[i * self.FIELDS] = os.getpid()

    def add(self, completed, busy):
        base = self.slot * self.FIELDS
        with self.lock:
            self.values[base + 1] += completed
            self.values[base + 2] += busy

    def document(self):
        with self.lock:
            rows = [tuple(self.values[i * self.FIELDS:(i + 1) * self.FIELDS]) for i in range(self.slots)]
        busy = sum(r[2] for r in rows)
        total = busy if self.threads_per_slot is None else self.threads_per_slot * self.slots
        doc = {
            "pid": os.getpid(),
            "master_pid": self.master,
            "threads": {"total": total, "busy": busy, "idle": total - busy},
            "requests": {"completed": sum(r[1] for r in rows)},
        }
        if self.slots > 1:
            doc["processes"] = [{"pid": r[0], "requests_completed": r[1], "threads_busy": r[2]} for r in rows]
        return doc


counters = None  # set in main(), before any fork


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == STATS_PATH:
        # Read, not counted: as the bundled server's stats page, it is not a request of the load.
        body = json.dumps(counters.document()).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    counters.add(0, 1)
    try:
        return work(environ, start_response, path)
    finally:
        counters.add(1, -1)


def work(environ, start_response, path):
    if path == "/work":
        q = parse_qs(environ.get("QUERY_STRING", ""))
        io_ms = float(q.get("io_ms", ["0"])[0])
        cpu_ms = float(q.get("cpu_ms", ["0"])[0])
        if io_ms > 0:
            time.sleep(io_ms / 1000)
        if cpu_ms > 0:
            # This thread's CPU time, not wall time: under the GIL a thread waits its turn.
            until = time.thread_time() + cpu_ms / 1000
            x = 0
            while time.thread_time() < until:
                for i in range(200):
                    x = (x * 1103515245 + 12345) % 2147483647
        body = b"done\n"
    else:
        body = b"ok\n"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body))), ("X-Cpdiag-Pid", str(os.getpid()))])
    return [body]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class ForkingWSGIServer(socketserver.ForkingMixIn, WSGIServer):
    # No cap: ForkingMixIn waits for children only when it has max_children; None-like high bound.
    max_children = 1 << 20


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class PoolWSGIServer(WSGIServer):
    """A fixed pool of threads takes accepted connections from an unbounded queue (as cheroot)."""

    def __init__(self, *args, threads=10, **kwargs):
        self.pool = ThreadPoolExecutor(max_workers=threads)
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address):
        self.pool.submit(self._serve, request, client_address)

    def _serve(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)


def make_wsgi_server(cls, host, port, listen, sock=None, **kw):
    server = cls((host, port), QuietHandler, bind_and_activate=False, **kw)
    server.request_queue_size = listen
    if sock is not None:
        # The master bound it: take it over, and set what server_bind would have (the WSGI environ).
        server.socket.close()
        server.socket = sock
        server.server_name, server.server_port = host, sock.getsockname()[1]
        server.setup_environ()
    else:
        server.allow_reuse_address = True
        server.server_bind()
        server.server_activate()
    server.set_app(app)
    return server


def serve_thread_pool(host, port, threads, listen, sock=None):
    try:
        from cheroot import wsgi  # noqa: F401
    except ImportError:
        wsgi = None
    if wsgi is not None:
        class SharedSocketServer(wsgi.Server):
            """cheroot's server on a socket the master bound (a pre-fork), else on its own."""

            def bind(self, family, type, proto=0):
                if sock is None:
                    return super().bind(family, type, proto)
                self.socket = sock
                self.bind_addr = sock.getsockname()
                return sock

            def prepare(self):
                super().prepare()
                if sock is not None:
                    # cheroot waits up to 1 s in accept() (its listener's settimeout(1)). On a
                    # socket shared by processes, all of them wake for each connection and the
                    # ones that lose the race wait out that second in accept(), their selector
                    # loop stalled — their kept-alive connections unanswered meanwhile (p99 about
                    # 200 ms and 30 req/s at 1-4 connections, I/O-bound). Non-blocking, the loser
                    # gets EAGAIN, which cheroot treats as "nothing to accept", and goes back to
                    # its loop, as a pre-fork server's workers do.
                    self.socket.settimeout(0)

        server = SharedSocketServer((host, port), app, numthreads=threads, request_queue_size=listen)
        print(f"thread-pool: cheroot {threads} threads, pid {os.getpid()}", file=sys.stderr, flush=True)
        server.safe_start()
        return
    print(f"thread-pool: ThreadPoolExecutor({threads}) (cheroot not installed), pid {os.getpid()}", file=sys.stderr, flush=True)
    make_wsgi_server(PoolWSGIServer, host, port, listen, sock, threads=threads).serve_forever()


def serve_process_pool(host, port, processes, threads, listen):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # What cheroot's own bind does (prepare_socket, nodelay=True), skipped when it is handed this
    # socket: without it every accepted connection (which inherits it) waits out Nagle's algorithm
    # against the client's delayed ACK, about 40 ms on a response written in two sends.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(listen)
    children = []
    for i in range(processes):
        pid = os.fork()
        if pid == 0:
            counters.take_slot(i)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                serve_thread_pool(host, port, threads, listen, sock)
            except BaseException:
                import traceback
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(0)
        children.append(pid)
    print(f"process-pool: {processes} processes x {threads} threads on one socket, master {os.getpid()}", file=sys.stderr, flush=True)

    def stop(*_):
        for c in children:
            try:
                os.kill(c, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for c in children:
            try:
                os.waitpid(c, 0)
            except ChildProcessError:
                pass
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        signal.pause()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=MODELS, default="thread-pool")
    p.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    p.add_argument("--threads", type=int, default=10)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--listen", type=int, default=128, help="listen backlog (socketserver's default is 5)")
    a = p.parse_args()
    global counters
    pooled = {"single": 1, "thread-pool": a.threads, "process-pool": a.threads}
    counters = Counters(a.processes if a.model == "process-pool" else 1, pooled.get(a.model))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if a.model == "single":
        make_wsgi_server(WSGIServer, a.host, a.port, a.listen).serve_forever()
    elif a.model == "fork-per-request":
        make_wsgi_server(ForkingWSGIServer, a.host, a.port, a.listen).serve_forever()
    elif a.model == "thread-per-request":
        make_wsgi_server(ThreadingWSGIServer, a.host, a.port, a.listen).serve_forever()
    elif a.model == "thread-pool":
        serve_thread_pool(a.host, a.port, a.threads, a.listen)
    else:
        serve_process_pool(a.host, a.port, a.processes, a.threads, a.listen)


if __name__ == "__main__":
    main()

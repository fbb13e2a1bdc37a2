"""A small CherryPy 18 application for cpdiag to measure, sweep and inspect.

Run with the system Python that has CherryPy installed:

    /usr/bin/python3 examples/cherrypy/app.py --port 8080 --thread-pool 10
    /usr/bin/python3 examples/cherrypy/app.py -c examples/cherrypy/app.conf

With -c/--config FILE the CherryPy config file is loaded as CherryPy applications load theirs
(cherrypy.config.update for [global], tree.mount(config=FILE) for the application sections);
flags given explicitly win over the file, and the file over the built-in defaults.

It prints "READY http://127.0.0.1:PORT" on stdout once the server listens (with --port 0
the kernel picks the port). Endpoints:
    /                 a short "ok"
    /work?io_ms=&cpu_ms=&fail=   sleeps io_ms (blocking I/O stand-in, releases the GIL), then
                      spins cpu_ms (holds the GIL), then answers; fail=SHARE (0..1) raises for that
                      share of /work requests (every 1/SHARE-th), which CherryPy answers 500
    /upload           POST: reads the body and answers its length
    /upstream?port=&path=  calls http://127.0.0.1:PORT/PATH (a slow dependency stand-in) and
                      answers the length of what it got; loopback only
    /leak/thread      starts a thread that waits forever (a leaked thread, parked like a worker)
    /leak/memory?kb=  keeps kb KiB per request (a cache that never evicts)
    /healthz          "ok" without touching anything else
    /cpstats/data     CherryPy's statistics as JSON (cherrypy.lib.cpstats), when available
"""
import argparse
import http.client
import json
import sys
import threading
import time

import cherrypy


class App:
    # /work requests seen, for fail=: the same even spread as the bundled server's (n-th fails
    # when floor((n + 1) * share) > floor(n * share)).
    _work_count = 0
    _work_lock = threading.Lock()

    @cherrypy.expose
    def index(self):
        return 'ok\n'

    @cherrypy.expose
    def healthz(self):
        return 'ok\n'

    @cherrypy.expose
    def work(self, io_ms='0', cpu_ms='0', fail='0'):
        share = min(1.0, max(0.0, float(fail)))
        with App._work_lock:
            n = App._work_count
            App._work_count += 1
        io_s = max(0.0, float(io_ms)) / 1000.0
        cpu_s = max(0.0, float(cpu_ms)) / 1000.0
        if io_s:
            time.sleep(io_s)
        if cpu_s:
            end = time.perf_counter() + cpu_s
            while time.perf_counter() < end:
                pass
        if share > 0 and int((n + 1) * share) > int(n * share):
            raise RuntimeError('fail=%s: this request fails on purpose' % fail)
        return 'done\n'

    @cherrypy.expose
    def upstream(self, port, path='/'):
        # Loopback only: a stand-in for a database or an API the handler waits on.
        conn = http.client.HTTPConnection('127.0.0.1', int(port), timeout=None)
        try:
            conn.request('GET', path if path.startswith('/') else '/' + path)
            body = conn.getresponse().read()
        finally:
            conn.close()
        return '%d\n' % len(body)

    @cherrypy.expose
    def upload(self):
        # Read the whole body so that slow uploads hold the worker, as a real handler would.
        body = cherrypy.request.body.read()
        return '%d\n' % len(body)


LEAKED = []
KEPT = []


class Leak:
    @cherrypy.expose
    def thread(self):
        never = threading.Event()
        t = threading.Thread(target=never.wait, daemon=True)
        t.start()
        LEAKED.append(t)
        return '%d\n' % len(LEAKED)

    @cherrypy.expose
    def memory(self, kb='64'):
        # Filled, so the pages are resident (a zeroed buffer may stay unbacked).
        KEPT.append(bytearray(b'\x01') * (max(0, int(kb)) * 1024))
        return '%d\n' % len(KEPT)


def mount_stats():
    """Mounts /cpstats with JSON output when cherrypy.lib.cpstats is importable."""
    try:
        from cherrypy.lib import cpstats
    except ImportError:
        return False

    class Stats(cpstats.StatsPage):
        @cherrypy.expose
        def data(self):
            s = cpstats.extrapolate_statistics(cherrypy.lib.cpstats.logging.statistics)
            cherrypy.response.headers['Content-Type'] = 'application/json'
            return json.dumps(s, default=str).encode('utf-8')

    cherrypy.tree.mount(Stats(), '/cpstats')
    return True


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('-c', '--config', help='a CherryPy config file ([global] server.* keys, application sections)')
    # No argparse defaults: a flag not given must not override the config file.
    p.add_argument('--host', help='server.socket_host [127.0.0.1]')
    p.add_argument('--port', type=int, help='server.socket_port [8080]; 0 picks a free port')
    p.add_argument('--thread-pool', type=int, help='server.thread_pool [10]')
    p.add_argument('--socket-timeout', type=float, help='server.socket_timeout [10]')
    p.add_argument('--socket-queue-size', type=int, help='server.socket_queue_size [5]')
    a = p.parse_args()
    cherrypy.config.update({
        'server.socket_host': '127.0.0.1',
        'server.socket_port': 8080,
        'server.thread_pool': 10,
        'server.socket_timeout': 10,
        'server.socket_queue_size': 5,
        'server.statistics': True,
        'engine.autoreload.on': False,
        'checker.on': False,
        'log.screen': False,
        'environment': 'production',
    })
    if a.config:
        cherrypy.config.update(a.config)
    flags = {
        'server.socket_host': a.host,
        'server.socket_port': a.port,
        'server.thread_pool': a.thread_pool,
        'server.socket_timeout': a.socket_timeout,
        'server.socket_queue_size': a.socket_queue_size,
    }
    cherrypy.config.update({k: v for k, v in flags.items() if v is not None})
    stats = mount_stats()
    root = App()
    root.leak = Leak()
    app = cherrypy.tree.mount(root, '/', config=a.config)
    if stats:
        # Count each request once (cheroot's own "Requests" counts a kept-alive connection's
        # requests again after each request, so it is no request count).
        app.merge({'/': {'tools.cpstats.on': True}})

    def announce():
        host, port = cherrypy.server.bound_addr[:2]
        sys.stdout.write('READY http://%s:%d%s\n' % (host, port, ' stats=/cpstats/data' if stats else ''))
        sys.stdout.flush()

    cherrypy.engine.subscribe('start', announce, priority=90)
    cherrypy.engine.signals.subscribe()
    cherrypy.engine.start()
    cherrypy.engine.block()


if __name__ == '__main__':
    main()

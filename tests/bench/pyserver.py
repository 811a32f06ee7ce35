#!/usr/bin/env python3
"""pyserver: the Python socketserver references of make bench.

    pyserver.py KIND FAMILY [PATH]

KIND is tcp, threading or forking; FAMILY is inet (127.0.0.1), inet6 (::1),
both on a port the kernel picks, or unix PATH. The classes are the standard
library's, as a user who comes from them writes them:

    tcp        socketserver.TCPServer             / UnixStreamServer
    threading  socketserver.ThreadingTCPServer    / ThreadingUnixStreamServer
    forking    socketserver.ForkingTCPServer      / ForkingUnixStreamServer

(Python 3.11 has no ForkingUnixStreamServer, added in 3.12: it is built the
way 3.12 builds it, ForkingMixIn + UnixStreamServer.) Defaults are kept except
request_queue_size = 1024 (the listen backlog; the default 5 would drop
connections under load) and allow_reuse_address; so ForkingMixIn keeps its
max_children = 40: beyond 40 open connections it waits for a child to finish.

The handler is a StreamRequestHandler that answers each line (or whatever
arrives without a newline, up to 64 KiB) upper-cased, until EOF. A connection
reset by the client ends it like EOF: the load generator closes TCP
connections with a RST (no TIME_WAIT), which socketserver would otherwise
report with a traceback per connection.

Prints the port (or the path) on one line, serves until SIGTERM, exits 0.
"""
import os
import signal
import socket
import socketserver
import sys

UPPER = bytes.maketrans(b"abcdefghijklmnopqrstuvwxyz", b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")


class Upper(socketserver.StreamRequestHandler):
    def handle(self):
        try:
            while True:
                line = self.rfile.readline(65536)
                if not line:
                    return
                self.wfile.write(line.translate(UPPER))
        except (ConnectionResetError, BrokenPipeError):
            return


class TCP6Server(socketserver.TCPServer):
    address_family = socket.AF_INET6


def classes():
    forking_unix = getattr(socketserver, "ForkingUnixStreamServer", None)
    if forking_unix is None:
        class forking_unix(socketserver.ForkingMixIn, socketserver.UnixStreamServer):
            pass
    return {
        ("tcp", "inet"): socketserver.TCPServer,
        ("threading", "inet"): socketserver.ThreadingTCPServer,
        ("forking", "inet"): socketserver.ForkingTCPServer,
        ("tcp", "inet6"): TCP6Server,
        ("threading", "inet6"): type("ThreadingTCP6Server", (socketserver.ThreadingMixIn, TCP6Server), {}),
        ("forking", "inet6"): type("ForkingTCP6Server", (socketserver.ForkingMixIn, TCP6Server), {}),
        ("tcp", "unix"): socketserver.UnixStreamServer,
        ("threading", "unix"): socketserver.ThreadingUnixStreamServer,
        ("forking", "unix"): forking_unix,
    }


def usage(status):
    print(__doc__.split("\n\n")[1].strip() if status else __doc__, file=sys.stderr if status else sys.stdout)
    sys.exit(status)


def main(argv):
    if len(argv) >= 2 and argv[1] in ("-h", "--help"):
        usage(0)
    if len(argv) < 3 or argv[1] not in ("tcp", "threading", "forking") \
            or argv[2] not in ("inet", "inet6", "unix") or len(argv) != (4 if argv[2] == "unix" else 3):
        usage(2)
    kind, family = argv[1], argv[2]
    base = classes()[(kind, family)]

    class Server(base):
        request_queue_size = 1024
        allow_reuse_address = True
        daemon_threads = True      # threading: exit without waiting for clients
        block_on_close = False     # nor for children or threads on server_close()

    if family == "unix":
        address = argv[3]
    else:
        address = ("127.0.0.1" if family == "inet" else "::1", 0)

    main_pid = os.getpid()

    class Stop(BaseException):
        pass

    def on_term(sig, frame):
        if os.getpid() != main_pid:
            os._exit(0)     # a forked child: end now
        raise Stop()

    signal.signal(signal.SIGTERM, on_term)
    try:
        server = Server(address, Upper)
    except OSError as e:
        print("pyserver: %s" % e, file=sys.stderr)
        return 1
    try:
        print(address if family == "unix" else server.server_address[1], flush=True)
        server.serve_forever()
    except Stop:
        pass
    finally:
        server.server_close()
        if family == "unix":
            try:
                os.unlink(address)
            except OSError:
                pass
        # forking: stop and reap the children still serving someone
        for pid in list(getattr(server, "active_children", None) or ()):
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

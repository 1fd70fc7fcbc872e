#!/usr/bin/python3
"""fastpoetry written with real Twisted, to measure beside the C++ server.

The same shape as part05-protocols/fastpoetry.cpp: a ServerFactory holds the
poem, read once; each connection's protocol writes it whole in connectionMade()
and calls loseConnection(), which closes once everything is sent. The same first
line, flushed at once, so bench/run reads the port the same way.

    bench/twisted_fastpoetry.py [--port P] [--iface HOST] [--quiet] POETRY_FILE

Exits 0 on SIGINT or SIGTERM (Twisted's reactor stops on them).
Needs Debian's python3-twisted (scripts/lib/deps.sh installs it).
"""
import argparse
import resource
import sys

from twisted.internet import protocol


class PoetryServeProtocol(protocol.Protocol):
    """Sends the poem to one client, then closes."""

    def connectionMade(self):
        if not self.factory.quiet:
            peer = self.transport.getPeer()
            print(f"Somebody at {peer.host}:{peer.port} wants poetry!", flush=True)
        self.transport.write(self.factory.poem)
        self.transport.loseConnection()


class PoetryServerFactory(protocol.ServerFactory):
    """Holds the poem every connection sends."""

    protocol = PoetryServeProtocol

    def __init__(self, poem, quiet):
        self.poem = poem
        self.quiet = quiet


def main():
    parser = argparse.ArgumentParser(
        description="Serves a poem at once to any number of clients, with Twisted, for bench/run.")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free one)")
    parser.add_argument("--iface", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--quiet", action="store_true", help="no line per client")
    parser.add_argument("poetry_file", metavar="POETRY_FILE")
    args = parser.parse_args()
    try:
        with open(args.poetry_file, "rb") as file:
            poem = file.read()
    except OSError as problem:
        print(f"twisted_fastpoetry: cannot read {args.poetry_file}: {problem.strerror}",
              file=sys.stderr)
        return 2

    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    from twisted.internet import reactor
    # fastpoetry's backlog, so thousands of clients connecting at once wait in it.
    port = reactor.listenTCP(args.port, PoetryServerFactory(poem, args.quiet),
                             backlog=8192, interface=args.iface)
    print(f"Serving {args.poetry_file} on port {port.getHost().port}.", flush=True)
    reactor.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())

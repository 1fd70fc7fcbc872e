#!/usr/bin/python3
"""Client 2.0 written with real Twisted, to measure beside the C++ clients.

The same shape as part05-protocols/get_poetry.cpp: a ClientFactory builds one
PoetryProtocol per connection; the protocol keeps its poem and hands it to the
factory when the connection ends; the factory keeps every whole poem and stops
the reactor after the last download. Like `protocol-get-poetry -q`, it prints
only the summary line (and one line per failure on stderr).

    bench/twisted_get_poetry.py [-q] ADDRESS...    ADDRESS is [HOST:]PORT

Needs Debian's python3-twisted (scripts/lib/deps.sh installs it).
"""
import argparse
import resource
import sys
import time

from twisted.internet import error, protocol


class PoetryProtocol(protocol.Protocol):
    """Keeps one poem; tells the factory when its connection has ended."""

    def __init__(self):
        self.chunks = []
        self.task_num = 0

    def dataReceived(self, data):
        self.chunks.append(data)

    def connectionLost(self, reason):
        self.factory.poem_finished(self.task_num, self.transport.getPeer(),
                                   b"".join(self.chunks), reason)


class PoetryClientFactory(protocol.ClientFactory):
    """Builds a PoetryProtocol per connection and keeps the score."""

    protocol = PoetryProtocol

    def __init__(self, count, reactor):
        self.remaining = count
        self.reactor = reactor
        self.next_task = 1
        self.poems = {}
        self.failed = 0

    def buildProtocol(self, address):
        proto = protocol.ClientFactory.buildProtocol(self, address)
        proto.task_num = self.next_task
        self.next_task += 1
        return proto

    def poem_finished(self, task_num, peer, poem, reason):
        if reason.check(error.ConnectionDone):
            self.poems[task_num] = poem
        else:
            print(f"Lost poem from {peer.host}:{peer.port} after {len(poem)} bytes "
                  f"({reason.getErrorMessage()})", file=sys.stderr)
            self.failed += 1
        self.count_down()

    def clientConnectionFailed(self, connector, reason):
        destination = connector.getDestination()
        print(f"Failed to connect to: {destination.host}:{destination.port} "
              f"({reason.getErrorMessage()})", file=sys.stderr)
        self.failed += 1
        self.count_down()

    def count_down(self):
        self.remaining -= 1
        if self.remaining == 0:
            self.reactor.stop()


def parse_address(text):
    host, _, port = text.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"bad address {text!r}: want [HOST:]PORT, PORT 1..65535")
    return host, int(port)


def elapsed_text(seconds):
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    return f"{hours}:{minutes:02d}:{seconds:09.6f}"


def main():
    parser = argparse.ArgumentParser(
        description="Downloads poems at the same time with Twisted (client 2.0's shape), "
                    "for bench/run.")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="accepted for the C++ clients' sake: only the summary is printed anyway")
    parser.add_argument("addresses", nargs="+", type=parse_address, metavar="ADDRESS",
                        help="[HOST:]PORT of a poetry server")
    args = parser.parse_args()

    # One descriptor per download, as the C++ clients raise their own limit.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    from twisted.internet import reactor
    factory = PoetryClientFactory(len(args.addresses), reactor)
    start = time.monotonic()
    for host, port in args.addresses:
        reactor.connectTCP(host, port, factory)
    reactor.run()
    summary = f"Got {len(factory.poems)} poems in {elapsed_text(time.monotonic() - start)}"
    if factory.failed:
        summary += f" ({factory.failed} failed)"
    print(summary)
    return 1 if factory.failed else 0


if __name__ == "__main__":
    sys.exit(main())

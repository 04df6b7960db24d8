"""A TCP proxy for tests that can go half-open: paused, it keeps every connection open
and reads what the client sends, but forwards nothing either way (what a dead NAT entry
or a stalled peer looks like to the client: no error, no answer). Cut, it drops every
connection and closes each new one at once (a server gone away) until restored. With a
latency, every chunk waits that long before it is forwarded, each way (a slow link); a
target that refuses is passed on as a connection closed at once. chaos/ drives the same
three faults (stall = pause, cut, latency) under load."""
import socket
import threading
import time


class HalfOpenProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.paused = threading.Event()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(16)
        self.port = self._server.getsockname()[1]
        self.connections = 0
        self.refusing = False
        self.latency = 0.0   # seconds each chunk is held, each way
        self._closed = False
        self._sockets: list[socket.socket] = []
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def pause(self) -> None:
        self.paused.set()

    def resume(self) -> None:
        self.paused.clear()

    def cut(self) -> None:
        self.refusing = True
        sockets, self._sockets = self._sockets, []
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def restore(self) -> None:
        self.refusing = False

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if self.refusing:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:   # the target is away: the client sees its connection closed
                client.close()
                continue
            self.connections += 1
            self._sockets += [client, upstream]
            for pair in ((client, upstream), (upstream, client)):
                thread = threading.Thread(target=self._pump, args=pair, daemon=True)
                thread.start()
                self._threads.append(thread)

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                while self.paused.is_set() and not self._closed:
                    time.sleep(0.05)   # hold it: the peer hears nothing, the socket stays open
                if self.latency:
                    time.sleep(self.latency)
                dst.sendall(data)
        except (OSError, EOFError):  # eventlet raises EOFError on a socket closed under it
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        # Shut sockets down (which wakes their readers) and let the owning threads finish:
        # closing a socket another green thread waits on confuses eventlet's hub.
        self._closed = True
        for s in [self._server, *self._sockets]:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in self._threads:
            thread.join(timeout=5)
        for s in [self._server, *self._sockets]:
            s.close()

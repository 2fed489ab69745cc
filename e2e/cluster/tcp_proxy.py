"""A TCP proxy on loopback that a test can cut: the network between one node and PostgreSQL.

    proxy = CuttableProxy(upstream_port); proxy.start()   # node connects to 127.0.0.1:proxy.port
    proxy.blackhole()   # a partition: bytes stop flowing both ways, new connections are accepted and then hang
    proxy.heal()        # the partition ends: connections from before it are broken (as after a long one), new ones work

stdlib only.
"""
import socket
import threading


class CuttableProxy:
    def __init__(self, upstream_port, upstream_host="127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.flowing = threading.Event()
        self.flowing.set()
        self.pairs = []  # (client, server) sockets of every connection since the last heal
        self.closed = False

    def start(self):
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def blackhole(self):
        self.flowing.clear()

    def heal(self):
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for sock in pair:
                self._close(sock)
        self.flowing.set()

    def close(self):
        self.closed = True
        self._close(self.listener)
        self.heal()

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client):
        # During a partition the connection is accepted (the kernel did that) but nothing reaches the server.
        self.flowing.wait()
        try:
            server = socket.create_connection(self.upstream, timeout=5)
            server.settimeout(None)
        except OSError:
            self._close(client)
            return
        with self.lock:
            self.pairs.append((client, server))
        threading.Thread(target=self._pump, args=(client, server), daemon=True).start()
        threading.Thread(target=self._pump, args=(server, client), daemon=True).start()

    def _pump(self, source, target):
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if not data:
                self._close(source)
                self._close(target)
                return
            # Bytes read during a partition are lost with the connection: heal() breaks it.
            self.flowing.wait()
            try:
                target.sendall(data)
            except OSError:
                self._close(source)
                return

    @staticmethod
    def _close(sock):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            sock.close()
        except OSError:
            pass

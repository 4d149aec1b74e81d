"""A raw HTTP/2 client for hostile-input tests: it speaks gRPC's framing by hand (with
the `h2` state machine), so a test can send what no well-behaved gRPC client sends
(a length prefix that lies, a stream reset mid-message, thousands of idle streams)
and can stop reading replies altogether."""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import dataclass, field

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings


def grpc_frame(payload: bytes, *, claimed_length: int | None = None) -> bytes:
    """One gRPC message: uncompressed flag, 4-byte big-endian length, payload."""
    n = len(payload) if claimed_length is None else claimed_length
    return b"\x00" + struct.pack(">I", n) + payload


@dataclass
class StreamState:
    headers: dict[str, str] = field(default_factory=dict)
    data: bytearray = field(default_factory=bytearray)
    trailers: dict[str, str] = field(default_factory=dict)
    reset: bool = False
    ended: bool = False

    @property
    def grpc_status(self) -> int | None:
        value = self.trailers.get("grpc-status") or self.headers.get("grpc-status")
        return int(value) if value is not None else None

    def messages(self) -> list[bytes]:
        out, buf = [], bytes(self.data)
        while len(buf) >= 5:
            n = struct.unpack(">I", buf[1:5])[0]
            if len(buf) < 5 + n:
                break
            out.append(buf[5 : 5 + n])
            buf = buf[5 + n :]
        return out


class H2Client:
    """One HTTP/2 connection to a gRPC server on loopback.

    With `read_replies=False` it never returns flow-control credit for what the server
    sends, like a client that stopped reading."""

    def __init__(self, address: str, *, read_replies: bool = True, window: int = 65_535) -> None:
        host, port = address.rsplit(":", 1)
        self.authority = address
        self.sock = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        config = h2.config.H2Configuration(client_side=True, header_encoding="utf-8")
        self.conn = h2.connection.H2Connection(config=config)
        self.conn.local_settings = h2.settings.Settings(
            client=True,
            initial_values={
                h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: window,
                h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: 100_000,
            },
        )
        self.conn.initiate_connection()
        self.read_replies = read_replies
        self.streams: dict[int, StreamState] = {}
        self.closed = False
        #: The server's GOAWAY (error code, debug data), if it sent one.
        self.terminated: tuple[object, bytes | None] | None = None
        self.flush()

    def flush(self) -> None:
        data = self.conn.data_to_send()
        if data and not self.closed:
            try:
                self.sock.sendall(data)
            except OSError:  # the server closed the connection (it may: GOAWAY)
                self.closed = True

    def open(self, path: str, metadata: tuple[tuple[str, str], ...] = ()) -> int:
        """Opens a gRPC call (HEADERS, no END_STREAM); returns the stream id."""
        sid = self.conn.get_next_available_stream_id()
        headers = [
            (":method", "POST"),
            (":scheme", "http"),
            (":path", path),
            (":authority", self.authority),
            ("content-type", "application/grpc"),
            ("te", "trailers"),
            *metadata,
        ]
        self.conn.send_headers(sid, headers)
        self.streams[sid] = StreamState()
        return sid

    def send(self, sid: int, data: bytes, *, end: bool = False) -> None:
        self.conn.send_data(sid, data, end_stream=end)

    def end(self, sid: int) -> None:
        self.conn.end_stream(sid)

    def reset(self, sid: int) -> None:
        self.conn.reset_stream(sid, error_code=h2.errors.ErrorCodes.CANCEL)

    def send_window(self, sid: int) -> int:
        """How many bytes flow control lets us send on `sid` now."""
        return min(self.conn.local_flow_control_window(sid), self.conn.max_outbound_frame_size)

    def pump(self, seconds: float) -> None:
        """Reads and handles what the server sends for up to `seconds`."""
        end = time.monotonic() + seconds
        while not self.closed:
            left = end - time.monotonic()
            if left <= 0:
                return
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(1 << 16)
            except TimeoutError:
                return
            except OSError:
                self.closed = True
                return
            if not chunk:
                self.closed = True
                return
            try:
                events = self.conn.receive_data(chunk)
            except h2.exceptions.ProtocolError:
                self.closed = True
                return
            for ev in events:
                self._handle(ev)
            self.flush()

    def wait(self, sid: int, seconds: float = 10.0) -> StreamState:
        """Pumps until stream `sid` has ended (or `seconds` pass)."""
        end = time.monotonic() + seconds
        while not self.streams[sid].ended and not self.closed and time.monotonic() < end:
            self.pump(min(0.2, end - time.monotonic()))
        return self.streams[sid]

    def _handle(self, ev: h2.events.Event) -> None:
        sid = getattr(ev, "stream_id", None)
        st = self.streams.get(sid) if sid else None
        if isinstance(ev, h2.events.ResponseReceived) and st is not None:
            st.headers.update(dict(ev.headers))
        elif isinstance(ev, h2.events.TrailersReceived) and st is not None:
            st.trailers.update(dict(ev.headers))
        elif isinstance(ev, h2.events.DataReceived) and st is not None:
            st.data += ev.data
            if self.read_replies:
                self.conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
        elif isinstance(ev, h2.events.StreamEnded) and st is not None:
            st.ended = True
        elif isinstance(ev, h2.events.StreamReset) and st is not None:
            st.reset = st.ended = True
        elif isinstance(ev, h2.events.ConnectionTerminated):
            self.closed = True
            self.terminated = (ev.error_code, ev.additional_data)

    def close(self) -> None:
        try:
            self.conn.close_connection()
            self.flush()
        except Exception:
            pass
        self.sock.close()

#!/usr/bin/env python3
"""Writes the fuzz harnesses' seed corpora (tests/fuzz/corpus/NAME/seed-*).

Run from the project root; the netlink seeds are what this machine's kernel
answers to the dumps netlink-query makes (links, addresses, routes, sockets,
generic families), so they hold real attribute layouts. The crash-* inputs
beside them are the regression inputs and are not written here.
"""
import os
import socket
import struct

OPTS = b"\x00"          # fuzz_trace_opts: -s 32, no -x, no -v
OPTS_V = b"\x04"        # -v

def put(name, seed, data):
    d = os.path.join("tests/fuzz/corpus", name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + seed), "wb") as f:
        f.write(data)

def nlmsg(mtype, flags, seq, payload):
    return struct.pack("=IHHII", 16 + len(payload), mtype, flags, seq, 0) + payload

def dump(proto, mtype, payload):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
    s.bind((0, 0))
    s.send(nlmsg(mtype, 0x301, 1, payload))   # NLM_F_REQUEST|NLM_F_DUMP
    out = []
    while True:
        d = s.recv(65536)
        out.append(d)
        if len(d) >= 16 and struct.unpack_from("=H", d, 4)[0] in (2, 3):   # ERROR, DONE
            break
        if len(out) > 4:
            break
    s.close()
    return out

# ---- sockaddr
put("sockaddr", "inet", OPTS + struct.pack("=H", 2) + struct.pack("!H", 2345) + socket.inet_aton("127.0.0.1") + bytes(8))
in6 = struct.pack("=H", 10) + struct.pack("!HI", 2345, 0) + socket.inet_pton(socket.AF_INET6, "fe80::1")
put("sockaddr", "inet6-28", OPTS + in6 + struct.pack("=I", 1))
put("sockaddr", "inet6-24", OPTS + in6)
put("sockaddr", "unix-path", OPTS + struct.pack("=H", 1) + b"/tmp/sockfam.sock\0")
put("sockaddr", "unix-abstract", OPTS_V + struct.pack("=H", 1) + b"\0name")
put("sockaddr", "unix-unnamed", OPTS + struct.pack("=H", 1))
put("sockaddr", "netlink", OPTS + struct.pack("=HHII", 16, 0, 1234, 0x555))
put("sockaddr", "packet", b"\x01" + struct.pack("=H", 17) + bytes(range(18)))

# ---- netlink: byte 2 picks the protocol (0 route, 1 sock_diag, 2 generic, 3 other)
ifinfo = struct.pack("=BxHiII", 0, 0, 0, 0, 0)
for i, d in enumerate(dump(socket.NETLINK_ROUTE, 18, ifinfo)[:2]):   # RTM_GETLINK
    put("netlink", "route-links-%d" % i, OPTS_V + b"\x00" + d)
for i, d in enumerate(dump(socket.NETLINK_ROUTE, 22, struct.pack("=BBBBi", 0, 0, 0, 0, 0))[:2]):   # RTM_GETADDR
    put("netlink", "route-addrs-%d" % i, OPTS + b"\x00" + d)
for i, d in enumerate(dump(socket.NETLINK_ROUTE, 26, bytes(12))[:2]):   # RTM_GETROUTE
    put("netlink", "route-routes-%d" % i, OPTS + b"\x00" + d)
put("netlink", "route-neigh-req", OPTS + b"\x00" + nlmsg(30, 0x301, 1, bytes(12)))
inet_req = struct.pack("=BBBBI", 2, 6, 0, 0, 0xffffffff) + bytes(48)
put("netlink", "diag-inet-req", OPTS + b"\x01" + nlmsg(20, 0x301, 1, inet_req))
for i, d in enumerate(dump(4, 20, inet_req)[:1]):   # NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY
    put("netlink", "diag-inet-%d" % i, OPTS_V + b"\x01" + d)
unix_req = struct.pack("=BBHIIII", 1, 0, 0, 0xffffffff, 0, 0x1f, 0) + bytes(4)
for i, d in enumerate(dump(4, 20, unix_req)[:1]):
    put("netlink", "diag-unix-%d" % i, OPTS + b"\x01" + d)
genl = struct.pack("=BBH", 3, 1, 0)   # CTRL_CMD_GETFAMILY
for i, d in enumerate(dump(16, 16, genl)[:1]):
    put("netlink", "generic-%d" % i, OPTS + b"\x02" + d)
err = struct.pack("=i", -22) + struct.pack("=IHHII", 20, 18, 5, 1, 0) + bytes(4)
put("netlink", "error-ext-ack", OPTS + b"\x00" + nlmsg(2, 0x200, 1, err + struct.pack("=HH", 12, 1) + b"bad\0\0\0\0\0"))
put("netlink", "done", OPTS + b"\x03" + nlmsg(3, 2, 1, struct.pack("=i", 0)))

# ---- msghdr: opts, how, namelen, name, iov0 len/4, iov0, controllen, control, iov1
rights = struct.pack("=Qii", 20, 1, 1) + struct.pack("=i", 3) + bytes(4)
creds = struct.pack("=Qii", 28, 1, 2) + struct.pack("=iII", 1, 1000, 1000) + bytes(4)
name = struct.pack("=H", 1) + b"/tmp/s\0"
put("msghdr", "rights", OPTS + b"\x00" + bytes([len(name)]) + name + b"\x01abcd" + bytes([len(rights)]) + rights + b"hello")
put("msghdr", "creds-2iov", OPTS + b"\x04" + bytes([len(name)]) + name + b"\x01abcd" + bytes([len(creds) + len(rights)]) + creds + rights + b"world")
nl_name = struct.pack("=HHII", 16, 0, 0, 0)
put("msghdr", "netlink", OPTS + b"\x01" + bytes([len(nl_name)]) + nl_name + b"\x00" + b"\x00" + nlmsg(16, 2, 1, bytes(4)))

# ---- sockopt: opts, level index, name
put("sockopt", "int", OPTS + b"\x00\x02" + struct.pack("=i", 1))
put("sockopt", "linger", OPTS + b"\x00\x0d" + struct.pack("=ii", 1, 0))
put("sockopt", "peercred", OPTS + b"\x00\x11" + struct.pack("=iII", 1, 0, 0))
put("sockopt", "timeo", OPTS + b"\x00\x14" + struct.pack("=qq", 2, 0))

# ---- frame: how (framing, limit), up to 8 piece sizes, the bytes
put("frame", "line", b"\x00" + bytes([3, 1, 7, 2, 0, 5, 9, 4]) + b"hello\nsockets\xffside by side\n")
put("frame", "length", b"\x02" + bytes([0, 1, 2, 3, 4, 5, 6, 7]) + b"\x00\x00\x00\x05hello\xffone")
put("frame", "length-limit", b"\x0a" + bytes([8, 8, 8, 8, 8, 8, 8, 8]) + b"\x00\x00\x00\x05hello")
put("frame", "none", b"\x01" + bytes([1, 2, 3, 4, 5, 6, 7, 8]) + b"whatever one read returned")

# ---- upload, cmd, chat
put("upload", "ok", b"UPLOAD 12 notes.txt")
put("upload", "dotdot", b"UPLOAD 3 ../../etc/passwd")
put("upload", "bad-size", b"UPLOAD 99999999999999999999 x")
for seed, line in (("date", b"date -u"), ("seq", b"seq 1 2 10"), ("help", b"help"),
                   ("shell", b"date; rm -rf ~"), ("cat", b"cat /proc/loadavg"), ("echo", b"echo a b c")):
    put("cmd", seed, line)
put("chat", "line", b"\x00hello everyone")
put("chat", "quit", b"\x00/quit \r")
put("chat", "keyboard", b"\x01server says hi")

# ---- the four defects issue 11 found (regression inputs: crash-*)
def crash(name, seed, data):
    d = os.path.join("tests/fuzz/corpus", name)
    with open(os.path.join(d, "crash-" + seed), "wb") as f:
        f.write(data)

# an nlmsg_len of 0xfffffffd aligns to 0 in 32 bits: the walk never moved on (-v: no cut-off)
crash("netlink", "nlmsg-len-wraps", OPTS_V + b"\x00" + struct.pack("=IHHII", 0xfffffffd, 16, 0, 1, 0) + bytes(16))
# NLMSG_ERROR with error = INT_MIN: -error overflowed
crash("netlink", "error-int-min", OPTS + b"\x00" + nlmsg(2, 0, 1, struct.pack("=i", -2**31) + nlmsg(18, 1, 1, b"")))
# an AF_INET6 sockaddr of 25 bytes: sin6_scope_id was read past its end
crash("sockaddr", "inet6-25-bytes", OPTS + in6 + b"\x01")
# a cmsg_len past the control buffer: its data was read past the end
big = struct.pack("=Qii", 4096, 1, 1) + struct.pack("=i", 3)
crash("msghdr", "cmsg-len-past-end", OPTS + b"\x00" + bytes([len(name)]) + name + b"\x01abcd" + bytes([len(big)]) + big + b"x")

# ---- nlrows: the netlink seeds without the trace-options byte (byte 1 picks the protocol)
src = "tests/fuzz/corpus/netlink"
for f in sorted(os.listdir(src)):
    if f.startswith("seed-"):
        with open(os.path.join(src, f), "rb") as fh:
            put("nlrows", f[len("seed-"):], fh.read()[1:])

# ---- upload: the server's answers, as the client reads them
put("upload", "answer-ok", b"OK 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
put("upload", "answer-error", b"error: the name holds a '/'")

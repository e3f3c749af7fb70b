#!/usr/bin/env python3
# A hostile fake Docker daemon for checking boxtrace by hand (docs/hostile.md):
#   python3 scripts/hostile-docker.py /tmp/h.sock MODE   then   DOCKER_HOST=unix:///tmp/h.sock boxtrace tree
# MODE: silent headers-stall trickle ping-garbage events-flood events-longline huge-chunked huge-nolength
#       invalid-json nested-json nested-json-small huge-numbers evil-error evil-names slow
import os, socket, sys, threading, time, json
sock, mode = sys.argv[1], sys.argv[2]
try: os.unlink(sock)
except FileNotFoundError: pass
s = socket.socket(socket.AF_UNIX); s.bind(sock); s.listen(64)
held = []
def reply(c, status, body, ctype='application/json', extra=''):
    c.sendall(f'HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nApi-Version: 1.43\r\nContent-Length: {len(body)}\r\n{extra}\r\n'.encode() + body)
def handle(c):
    req = b''
    while b'\r\n\r\n' not in req:
        d = c.recv(4096)
        if not d: return
        req += d
    path = req.split(b' ')[1].decode()
    sys.stderr.write(f'{mode} {path}\n')
    if path == '/_ping' and mode not in ('silent', 'headers-stall', 'trickle', 'ping-garbage'):
        reply(c, '200 OK', b'OK', 'text/plain'); c.close(); return
    if mode == 'silent':
        held.append(c); return
    if mode == 'headers-stall':
        c.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n'); held.append(c); return
    if mode == 'trickle':
        msg = b'HTTP/1.1 200 OK\r\nApi-Version: 1.43\r\nX-Pad: ' + b'a' * 100000
        try:
            for b in msg:
                c.send(bytes([b])); time.sleep(1)
        except OSError: pass
        return
    if mode == 'ping-garbage':
        c.sendall(b'\x1b[2J\x1b]0;pwned\x07FAKE\nboxtrace: all good\r\n\x00\x00'); c.close(); return
    if '/events' in path:
        if mode == 'events-flood':
            c.sendall(b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')
            ev = json.dumps({"Type":"container","Action":"start","Actor":{"ID":"x"*64,"Attributes":{"name":"n","image":"i"}}}).encode()+b'\n'
            import itertools
            try:
                for k in itertools.count():
                    chunk = b''.join(json.dumps({"Type":"container","Action":"start","Actor":{"ID":"%064x" % (k*1000+j),"Attributes":{"name":"n"*200,"image":"i"*200,"l":"v"*500}}}).encode()+b'\n' for j in range(1000))
                    c.sendall(b'%x\r\n' % len(chunk) + chunk + b'\r\n')
            except OSError: return
        if mode == 'events-longline':
            c.sendall(b'HTTP/1.1 200 OK\r\n\r\n')
            try:
                while True: c.sendall(b'[' * 65536)
            except OSError: return
        held.append(c); c.sendall(b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'); return
    if mode == 'huge-chunked':
        c.sendall(b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')
        chunk = b'{"a":"' + b'x' * (1 << 20)
        try:
            for i in range(1024): c.sendall(b'%x\r\n' % len(chunk) + chunk + b'\r\n')
        except OSError: pass
        c.close(); return
    if mode == 'huge-nolength':
        c.sendall(b'HTTP/1.1 200 OK\r\n\r\n')
        try:
            for i in range(1024): c.sendall(b'x' * (1 << 20))
        except OSError: pass
        c.close(); return
    if mode == 'invalid-json':
        reply(c, '200 OK', b'{"Id": "abc", "Name": "/x\x1b[2J' + b'\xff\xfe' + b'", "Config": {'); c.close(); return
    if mode == 'nested-json':
        reply(c, '200 OK', b'[' * 1_500_000 + b']' * 1_500_000); c.close(); return
    if mode == 'nested-json-small':
        reply(c, '200 OK', b'{"Name":"/a","Config":{"Labels":' + b'{"a":' * 2000 + b'1' + b'}' * 2000 + b'}}'); c.close(); return
    if mode == 'huge-numbers':
        body = ('{"Id":"' + path.split('/')[3] + '","Name":"/bt-hostile-num","State":{"Pid":' + '9'*5000 + '},"Config":{"Image":"img' + '1e999999999' + '","Labels":{"n":' + '1'*100000 + '}}}').encode()
        reply(c, '200 OK', body); c.close(); return
    if mode == 'evil-error':
        body = json.dumps({"message": "no such container\x1b[2J\x1b]0;pwned\x07\nboxtrace trace: all good\u202e\u200b\x00"}).encode()
        reply(c, '500 \x1b[31mInternal\x1b[0m Error', body); c.close(); return
    if mode == 'slow':
        time.sleep(1)  # answers, but later than boxtrace's 300 ms wait for a name
        cid = path.split('/')[3]
        reply(c, '200 OK', json.dumps({"Id": cid, "Name": "/bt-hostile-slowname", "Config": {"Image": "img"}}).encode()); c.close(); return
    if mode == 'evil-names':
        cid = path.split('/')[3]
        body = json.dumps({"Id": cid, "Name": "/bt-hostile\x1b[2J\nFAKE ROW\u202eevil\u200b", "Config": {"Image": "img\x1b]0;pwned\x07\n\u2066x", "Labels": {"k\x1b[31m": "v\n\x00"}}, "State": {"Pid": 1}}).encode()
        reply(c, '200 OK', body); c.close(); return
    reply(c, '404 Not Found', b'{"message":"nope"}'); c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()

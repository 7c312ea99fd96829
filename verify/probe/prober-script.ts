/**
 * The prober: a small Python 3 program the control node runs inside a server
 * (over SSH, script on stdin) or in the outside namespace. It gets its probes
 * as base64 JSON in argv[1] ([{id, protocol, address, port?, source?}]), runs
 * them in parallel and prints {id: outcome} as JSON. Outcomes: open (a
 * connection or an answer), refused (the destination itself said no: the
 * packet arrived), timeout (silence: dropped on the way), unreachable (no
 * route), or "error: ..." (could not probe). Python 3 is on every Hetzner
 * image and in the local cloud's Debian.
 */
export const PROBER_PY = String.raw`
import base64, errno, json, socket, subprocess, sys
from concurrent.futures import ThreadPoolExecutor
probes = json.loads(base64.b64decode(sys.argv[1]))
T = float(sys.argv[2])
def fam(a): return socket.AF_INET6 if ':' in a else socket.AF_INET
def failed(e):
    if isinstance(e, socket.timeout): return 'timeout'
    if isinstance(e, ConnectionRefusedError): return 'refused'
    if getattr(e, 'errno', None) in (errno.EHOSTUNREACH, errno.ENETUNREACH): return 'unreachable'
    return 'error: ' + str(e)
def sock(p, kind):
    s = socket.socket(fam(p['address']), kind)
    s.settimeout(T)
    if p.get('source'): s.bind((p['source'], 0))
    return s
def tcp(p):
    s = None
    try:
        s = sock(p, socket.SOCK_STREAM)
        s.connect((p['address'], p['port']))
        return 'open'
    except OSError as e: return failed(e)
    finally:
        if s: s.close()
def udp(p):
    s = None
    try:
        s = sock(p, socket.SOCK_DGRAM)
        s.connect((p['address'], p['port']))
        s.send(b'probe\n')
        s.recv(512)
        return 'open'
    except OSError as e: return failed(e)
    finally:
        if s: s.close()
def icmp(p):
    cmd = ['ping', '-n', '-c', '1', '-W', str(max(1, int(T + 0.5)))]
    if p.get('source'): cmd += ['-I', p['source']]
    try:
        r = subprocess.run(cmd + [p['address']], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=T + 3)
    except Exception as e: return 'error: ' + str(e)
    if r.returncode == 0: return 'open'
    if r.returncode == 1: return 'timeout'
    err = r.stderr.decode(errors='replace')
    if 'Network is unreachable' in err or 'No route to host' in err: return 'unreachable'
    return 'error: ping: ' + r.stderr.decode(errors='replace').strip()[:200]
def one(p): return p['id'], {'tcp': tcp, 'udp': udp, 'icmp': icmp}[p['protocol']](p)
with ThreadPoolExecutor(max_workers=32) as pool:
    print(json.dumps(dict(pool.map(one, probes))))
`;

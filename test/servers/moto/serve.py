"""moto's S3 server for the aiofs tests, its writes made atomic.

moto 5.2.5 checks a conditional write (If-None-Match: *, If-Match) and then stores the object in
two steps, on several threads at once: two concurrent `If-None-Match: *` PUTs of one key can both
succeed (about 1 round in 100 with 8 writers). S3 itself guarantees that only one does. This runs
the same moto application and server as `moto_server`, but lets one mutating request (PUT, POST,
DELETE) run at a time, so that moto keeps the promise S3 makes; reads stay concurrent.

Usage: python serve.py HOST PORT
"""

import io
import os
import signal
import sys
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple
from werkzeug.wsgi import get_input_stream

MUTATING = {"PUT", "POST", "DELETE"}


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    writes = threading.Lock()

    def serialized(environ, start_response):
        if environ.get("REQUEST_METHOD") not in MUTATING:
            return app(environ, start_response)
        # The body is read before the lock: a client that stalls or goes away mid-body must not
        # hold every other writer up (werkzeug's reads have no timeout).
        body = get_input_stream(environ).read()
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        # whole and de-chunked: read as it is, whatever Content-Length or Transfer-Encoding said
        environ["wsgi.input_terminated"] = True
        with writes:
            # The whole answer is made inside the lock: the check and the store are one step.
            return list(app(environ, start_response))

    run_simple(host, port, serialized, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()

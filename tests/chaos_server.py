"""The app in a process of its own, so that the chaos test can kill and restart it mid-run.

    python tests/chaos_server.py <database url> <instance path> <port> [<app version>]

With a version, the server presents itself as that deploy (a new service worker for the phones).
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.serving import make_server

from server import create_app
from server.config import TestConfig
from server.pwa.views import shell_assets

if __name__ == "__main__":
    database_url, instance, port = sys.argv[1:4]
    app = create_app(TestConfig(database_url, instance_path=Path(instance), LOGIN_LIMIT_PER_ADDRESS="1000 per minute"))
    if len(sys.argv) > 4:
        with app.app_context():
            app.extensions["lobbypad_shell_assets"] = dataclasses.replace(shell_assets(), version=sys.argv[4])
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", int(port), app, threaded=True)
    print("ready", flush=True)
    server.serve_forever()

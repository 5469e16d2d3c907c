"""JupyterHub configuration of the local course hub (``make hub``, ``make test-hub``,
bench/bench_hub.py).

A real JupyterHub on 127.0.0.1 for trying the course as a class would, on one machine: any user
name logs in without a password (DummyAuthenticator), and each student's JupyterLab runs as a local
process (SimpleLocalProcessSpawner) with its own home folder under the hub's working folder. The
students' environment is the hub's own (``.hub/venv``: requirements.txt, requirements-hub.txt,
gradlib, binder/overrides.json), i.e. the image a real hub would use. NOT for a real class: there is
no isolation between users. For a class, see the README (Zero to JupyterHub on Kubernetes).

``scripts/local_hub.py`` starts it with these environment variables:

GRADLIB_HUB_DIR        working folder: database, cookie secret, proxy pid, homes/<user>
GRADLIB_HUB_PORT       the public port on 127.0.0.1 (the proxy)
GRADLIB_HUB_API_PORT   the hub's own port (internal)
GRADLIB_HUB_PROXY_API  the proxy's REST API port (internal)
GRADLIB_HUB_PROXY      the configurable-http-proxy command (.hub/node_modules/.bin/...)
GRADLIB_HUB_TOKEN      optional: an API token with the rights to create users and start servers
GRADLIB_HUB_SPAWNER_ARGS  optional: JSON list of extra arguments for each student's server
"""

import json
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (JupyterHub provides it)

work = Path(os.environ["GRADLIB_HUB_DIR"])
bin_dir = Path(sys.executable).parent  # the hub's environment is the students' environment

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ.get("GRADLIB_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("GRADLIB_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = (
    f"http://127.0.0.1:{os.environ.get('GRADLIB_HUB_PROXY_API', '8001')}"
)
c.ConfigurableHTTPProxy.command = [os.environ.get("GRADLIB_HUB_PROXY", "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(work / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{work / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(work / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(work / "jupyterhub.pid")

c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True  # any name logs in: a local trial, not a class

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(work / "homes" / "{username}")
c.Spawner.cmd = [str(bin_dir / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL"]  # not PYTHONPATH: gradlib comes from the image
c.Spawner.args = json.loads(os.environ.get("GRADLIB_HUB_SPAWNER_ARGS", "[]"))
if os.geteuid() == 0:  # containers and CI run as root
    c.Spawner.args.append("--ServerApp.allow_root=True")
# Two cores starting ten students' servers at once: give them time.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180

token = os.environ.get("GRADLIB_HUB_TOKEN")
if token:
    c.JupyterHub.services = [{"name": "course-admin", "api_token": token}]
    c.JupyterHub.load_roles = [
        {
            "name": "course-admin",
            "scopes": [
                "admin:users",
                "admin:servers",
                "access:servers",
                "list:users",
                "read:users",
            ],
            "services": ["course-admin"],
        }
    ]

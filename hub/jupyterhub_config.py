# JupyterHub settings for a room taking the course: load this from your hub's own config
# (load_subconfig("hub/jupyterhub_config.py")), which adds the authenticator, the spawner and the addresses.
# The figures behind each setting come from hub/load_test.py (see docs/classroom.md, "Sizing").
import sys

c = get_config()  # noqa: F821 - JupyterHub's config loader provides it

# A room starts together: ten servers starting at once on 2 shared cores took 24-29 s to answer, and 47-52 s
# with busier neighbours, when JupyterHub's default http_timeout (30 s) killed all ten. Give starts the time they need.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300

# Per learner, measured: about 390 MiB with lesson 01 running (server 133 MiB, kernel 257 MiB), 634 MiB with the
# lesson and its exercise notebook; each further open notebook adds a kernel of about 250 MiB (1.2 GiB with four).
# Guarantee the common case, cap the heavy one (container spawners such as KubeSpawner and DockerSpawner enforce
# these; a local process spawner ignores them).
c.Spawner.mem_guarantee = "640M"
c.Spawner.mem_limit = "1536M"
# Starting a server and running lesson 01 and its exercises costs about 8 CPU-seconds, most of it the start; the
# lessons are light after that, except lesson 06, which measures copies and wants a whole core for steady figures.
c.Spawner.cpu_guarantee = 0.25
c.Spawner.cpu_limit = 1.0

c.Spawner.default_url = "/lab"
# Kernels left idle for 30 min are shut down (each holds about 250 MiB); the learner re-runs the cells.
c.Spawner.args = [
    "--MappingKernelManager.cull_idle_timeout=1800",
    "--MappingKernelManager.cull_interval=300",
    "--MappingKernelManager.cull_connected=True",
]

# Servers nobody has used for an hour are stopped; the learner's files stay in their home.
c.JupyterHub.services = [
    {"name": "idle-culler", "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"]},
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    },
]

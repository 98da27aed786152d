"""The README's curl examples run as written against a live Hydra: every call answers 2xx.

Each ```sh block of README.md that calls curl is run by bash, in order, in one shell (a
later block uses the ``TOKEN`` an earlier one made), against an embedded Hydra served by
daphne from a fresh data directory, with the demo target beside it. Only the addresses
change (free ports instead of 8000 and 8090); every other character is the README's.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from core.tests.helpers import ROOT, clean_env, free_port, manage, start_daphne, stop, wait_for

pytestmark = pytest.mark.slow

BLOCK = re.compile(r"^```(?:sh|bash|shell)\n(.*?)^```", re.MULTILINE | re.DOTALL)

# curl with the README's own arguments, recording each call's status and what it answered
RECORDING_CURL = r"""
curl() {
  command curl --silent --show-error --output "$BODY" \
    --write-out '%{http_code} %{method} %{url_effective}\n' "$@" >> "$CALLS"
  cat "$BODY" >> "$BODIES"; echo >> "$BODIES"
}
"""


def curl_blocks(readme: str) -> list[str]:
    return [block for block in BLOCK.findall(readme) if re.search(r"^\s*curl |\bcurl ", block)]


def localised(block: str, hydra: str, target: str) -> str:
    """The block with Hydra's and the demo target's addresses replaced, nothing else."""
    block = block.replace("http://127.0.0.1:8000", hydra).replace("127.0.0.1:8090", target)
    if not (ROOT / ".venv" / "bin" / "python").exists():  # a checkout without make's venv
        block = block.replace(".venv/bin/python", sys.executable)
    return block


def test_the_readme_has_curl_examples_for_metrics_and_load_tests():
    blocks = curl_blocks((ROOT / "README.md").read_text())
    joined = "\n".join(blocks)
    assert "/api/v2/write" in joined and "/api/v1/metrics/" in joined
    assert "/scenarios/" in joined and "training/start" in joined


@pytest.fixture
def hydra(tmp_path):
    """An embedded Hydra on a fresh directory with the README's admin, and the demo target."""
    env = clean_env(HYDRA_DATA_DIR=str(tmp_path / "data"), HYDRA_ADMIN_PASSWORD="readme-pass-1")
    env.pop("HYDRA_EMBEDDED_SCHEDULER", None)  # as make run: the schedule runs in-process
    for command in (("migrate", "--noinput"), ("ensure_admin",)):
        done = manage(*command, env=env)
        assert done.returncode == 0, done.stderr
    port, target_port = free_port(), free_port()
    target = subprocess.Popen(
        [sys.executable, "manage.py", "demo_target", "--port", str(target_port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    log = (tmp_path / "daphne.log").open("w")
    server = start_daphne(port, env, log=log)
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v1/health")
        wait_for(f"http://127.0.0.1:{target_port}/fast")
        yield env, f"http://127.0.0.1:{port}", f"127.0.0.1:{target_port}"
    finally:
        stop(server)
        stop(target)
        log.close()


def test_every_readme_curl_call_answers_2xx(hydra, tmp_path):
    env, base, target = hydra
    blocks = curl_blocks((ROOT / "README.md").read_text())
    script = RECORDING_CURL + "\n".join(localised(b, base, target) for b in blocks)
    calls, bodies = tmp_path / "calls", tmp_path / "bodies"
    run_env = {**env, "CALLS": str(calls), "BODY": str(tmp_path / "body"), "BODIES": str(bodies)}
    done = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=run_env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    answered = calls.read_text().splitlines()
    expected = sum(len(re.findall(r"(?:^|\s)curl ", b)) for b in blocks)
    assert len(answered) == expected, answered
    failed = [line for line in answered if not line.startswith("2")]
    assert failed == [], f"{failed}\n{bodies.read_text()}\n{done.stderr}"

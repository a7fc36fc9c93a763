"""The kernel manager run-notebooks.sh gives nbconvert: start_kernel returns once the kernel answers.

rapaio-jupyter-kernel 3.0.1 has two start-up races that leave a kernel running but deaf, so that nbconvert waits for
it until its start-up timeout (each hit about one start in four on a busy 2-core machine):

- it reads shell messages as soon as it has bound its sockets, a moment before it registers its message handlers;
  a kernel_info_request queued before the bind (Jupyter clients connect and send one right after launching the
  kernel) kills the shell thread with a NullPointerException;
- its loop threads check their "running" flag before the thread that started them has set it, and may end at once.

So start_kernel waits until every port of the kernel accepts connections (the handlers are registered right after
the last bind), then checks with a client of its own that the kernel answers a kernel_info_request, and starts a
new kernel when it does not.
"""
import asyncio
import socket
import time

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.session import Session

ATTEMPTS = 5
LISTEN_TIMEOUT_SECONDS = 300
HANDLERS_GRACE_SECONDS = 2
ANSWER_TIMEOUT_SECONDS = 30


class ListeningKernelManager(AsyncKernelManager):

    async def start_kernel(self, **kwargs):
        for attempt in range(1, ATTEMPTS + 1):
            await super().start_kernel(**kwargs)
            await self._wait_until_listening()
            if await self._answers():
                return
            self.log.warning("The kernel did not answer kernel_info_request (attempt %d of %d)", attempt, ATTEMPTS)
            await self.shutdown_kernel(now=True, restart=True)
        raise RuntimeError(f"Cannot start the kernel: it did not answer in {ATTEMPTS} attempts")

    async def _wait_until_listening(self):
        deadline = time.monotonic() + LISTEN_TIMEOUT_SECONDS
        for port in (self.shell_port, self.iopub_port, self.stdin_port, self.control_port, self.hb_port):
            while not _listening(self.ip, port):
                if not await self.is_alive():
                    raise RuntimeError("Cannot start the kernel: it exited before listening on its ports")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Cannot start the kernel: port {port} not listening after "
                                       f"{LISTEN_TIMEOUT_SECONDS} s")
                await asyncio.sleep(0.2)
        await asyncio.sleep(HANDLERS_GRACE_SECONDS)

    async def _answers(self):
        # A session of its own: the kernel's ROUTER sockets know a client by its session id, and ignore a second
        # connection with the id of one they still hold.
        client = self.client(session=Session(key=self.session.key, signature_scheme=self.session.signature_scheme))
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=ANSWER_TIMEOUT_SECONDS)
            return True
        except RuntimeError:  # "Kernel didn't respond in ... seconds"
            return False
        finally:
            client.stop_channels()


def _listening(ip, port):
    try:
        socket.create_connection((ip, port), timeout=1).close()
        return True
    except OSError:
        return False

"""Running spinhop: one run per experiment (or one per N where spinhop cannot sweep N in one
file), logs in OUT/logs/, results in OUT/data/."""

import concurrent.futures
import glob
import os
import shlex
import subprocess
import time

from .common import ROOT, fmt_list


class Runner:
    def __init__(self, args, out):
        self.spinhop = args.spinhop
        self.common = ["--backend", args.backend, "--threads", str(args.threads),
                       "--seed", str(args.seed), "--force", "--no-progress"]
        self.jobs = max(1, args.jobs)
        self.data = os.path.join(out, "data")
        self.logs = os.path.join(out, "logs")
        os.makedirs(self.data, exist_ok=True)
        os.makedirs(self.logs, exist_ok=True)
        self.commands = []

    def _run(self, argv, log_name):
        cmd = [self.spinhop] + argv + self.common
        t0 = time.time()
        try:
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        except OSError as e:
            raise SystemExit(f"reproduce-paper: cannot run {self.spinhop}: {e}")
        dt = time.time() - t0
        with open(os.path.join(self.logs, log_name), "w") as f:
            f.write("$ " + shlex.join(cmd) + "\n" + proc.stdout + f"\n# exit {proc.returncode}, {dt:.1f} s\n")
        return proc.returncode, proc.stdout, cmd, dt

    def run(self, name, argv):
        """One spinhop run writing DIR/data/NAME.h5; returns [path]."""
        self.clean(name)
        path = os.path.join(self.data, name + ".h5")
        rc, out, cmd, _ = self._run(argv + ["-o", path], name + ".log")
        if rc != 0:
            raise SystemExit(f"reproduce-paper: spinhop failed (exit {rc}): {shlex.join(cmd)}\n{out.strip()}")
        self.commands.append(self.show(cmd))
        return [path]

    def run_n_sweep(self, name, argv, sweep_first, n_values, n_option, sweep_only=()):
        """A run sweeping N (after the sweeps in sweep_first). Tries one spinhop run with
        --sweep N=... (plus the arguments sweep_only); if spinhop refuses it, runs one file per N
        (NAME_N<n>.h5) with `n_option n`."""
        self.clean(name)
        path = os.path.join(self.data, name + ".h5")
        sweeps = []
        for s in sweep_first:
            sweeps += ["--sweep", s]
        rc, out, cmd, _ = self._run(argv + list(sweep_only) + sweeps + ["--sweep", "N=" + fmt_list(n_values),
                                                                      "-o", path],
                                    name + ".log")
        if rc == 0:
            self.commands.append(self.show(cmd))
            return [path]
        msg = out.strip().splitlines()[-1] if out.strip() else f"exit {rc}"
        print(f"  spinhop could not sweep N in one file ({msg}); running one file per N", flush=True)
        if os.path.exists(path):
            os.remove(path)

        def one(n):
            p = os.path.join(self.data, f"{name}_N{n:03d}.h5")
            rc, out, cmd, _ = self._run(argv + [n_option, str(n)] + sweeps + ["-o", p],
                                        f"{name}_N{n:03d}.log")
            if rc != 0:
                raise SystemExit(f"reproduce-paper: spinhop failed (exit {rc}): {shlex.join(cmd)}\n{out.strip()}")
            return p, self.show(cmd)

        with concurrent.futures.ThreadPoolExecutor(self.jobs) as ex:
            results = list(ex.map(one, n_values))
        self.commands.append(f"# N sweep split into {len(n_values)} runs, e.g.: " + results[0][1])
        return [p for p, _ in results]

    @staticmethod
    def show(cmd):
        """A command as text, with paths inside the repository relative to its root."""
        return shlex.join(cmd).replace(ROOT + os.sep, "")

    def clean(self, name):
        for p in glob.glob(os.path.join(self.data, name + ".h5")) + \
                glob.glob(os.path.join(self.data, name + "_N*.h5")):
            os.remove(p)

"""README.md of the output folder: the command, program version, backend, machine, date, run
times, the contents and the spinhop commands run."""

import glob
import os
import platform
import shlex
import subprocess

from .common import ROOT


def machine_info():
    model, cores = "unknown", os.cpu_count()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB memory"
    except OSError:
        pass
    return f"{model}, {cores} logical cores{mem}, {platform.system()} {platform.release()}"


def repo_head():
    """The repository's checked-out commit (read-only), or None."""
    try:
        out = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, timeout=10)
        return out.stdout.strip() or None if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def write_readme(ctx, path, argv, total, experiments):
    """README.md; `experiments`: (key, title, run) in order, for the table of run times."""
    a = next(iter(ctx["attrs"].values()), {})
    head = ctx.get("repo_head")
    sha = str(a.get("git_sha", "?"))
    if head and not (head.startswith(sha) or sha.startswith(head)):
        head_line = (f"* repository checkout at run time: {head} (differs from the SHA the binary reports, which "
                     "is taken when CMake configures: the binary may predate the checkout)")
    elif head:
        head_line = f"* repository checkout at run time: {head}"
    else:
        head_line = "* repository checkout at run time: unknown (no git)"
    size = sum(os.path.getsize(p) for p in glob.glob(os.path.join(ctx["out"], "data", "*.h5")))
    L = ["# Reproduction of the paper's results with spinhop\n",
         "Regenerate everything in this folder with (from the repository root):\n",
         "```", shlex.join(["tools/reproduce-paper"] + argv), "```\n",
         f"* scale: **{ctx['scale']['name']}**",
         f"* spinhop {a.get('spinhop_version', '?')}, git {a.get('git_sha', '?')} (from the HDF5 root attributes)",
         head_line,
         f"* backend: {a.get('backend', '?')}, device: {a.get('device', '?')}, precision {a.get('precision', '?')}, "
         f"seed {a.get('seed', '?')}",
         f"* machine: {ctx.get('run_machine') or machine_info()}",
         f"* date: {ctx['date']}",
         f"* total wall time: {total:.0f} s ({total / 60:.1f} min)\n",
         "| experiment | simulation (spinhop) | analysis and figures | total |",
         "|---|---|---|---|"]
    for key, title, _ in experiments:
        if key in ctx["times"]:
            s, an = ctx["times"][key]
            L.append(f"| {title} | {s:.1f} s | {an:.1f} s | {s + an:.1f} s |")
    L.append("")
    if ctx.get("replot_date"):
        L.append(f"(Figures, tables and summary redrawn from these data with `--replot` on {ctx['replot_date']}.)\n")
    elif ctx.get("replot"):
        L.append("(Redrawn with `--replot`; no record of the run that made the data: the times are the redraw's.)\n")
    L += ["## Contents\n",
          "* `summary.md`: every number of the paper beside spinhop's, with the ratio, and the reasons for the "
          "differences.",
          "* `figures/`: PNG and PDF of Fig. 5 (`fig5_recall`), Fig. 6c (`fig6c_images`, examples in "
          "`fig6_examples`), Fig. 7 (`fig7_maxcut`), Fig. 8 (`fig8_w_sweep`), section IV.B / Table II "
          "(`section4b_timing_energy`) and one trial's waveforms (`waveforms`).",
          "* `tables/`: the CSV behind every figure and table (SI units in the column names).",
          f"* `data/`: the spinhop results files (HDF5, docs/output-format.md; {size / 1e6:.1f} MB); `logs/`: "
          "spinhop's output per run.",
          "", "## spinhop commands run\n", "```"]
    cmds = ctx.get("commands") or []
    if not cmds and os.path.exists(os.path.join(ctx["out"], "logs")):
        for p in sorted(glob.glob(os.path.join(ctx["out"], "logs", "*.log"))):
            first = open(p).readline().strip()
            if first.startswith("$ "):
                cmds.append(first[2:])
    L += cmds + ["```", ""]
    with open(path, "w") as f:
        f.write("\n".join(L))

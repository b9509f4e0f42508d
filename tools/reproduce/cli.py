"""The command line of tools/reproduce-paper: the experiments in order, the arguments, main()."""

import argparse
import datetime
import glob
import json
import os
import sys
import time

from . import fig5, fig6, fig7, fig8, table2, waveforms
from .common import ROOT, plt, scale
from .readme import machine_info, repo_head, write_readme
from .runner import Runner
from .summary import write_summary

EXPERIMENTS = [("fig5", "Fig. 5: random-pattern recall", fig5.run),
               ("fig6", "Fig. 6c: distorted-image recall", fig6.run),
               ("fig7", "Fig. 7: max-cut of random graphs", fig7.run),
               ("fig8", "Fig. 8: W sweep (time, energy, EDP)", fig8.run),
               ("table2", "Table II and section IV.B", table2.run),
               ("waveforms", "Waveforms of one trial", waveforms.run)]


def main(doc):
    """Run tools/reproduce-paper; `doc`: its docstring (the --help text)."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spinhop", default=os.path.join(ROOT, "build", "spinhop"), help="spinhop executable")
    ap.add_argument("--backend", default="auto", choices=["auto", "cpu", "cuda"], help="passed to spinhop")
    ap.add_argument("--out", default=os.path.join(ROOT, "results"), help="output folder (default results/)")
    ap.add_argument("--quick", action="store_true", help="small scale, a couple of minutes on 2 CPU cores")
    ap.add_argument("--threads", type=int, default=0, help="spinhop --threads (0: all cores)")
    ap.add_argument("--jobs", type=int, default=1, help="spinhop processes at once when a run is split per N")
    ap.add_argument("--seed", type=int, default=1, help="spinhop --seed")
    ap.add_argument("--only", default="", help="comma-separated subset of " + ",".join(k for k, _, _ in EXPERIMENTS))
    ap.add_argument("--replot", action="store_true", help="do not run spinhop; redraw from OUT/data/")
    args = ap.parse_args()
    argv = sys.argv[1:]
    out = os.path.abspath(args.out)
    if not args.replot and not (os.path.isfile(args.spinhop) and os.access(args.spinhop, os.X_OK)):
        sys.exit(f"reproduce-paper: no spinhop executable at {args.spinhop} (build it, or pass --spinhop PATH)")
    only = [s for s in args.only.split(",") if s]
    for s in only:
        if s not in [k for k, _, _ in EXPERIMENTS]:
            sys.exit(f"reproduce-paper: unknown experiment {s!r} in --only")
    figdir = os.path.join(out, "figures")
    for d in (out, figdir, os.path.join(out, "tables"), os.path.join(out, "data")):
        os.makedirs(d, exist_ok=True)
    plt.rcParams.update({"font.size": 9, "axes.titlesize": 10})
    ctx = {"scale": scale(args.quick), "out": out, "figdir": figdir, "run": not args.replot,
           "runner": None if args.replot else Runner(args, out), "res": {}, "attrs": {}, "times": {},
           "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "replot": args.replot}
    t_start = time.time()
    for key, title, fn in EXPERIMENTS:
        if only and key not in only and not (key == "table2" and "fig6" in only):
            continue
        print(f"[{time.time() - t_start:6.1f} s] {title}", flush=True)
        t0 = time.time()
        mark = {}
        ctx["sim_done"] = lambda: mark.setdefault("t", time.time())
        fn(ctx)
        t1 = time.time()
        sim = mark.get("t", t0) - t0
        ctx["times"][key] = (sim, t1 - t0 - sim)
        print(f"           simulation {sim:.1f} s, analysis {t1 - t0 - sim:.1f} s", flush=True)
    total = time.time() - t_start
    run_json = os.path.join(out, "run.json")
    if ctx["runner"]:
        ctx["commands"] = ctx["runner"].commands
        ctx["repo_head"] = repo_head()
        run = {"argv": argv, "scale": ctx["scale"]["name"], "date": ctx["date"], "total_s": total,
               "repo_head": ctx["repo_head"],
               "machine": machine_info(), "commands": ctx["commands"],
               "experiments": {k: {"simulation_s": v[0], "analysis_s": v[1]} for k, v in ctx["times"].items()}}
        with open(run_json, "w") as f:
            json.dump(run, f, indent=1)
    elif os.path.exists(run_json):
        # --replot: keep the record of the run that produced the data
        run = json.load(open(run_json))
        ctx["replot_date"] = ctx["date"]
        ctx["date"], argv, total = run["date"], run["argv"], run["total_s"]
        ctx["commands"] = run["commands"]
        ctx["times"] = {k: (v["simulation_s"], v["analysis_s"]) for k, v in run["experiments"].items()}
        ctx["run_machine"] = run.get("machine")
        ctx["repo_head"] = run.get("repo_head")
    write_summary(ctx, os.path.join(out, "summary.md"))
    write_readme(ctx, os.path.join(out, "README.md"), argv, total, EXPERIMENTS)
    size = sum(os.path.getsize(p) for p in glob.glob(os.path.join(out, "data", "*.h5")))
    print(f"done in {total:.1f} s: {out}/summary.md, README.md, figures/, tables/ "
          f"(HDF5 data {size / 1e6:.1f} MB in data/)")

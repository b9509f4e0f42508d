"""The pieces of tools/reproduce-paper (its command line is in cli.py):

    paper.py      the paper's numbers (also read by tools/check_reproduction.py)
    common.py     scales, reading results, CSV and figure output, timing statistics
    runner.py     running spinhop
    fig5.py, fig6.py, fig7.py, fig8.py, table2.py, waveforms.py   one experiment each: run(ctx)
    summary.py    summary.md;  readme.py: README.md
    cli.py        the experiments in order, the arguments, main()

The results files are read with the spinhop package (python/spinhop). Importing this package
(or paper.py) needs nothing beyond the standard library; the experiment modules need numpy,
pandas, h5py and matplotlib.
"""

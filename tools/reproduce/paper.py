"""The paper's numbers (seed/spintronic-rnn-paper.txt, spec/model.md section 8): the one place
they are written. tools/reproduce-paper plots and tabulates spinhop against them;
tools/check_reproduction.py checks that summary.md quotes each of them.

Each is a `Number`: a float in SI units (fractions for percentages) that also keeps the paper's
printed form, `.text` ("3.60 nJ"), and its parts `.digits` ("3.60") and `.unit` ("nJ").
Standard library only (check_reproduction.py imports it without numpy).
"""

_EXPONENT = {"": 0, "%": -2, "V": 0, "ns": -9, "mW": -3, "nJ": -9, "fJ s": -15}


class Number(float):
    """A number as the paper prints it: Number("81.2 ns") == 81.2e-9, .text == "81.2 ns"."""

    def __new__(cls, text):
        digits, _, unit = text.replace("%", " %").partition(" ")
        unit = unit.strip()
        # the decimal string with its exponent: the same double as the literal (81.2e-9)
        self = super().__new__(cls, f"{digits}e{_EXPONENT[unit]}")
        self.text, self.digits, self.unit = text, digits, unit
        return self

    def __repr__(self):
        return f"Number({self.text!r})"


# Section IV.B.1: random-pattern recall, N = 60
RECALL_TRIALS = 100
RECALL_T_MEAN = Number("81.2 ns")
RECALL_T_MAX = Number("113 ns")
RECALL_POWER = Number("44.3 mW")
RECALL_E_MEAN = Number("3.60 nJ")
RECALL_E_WORST = Number("5.23 nJ")
# Section IV.B.2: distorted images, N = 100
IMAGES_TRIALS = 1000
IMAGES_T_MEAN = Number("78.14 ns")
IMAGES_E_MEAN = Number("11.04 nJ")
# Section IV.B.3 and Table II: max-cut of g05_60.0-9
MAXCUT_TRIALS = 10
MAXCUT_T_MEAN = Number("344 ns")
MAXCUT_POWER = Number("50.6 mW")
MAXCUT_E_MEAN = Number("17.4 nJ")
MAXCUT_E_WORST = Number("47.6 nJ")       # section V.A
# Table II: the other works, as the paper quotes them (SONOS: energy only)
MEMRISTOR_T = Number("600 ns")
MEMRISTOR_POWER = Number("120 mW")
MEMRISTOR_E = Number("72 nJ")
SONOS_E = Number("33 nJ")
# Section V.A, the comparison in words
FASTER_THAN_MEMRISTOR = Number("74.4%")  # "converged 74.4% faster" (600/344 - 1)
ENERGY_VS_MEMRISTOR = Number("24.4%")    # "consuming 24.4% less energy" (printed; 17.4/72 = 0.242)
SONOS_GREATER = Number("89.7%")          # "33 nJ ... 89.7% greater" (33/17.4 - 1)

# Fig. 5: random-pattern recall, bit accuracy
P1_ACCURACY = Number("100%")             # P = 1: "perfect accuracy for all single-pattern cases"
P2_ACCURACY = Number("99%")              # P = 2: approaching 99% (drawn from P2_FROM_N)
P2_FROM_N = 20
P3_ACCURACY = Number("96%")              # P = 3: above 96% for N > P3_ABOVE_N
P3_ABOVE_N = 17
# Fig. 6c: distorted-image recall
IMAGES_PERFECT = Number("100%")          # perfect recall at low distortion ...
IMAGES_PERFECT_UP_TO = 0.1               # ... drawn up to this distortion
IMAGES_FALSE_FROM = Number("0.33")       # false convergence from d = 0.33
IMAGES_T_RISES_FROM = Number("0.35")     # "T" accuracy rises past d = 0.35
# Fig. 7: random G(n, 0.5) graphs
MAXCUT_GAP = Number("9.02%")             # mean gap to the optimum
# Fig. 8: W sweep, N = 60, V_C = 0.25 V
EDP_W_MIN = Number("0.04 V")             # W at the energy-delay-product minimum
EDP_MIN = Number("0.16 fJ s")            # the minimum EDP ...
EDP_MIN_PRINTED = "0.16 aJ-s"            # ... printed so, a unit slip: fJ s in its data

NUMBERS = {k: v for k, v in dict(globals()).items() if isinstance(v, Number)}
"""Every Number above, by name."""

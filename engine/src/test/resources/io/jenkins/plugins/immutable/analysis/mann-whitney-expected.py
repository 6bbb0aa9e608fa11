# Independent reference values for MannWhitneyTest and CanaryJudgeTest, computed the way R's
# wilcox.test(x, y, conf.int = TRUE) defines them, without the project's code:
#  - W (the U of x) from average ranks; exact p-values by enumerating every ordering of the pooled sample, as fractions;
#  - normal p-values with scipy.stats.mannwhitneyu(method='asymptotic', use_continuity=True);
#  - the estimate as the median of all sorted differences; exact intervals from qwilcox on the enumerated distribution;
#  - approximate intervals by bisecting R's wdiff function (ranks of x - d against y) to machine precision.
# Run: python3 mann-whitney-expected.py   (Python 3, NumPy, SciPy)
import itertools, math
from fractions import Fraction
import numpy as np
from scipy import stats, optimize

def W(x, y):
    r = stats.rankdata(list(x) + list(y))
    return sum(r[:len(x)]) - len(x)*(len(x)+1)/2

def exact_dist(m, n):
    # enumerate which positions of the pooled order are x's: U = sum over x of (number of y below it)
    N = m + n; counts = {}
    for pos in itertools.combinations(range(N), m):
        u = sum(p - k for k, p in enumerate(pos))
        counts[u] = counts.get(u, 0) + 1
    tot = math.comb(N, m)
    return {u: Fraction(c, tot) for u, c in counts.items()}

def report(name, x, y, conf=0.95, exact=None):
    x = [v for v in x if v == v]; y = [v for v in y if v == v]
    m, n = len(x), len(y); w = W(x, y)
    d = np.sort(np.subtract.outer(np.array(x), np.array(y)).ravel())
    print(f"== {name}: m={m} n={n} W={w!r} median diff={np.median(d)!r}")
    alpha = 1 - conf
    ties = len(set(x + y)) < m + n
    if exact is None: exact = m < 50 and n < 50 and not ties
    if exact:
        dist = exact_dist(m, n)
        cdf = lambda u: sum(p for k, p in dist.items() if k <= u)
        p = min(1, 2 * (cdf(w) if w <= m*n/2 else 1 - cdf(w - 1)))
        print("  exact p =", float(p), "scipy:", stats.mannwhitneyu(x, y, method='exact').pvalue)
        qu = next(u for u in range(m*n+1) if cdf(u) >= Fraction(alpha/2))
        qu = max(qu, 1); ql = m*n - qu
        print(f"  exact CI ({conf}) = {d[qu-1]!r}, {d[ql]!r}  (qu={qu})")
    else:
        res = stats.mannwhitneyu(x, y, method='asymptotic', use_continuity=True)
        print("  normal p (scipy, continuity, ties) =", repr(res.pvalue))
        # R's wdiff, root found by bisection to machine precision
        xa, ya = np.array(x), np.array(y)
        def wdiff(dd, zq):
            dr = stats.rankdata(np.concatenate([xa - dd, ya]))
            _, nt = np.unique(dr, return_counts=True)
            dz = dr[:m].sum() - m*(m+1)/2 - m*n/2
            corr = np.sign(dz) * 0.5
            s = math.sqrt((m*n/12) * ((m+n+1) - (nt**3 - nt).sum() / ((m+n)*(m+n-1))))
            return (dz - corr)/s - zq
        z = stats.norm.ppf(1 - alpha/2)
        def root(zq):
            lo, hi = min(x) - max(y), max(x) - min(y)
            if wdiff(lo, zq) <= 0: return lo
            if wdiff(hi, zq) >= 0: return hi
            for _ in range(200):
                mid = (lo + hi) / 2
                if wdiff(mid, zq) > 0: lo = mid
                else: hi = mid
            return (lo, hi)
        print(f"  R-style CI roots ({conf}): lower in {root(z)}, upper in {root(-z)}")

hw_x = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
hw_y = [1.15, 0.88, 0.90, 0.74, 1.21]
report("Hollander-Wolfe p.69", hw_x, hw_y)
report("Hollander-Wolfe p.69 normal", hw_x, hw_y, exact=False)
NA = float('nan')
may = [41,36,12,18,NA,28,23,19,8,NA,7,16,11,14,18,14,34,6,30,11,1,11,4,32,NA,NA,NA,23,45,115,37]
aug = [39,9,16,78,35,66,122,89,110,NA,NA,44,28,65,NA,22,59,23,31,44,21,9,NA,45,168,73,NA,76,118,84,85]
report("airquality Ozone May vs Aug", may, aug)
mt_auto = [21.4,18.7,18.1,14.3,24.4,22.8,19.2,17.8,16.4,17.3,15.2,10.4,10.4,14.7,21.5,15.5,15.2,13.3,19.2]
mt_man = [21.0,21.0,22.8,32.4,30.4,33.9,27.3,26.0,30.4,15.8,19.7,15.0,21.4]
report("mtcars mpg auto vs manual", mt_auto, mt_man)

print("---- edges")
base = list(range(60)); can = [v + 16 for v in base]
report("shift 16 on 0..59", can, base, conf=0.98)
base = [k for k in range(1, 61)]; can = [1.5*k for k in base]
report("x1.5 on 1..60", can, base, conf=0.98)

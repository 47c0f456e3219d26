#!/usr/bin/env python3
"""Fits the polynomial coefficients of the encoder's two vectorised transcendental kernels and measures their error.

  python3 model/tools/fit_fast_kernels.py            (numpy, scipy and mpmath; a few seconds)

1. FastGelu's Gaussian: exp(-u^2) = p(w)^(2^K_GELU), w = -u^2 / 2^K_GELU, u in [0, U_MAX], p(w) = 1 + w q(w).
   The error that matters is the absolute error of exp(-u^2) (it enters erf and the derivative as an absolute error):
   a relative error r of p becomes about 2^K r e^(-u^2) after the squarings, so q is fitted with weight
   2^K (e^((2^K - 1) w) + GELU_RELATIVE e^(-w)); the second term keeps the relative error small too, so that the
   Gaussian is still right at the clamp, where the derivative multiplies it by an unbounded x.
2. VectorExp (softmax, double): e^x = p(w)^(2^K_EXP), w = x / 2^K_EXP, x in [-80, 0], relative error.

Each fit is a weighted minimax (Remez exchange in 40-digit arithmetic) of q(w) ~ (e^w - 1)/w; the bound
|w (q - q*)| <= |a| |q - q*| on [a, 0] is what is minimised, so p(0) = 1 exactly. The script prints the coefficients
as Java literals (pasted into FastGelu.java / VectorExp.java) and then replays both kernels operation by operation in
float32 / float64 with numpy (IEEE arithmetic in the same order as the Java code, so the same results bit for bit) on
the grids of FastGeluTest and VectorExpTest, printing the maximum errors those tests bound.
"""
import mpmath as mp
import numpy as np
from scipy.special import erf

mp.mp.dps = 40

U_MAX = 5.5       # erf(5.5) = 1 in float; exp(-5.5^2) = 7.3e-14, so x exp(-x^2/2) needs no clamp of x
K_GELU, N_GELU = 3, 7
GELU_RELATIVE = 1e-4   # weight of the Gaussian's relative error beside its absolute error (see fit_gelu)
K_EXP, N_EXP = 10, 6
EXP_LOW = -80.0


def remez(f, weight, degree, a, b, grid_points=2000, iterations=25):
    """Polynomial c_0 + ... + c_degree x^degree minimising max |weight(x) (f(x) - poly(x))| on [a, b]."""
    m = degree + 1
    ref = sorted((a + b) / 2 + (b - a) / 2 * mp.cos(mp.pi * i / m) for i in range(m + 1))
    grid = [a + (b - a) * mp.mpf(i) / (grid_points - 1) for i in range(grid_points)]
    best = None
    for _ in range(iterations):
        lhs = mp.matrix(m + 1, m + 1)
        rhs = mp.matrix(m + 1, 1)
        for i, x in enumerate(ref):
            for j in range(m):
                lhs[i, j] = x ** j
            lhs[i, m] = (-1) ** i / weight(x)
            rhs[i] = f(x)
        sol = mp.lu_solve(lhs, rhs)
        c = [sol[j] for j in range(m)]
        err = [weight(x) * (f(x) - mp.polyval(c[::-1], x)) for x in grid]
        emax = max(abs(e) for e in err)
        if best is None or emax < best[1]:
            best = (c, emax)
        # new reference: the largest error of each run of one sign
        runs = []
        for i, e in enumerate(err):
            if runs and mp.sign(e) == mp.sign(err[runs[-1]]):
                if abs(e) > abs(err[runs[-1]]):
                    runs[-1] = i
            else:
                runs.append(i)
        while len(runs) > m + 1:
            runs.pop(0 if abs(err[runs[0]]) < abs(err[runs[-1]]) else -1)
        if len(runs) < m + 1:
            break
        new_ref = [grid[i] for i in runs]
        if new_ref == ref:
            break
        ref = new_ref
    return best


def fit_q(k, degree, low, extra_weight):
    """q with p(w) = 1 + w q(w) ~ e^w on [low / 2^k, 0]; returns (coefficients, bound of the weighted error of p)."""
    a = mp.mpf(low) / 2 ** k
    f = lambda w: mp.expm1(w) / w if w != 0 else mp.mpf(1)
    c, e = remez(f, lambda w: -a * extra_weight(w), degree - 1, a, mp.mpf(0))
    return [float(x) for x in c], float(e)


def java_literals(coefficients, suffix):
    return ", ".join(str(np.float32(x)) + "f" if suffix == "f" else repr(x) for x in coefficients)


def gelu_kernel(x, q):
    """FastGelu.apply replayed in float32, in the Java code's order of operations."""
    f = np.float32
    inv_sqrt2 = f(1.0 / np.sqrt(2.0))
    u = np.minimum(np.abs(x * inv_sqrt2), f(U_MAX))
    s = f(1) / (f(1) + f(0.3275911) * u)
    w = u * u * f(-1.0 / 2 ** K_GELU)
    p = f(q[-1])
    for c in q[-2::-1]:
        p = f(c) + w * p
    g = f(1) + w * p
    for _ in range(K_GELU):
        g = g * g
    poly = ((((f(1.061405429) * s - f(1.453152027)) * s + f(1.421413741)) * s - f(0.284496736)) * s
            + f(0.254829592))
    erf_abs = f(1) - poly * s * g
    with np.errstate(invalid="ignore"):
        e = f(1) + x / (np.abs(x) + f(1e-30)) * erf_abs
    gelu_u = e * x
    deriv = e + f(np.sqrt(2.0 / np.pi)) * x * g
    return gelu_u, deriv


def exp_kernel(x, q):
    """VectorExp.expInPlace replayed in float64."""
    def powered(v):
        w = np.maximum(v, EXP_LOW) * (1.0 / 2 ** K_EXP)
        p = q[-1]
        for c in q[-2::-1]:
            p = c + w * p
        e = 1 + w * p
        for _ in range(K_EXP):
            e = e * e
        return e
    at_low = powered(np.array([EXP_LOW]))[0]
    return np.maximum(powered(x) - at_low, 0.0), at_low


def main():
    q_gelu, e_gelu = fit_q(K_GELU, N_GELU, -U_MAX ** 2,
                           lambda w: 2 ** K_GELU * (mp.exp((2 ** K_GELU - 1) * w) + GELU_RELATIVE * mp.exp(-w)))
    q_gelu = [float(np.float32(c)) for c in q_gelu]
    print(f"FastGelu Gaussian: K={K_GELU}, degree {N_GELU}, u <= {U_MAX}: weighted minimax error {e_gelu:.2e} "
          f"(a loose bound of the absolute error of exp(-u^2) before float rounding; measured below)")
    print("  q coefficients (w^0 first):", java_literals(q_gelu, "f"))
    q_exp, e_exp = fit_q(K_EXP, N_EXP, EXP_LOW, lambda w: mp.exp(-w))
    print(f"VectorExp: K={K_EXP}, degree {N_EXP}, x >= {EXP_LOW}: fitted relative error of p {e_exp:.2e}, "
          f"about {e_exp * 2 ** K_EXP:.2e} after the squarings")
    print("  q coefficients (w^0 first):", java_literals(q_exp, ""))

    # FastGeluTest's grid and measures
    x = (-12 + np.arange(2_400_001) * 1e-5).astype(np.float32)
    gelu_u, deriv = gelu_kernel(x, q_gelu)
    xd = x.astype(np.float64)
    e = erf(xd / np.sqrt(2))
    gelu_err = np.max(np.abs(gelu_u / 2 - 0.5 * xd * (1 + e)) / np.maximum(1, np.abs(xd)))
    deriv_err = np.max(np.abs(deriv - (1 + e + xd * np.sqrt(2 / np.pi) * np.exp(-xd * xd / 2))))
    print(f"FastGelu over [-12, 12] step 1e-5: GELU error relative to max(1,|x|) {gelu_err:.2e} "
          f"(test bound 1e-6), derivative {deriv_err:.2e} (test bound 3e-6)")
    xc = -U_MAX * np.sqrt(2)
    exact = 1 + erf(xc / np.sqrt(2)) + xc * np.sqrt(2 / np.pi) * np.exp(-xc * xc / 2)
    print(f"  derivative at the clamp, x = -{U_MAX} sqrt 2: {gelu_kernel(np.array([xc], dtype=np.float32), q_gelu)[1][0]:.4e} "
          f"(exact {exact:.4e}); beyond it the Gaussian stays at its value there, {np.exp(-U_MAX ** 2):.1e}")
    edges = np.array([0, -0.0, 1e-30, -1e-25, 300, -300], dtype=np.float32)
    print("  edges 0, -0, 1e-30, -1e-25, 300, -300: 2 GELU", gelu_kernel(edges, q_gelu)[0], "derivative",
          gelu_kernel(edges, q_gelu)[1])

    # VectorExpTest's grid and measures
    grid = []
    t = -100.0
    while t <= 0:     # as VectorExpTest builds it
        grid.append(t)
        t += 0.0137
    v = np.array(grid)
    got, at_low = exp_kernel(v, q_exp)
    want = np.exp(v)
    above = v > -40
    print(f"VectorExp on [-100, 0] step 0.0137: max relative error above -40 {np.max(np.abs(got - want)[above] / want[above]):.2e} "
          f"(test bound 1e-10); max absolute error {np.max(np.abs(got - want)):.2e}, value at the clamp {at_low:.2e} "
          f"(test: <= 1e-10 relative + 2e-35)")
    print("  edges 0, -80, -1e9, -inf:", exp_kernel(np.array([0.0, -80.0, -1e9, -np.inf]), q_exp)[0])


if __name__ == "__main__":
    main()
